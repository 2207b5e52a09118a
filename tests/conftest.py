"""Fixtures every test folder shares."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Iterator

import pytest

from tests.apiserver import ApiServerDouble

# Recording indexes (recording/index.py) go to a cache of the test run's own, never the
# user's; subprocesses inherit it.
os.environ["PODWATCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="podwatch-test-index-")
atexit.register(shutil.rmtree, os.environ["PODWATCH_CACHE_DIR"], ignore_errors=True)
# Wall-clock times (timeline, replay header, log lines) are local time: snapshots and
# expected texts are in UTC on any machine; tests of other zones set TZ themselves.
os.environ["TZ"] = "UTC"
time.tzset()


def _served() -> Iterator[ApiServerDouble]:
    """An API server double on 127.0.0.1 (real list/watch protocol), stopped after the
    test; a request it could not serve fails the test."""
    server = ApiServerDouble(bookmark_interval=0.3).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.errors, server.errors


@pytest.fixture
def double() -> Iterator[ApiServerDouble]:
    """The API server double (see `_served`)."""
    yield from _served()


@pytest.fixture
def west() -> Iterator[ApiServerDouble]:
    """A second API server double, on its own port: another cluster beside `double`
    (several contexts at once)."""
    yield from _served()
