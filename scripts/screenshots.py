"""Render the README screenshots from the bundled demo: `python scripts/screenshots.py`.

Writes one SVG per scene of tests/scenes.py into screenshots/.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.scenes import SCENES, build_app, prepare  # noqa: E402


async def shoot(out: Path) -> list[Path]:
    written = []
    for scene in SCENES:
        app = build_app(scene)
        async with app.run_test(size=scene.size) as pilot:
            await prepare(pilot, scene)
            path = Path(app.save_screenshot(filename=f"{scene.name}.svg", path=str(out)))
            written.append(path)
    return written


def main() -> int:
    out = ROOT / "screenshots"
    out.mkdir(exist_ok=True)
    for path in asyncio.run(shoot(out)):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
