"""Where the real captures are: `$PODWATCH_SHARED_RECORDINGS`, else the project's shared
tree next to the repository (`../shared/recordings`, which may have grown new files),
else the copy kept in `tests/data/recordings` (so that a clean clone, as CI runs it,
tests them too and skips nothing)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "tests" / "data" / "recordings"


def recordings_dir() -> Path:
    override = os.environ.get("PODWATCH_SHARED_RECORDINGS")
    if override:
        return Path(override)
    shared = REPO.parent / "shared" / "recordings"
    return shared if shared.is_dir() else BUNDLED
