"""SVG snapshots of the main screens from the bundled demo, at 120x40 and 80x24.

Regenerate after a deliberate UI change with `pytest tests/ui/test_snapshots.py
--snapshot-update`, then look at the SVGs (and `python scripts/screenshots.py`).
"""

from __future__ import annotations

import pytest

from tests.scenes import SCENES, build_app, prepare


@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
def test_scene(snap_compare, scene):
    async def run_before(pilot) -> None:
        await prepare(pilot, scene)

    assert snap_compare(build_app(scene), terminal_size=scene.size, run_before=run_before)


@pytest.mark.parametrize("at", [150, 380])
def test_overview_at_80x24(snap_compare, at):
    scene = next(s for s in SCENES if s.name == "overview")

    async def run_before(pilot) -> None:
        await prepare(pilot, scene)

    assert snap_compare(
        build_app(scene.__class__("o", "", at, (80, 24))),
        terminal_size=(80, 24),
        run_before=run_before,
    )
