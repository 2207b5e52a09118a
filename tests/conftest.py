"""Fixtures every test folder shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.apiserver import ApiServerDouble


@pytest.fixture
def double() -> Iterator[ApiServerDouble]:
    """The API server double on 127.0.0.1 (real list/watch protocol), stopped after the
    test; a request it could not serve fails the test."""
    server = ApiServerDouble(bookmark_interval=0.3).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.errors, server.errors
