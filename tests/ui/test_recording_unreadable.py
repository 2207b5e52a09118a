"""A recording read through its index that changes under the replay (overwritten while
it is shown): the dashboard says so once a key or the clock needs it, the replay stops
there, and the app keeps running (it used to stop with a traceback)."""

from __future__ import annotations

import gzip
import os
import shutil

from podwatch.data import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.recording.index import open_indexed
from podwatch.ui.app import PodwatchApp
from tests.ui.pilot import toasts


async def test_a_recording_changed_under_the_replay_stops_it_with_a_notice(tmp_path):
    path = tmp_path / "rec.jsonl"
    with gzip.open(demo_path(), "rb") as src, open(path, "wb") as out:
        shutil.copyfileobj(src, out)
    log = open_indexed([str(path)], cache=tmp_path / "cache", every=10_000)
    source = ReplaySource(log, clock=lambda: 0.0, paused=True)
    source.seek(10.0)
    app = PodwatchApp(source)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        before = source.next_index
        stat = path.stat()
        path.write_bytes(b"\n" * stat.st_size)  # same size and time: the index still matches
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        await pilot.press("g", *"400", "enter")  # on to 400 s: reads events that are gone
        await pilot.pause()
        assert app.is_running
        assert app.unreadable is not None and "changed since it was indexed" in app.unreadable
        shown = toasts(app)
        assert any("cannot read the recording any more" in t for t in shown), shown
        await pilot.press("period", "space")  # later keys say it again, and move nothing
        await pilot.pause()
        assert app.is_running and source.next_index >= before
        app.drain()  # the clock's drain does nothing more
        assert app.is_running
