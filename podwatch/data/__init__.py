"""The bundled demo recording (scripts/gen_demo.py writes it)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def demo_path() -> Path:
    return Path(str(resources.files("podwatch.data").joinpath("demo.jsonl.gz")))
