"""Run a command under a pseudo-terminal and count what it writes to the terminal.

What a dashboard costs over SSH is the bytes it writes: the byte tests and the
benchmark (bench/bytes.py) run podwatch as a user's terminal would, at a set
size, and read every byte with its arrival time. Bounded: every wait has a
deadline, and the child is killed on close.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class PtyRun:
    """A child on a pty of `size` (columns, rows); `read_for` collects its output."""

    def __init__(
        self, argv: Sequence[str], size: tuple[int, int] = (120, 40), env: dict | None = None
    ) -> None:
        self.master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        # No COLUMNS or LINES: a terminal does not set them, and they would pin the size
        # (shutil.get_terminal_size reads them first), so that a resize is never seen.
        inherited = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        environment = {
            **inherited,
            "TERM": "xterm-256color",
            "PYTHONPATH": str(REPO),
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.chunks: list[tuple[float, bytes]] = []

    def read_for(self, seconds: float) -> bytes:
        """Everything written in the next `seconds`."""
        deadline = time.monotonic() + seconds
        got = []
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.1))
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the child is gone
                break
            if not data:
                break
            self.chunks.append((time.monotonic(), data))
            got.append(data)
        return b"".join(got)

    def read_until_quiet(self, quiet: float = 1.0, limit: float = 30.0) -> bytes:
        """Output until nothing has come for `quiet` seconds since the last byte (a frame
        is complete), at most `limit` seconds."""
        deadline = time.monotonic() + limit
        last = time.monotonic()
        got = []
        while (wait := min(last + quiet, deadline) - time.monotonic()) > 0:
            data = self._read_within(wait)
            if not data:
                break
            got.append(data)
            last = time.monotonic()
        return b"".join(got)

    def read_first(self, limit: float = 10.0) -> bytes:
        """The next output as soon as it comes (at most `limit` seconds)."""
        return self._read_within(limit)

    def _read_within(self, seconds: float) -> bytes:
        """What is written within `seconds` from now, as soon as there is any (b"" if
        nothing comes, or the child is gone)."""
        ready, _, _ = select.select([self.master], [], [], max(seconds, 0))
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child is gone
            return b""
        if data:
            self.chunks.append((time.monotonic(), data))
        return data

    def read_until(self, needle: bytes, limit: float = 30.0) -> bytes:
        """Output until `needle` has been written (at most `limit` seconds)."""
        deadline = time.monotonic() + limit
        got = b""
        while needle not in got and (left := deadline - time.monotonic()) > 0:
            got += self.read_for(min(0.2, left))
        return got

    def resize(self, size: tuple[int, int]) -> None:
        """The terminal window changes size: the child gets SIGWINCH, as from a real one."""
        cols, rows = size
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.killpg(self.proc.pid, signal.SIGWINCH)

    def send(self, keys: str | bytes) -> None:
        os.write(self.master, keys.encode() if isinstance(keys, str) else keys)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        os.close(self.master)

    def __enter__(self) -> PtyRun:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def podwatch(*args: str) -> list[str]:
    """argv for podwatch from this checkout."""
    return [sys.executable, "-m", "podwatch.cli", *args]
