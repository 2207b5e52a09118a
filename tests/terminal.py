"""A terminal emulator (pyte) fed with what podwatch wrote to its pty: the screen a
user would see, to assert on instead of on the bytes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import pyte


class Output(Protocol):
    def read_for(self, seconds: float) -> bytes: ...


class Terminal:
    def __init__(self, size: tuple[int, int]) -> None:
        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def resize(self, size: tuple[int, int]) -> None:
        cols, rows = size
        self.screen.resize(rows, cols)

    def cells(self) -> list[list[tuple]]:
        return [
            [
                (c.data, c.fg, c.bg, c.bold, c.reverse, c.underscore)
                for c in (self.screen.buffer[y][x] for x in range(self.screen.columns))
            ]
            for y in range(self.screen.lines)
        ]

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def row_with(self, word: str) -> str:
        return next((line for line in self.screen.display if word in line), "")

    def read_until_shown(self, run: Output, text: str, limit: float = 30.0) -> bytes:
        """Feed `run`'s output until the screen shows `text` (at most `limit` seconds).
        Not a search of the bytes: only changed cells are sent, so `<1 ev/s` replacing
        `~2 ev/s` arrives as `<1`."""
        return self.read_until_screen(run, lambda screen: text in screen, limit)

    def read_until_screen(
        self, run: Output, done: Callable[[str], bool], limit: float = 30.0
    ) -> bytes:
        """Feed `run`'s output until `done(screen text)` (at most `limit` seconds)."""
        deadline = time.monotonic() + limit
        got = b""
        while not done(self.text()) and (left := deadline - time.monotonic()) > 0:
            data = run.read_for(min(0.1, left))
            self.feed(data)
            got += data
        return got
