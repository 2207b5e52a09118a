"""The app's clock squeezes the pods that have gone quiet (`PackedPods.compact`), a
bounded number a tick, and nothing it shows changes for it."""

from __future__ import annotations

import podwatch.ui.app as app_module
from podwatch.model.packed import ColdPod, PackedPod
from podwatch.model.view import pod_detail, pod_row
from tests.ui.pilot import table

WIDE = (120, 40)


def held_as(store) -> dict[type, int]:
    out: dict[type, int] = {}
    for key in store.pods:
        kind = type(store.pods.packed(key))
        out[kind] = out.get(kind, 0) + 1
    return out


async def test_ticks_squeeze_quiet_pods_a_few_at_a_time_and_nothing_shown_changes(
    demo_app, monkeypatch
) -> None:
    monkeypatch.setattr(app_module, "SQUEEZED_PER_TICK", 2)
    app = demo_app(150)  # paused: from here on every pod is quiet
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        store = app.source.store
        changed = held_as(store).get(PackedPod, 0)
        assert changed > 2  # pods that changed since they were listed are held packed
        rows = {k: pod_row(store, k) for k in store.pods}
        details = {k: pod_detail(store, k) for k in store.pods}
        screen_rows = {k: table(app)._rows[k] for k in table(app).keys}
        squeezed = []
        for _ in range(changed + 2):  # a first pass passes over them (they changed since
            before = held_as(store).get(ColdPod, 0)  # the pass before); then two a tick
            app.tick()
            squeezed.append(held_as(store).get(ColdPod, 0) - before)
        assert max(squeezed) == 2 and sum(squeezed) == changed
        assert held_as(store) == {ColdPod: len(store.pods)}
        assert {k: pod_row(store, k) for k in store.pods} == rows
        assert {k: pod_detail(store, k) for k in store.pods} == details
        await pilot.pause()
        assert {k: table(app)._rows[k] for k in table(app).keys} == screen_rows
