"""Resident memory of this process, as the benchmarks report it."""

from __future__ import annotations

import resource
from pathlib import Path


def _status(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Resident memory now, MB."""
    now = _status("VmRSS")
    return now if now is not None else peak_rss_mb()


def peak_rss_mb() -> float:
    """The most resident memory this process has had, MB. From VmHWM, which starts
    afresh with the program: `ru_maxrss` does not, on Linux a child starts with its
    parent's (kept across fork and exec), so a child of a big benchmark reported the
    parent's peak as its own."""
    peak = _status("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
