"""Pilot tests for issue 13 item 4: an Events-only capture in the dashboard (pods known
only from Events are rows, with their warnings), and the `:events` view (every Event in
scope, about any object, newest first; `/` filters; `enter` selects the pod an Event is
about; messages shown as text, never markup or control sequences)."""

from __future__ import annotations

from pathlib import Path

from podwatch.kube.source import ReplaySource
from podwatch.recording import read_recording
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.views import EventsScreen, RowCursor
from tests.ui.pilot import command, status, table, wait_until
from tests.ui.textshot import drawn_text, shown

DATA = Path(__file__).resolve().parents[1] / "data" / "recordings"
CORE = DATA / "real-objects" / "events-core-v1-unhealthy-backoff-minikube.json"
V1 = DATA / "kubectl-forms" / "events-v1-list.json"
OTHER_CORE = DATA / "hand-made" / "events-core-v1-other-objects.json"
OTHER_V1 = DATA / "hand-made" / "events-k8s-io-v1-other-objects.json"
WIDE = (120, 40)
SMALL = (80, 24)


def app_over(*paths: Path) -> PodwatchApp:
    source = ReplaySource(read_recording([str(p) for p in paths]), paused=True)
    source.seek(source.duration)
    return PodwatchApp(source)


def names(app) -> list[str]:
    t = table(app)
    return [str(t.cells_at(i)["name"]) for i in range(t.row_count)]


async def test_an_events_only_capture_shows_its_pods_with_their_warnings() -> None:
    for path, pod, said in (
        (CORE, "init-demo2", "last Warning BackOff ×1464 on install"),
        (V1, "pod-liveness-httpget1", "probe failures seen: liveness 3"),
    ):
        app = app_over(path)
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            assert pod in names(app)
            i = names(app).index(pod)
            cells = table(app).cells_at(i)
            assert cells["status"].plain == "(from Events only)"
            assert cells["restarts"].plain == "?"  # unknown, not 0
            table(app).select(("seed-demo", pod) if path == V1 else (NS_CORE, pod))
            await pilot.pause()
            summary = " ".join(shown(app.screen.query_one("#summary")).split())
            assert "Known only from Events" in summary and said in summary


NS_CORE = "message-container-creating-failed-mount"


async def test_events_view_lists_events_of_every_object_newest_first() -> None:
    app = app_over(OTHER_CORE, OTHER_V1)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "events")
        assert isinstance(app.screen, EventsScreen)
        assert "view: Events" in status(app)
        rows = app.screen.query_one(RowCursor)
        store = app.source.store
        shown_events = [store.events[k] for k in rows.keys]
        kinds = {e.involved_kind for e in shown_events}
        assert {"ReplicaSet", "ResourceQuota", "HorizontalPodAutoscaler", "Node"} <= kinds
        assert len(shown_events) == len(store.events) == 8  # both Event shapes
        # Newest first: the events.k8s.io FailedCreate (series 11:04:00) leads.
        assert shown_events[0].key == ("shop", "api-5c6f8.18b1")
        lasts = [e.last for e in shown_events]
        assert lasts == sorted(lasts, reverse=True)
        text = drawn_text(app)
        assert "⚠ Warning" in text and "ReplicaSet/web-7d4b9" in text
        assert "exceeded quota: compute" in text
        # An untrusted message: shown as its characters, not as markup or escapes.
        assert "[red]HTTP[/red]" in text and "\\x1b[2J" in text


async def test_events_view_filters_by_words_and_enter_selects_the_pod() -> None:
    app = app_over(OTHER_CORE, OTHER_V1)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await command(pilot, "events")
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"quota", "enter")
        await pilot.pause()
        rows = app.screen.query_one(RowCursor)
        assert sorted(k[1] for k in rows.keys) == [
            "api-5c6f8.18b1",
            "compute.18b2",
            "web-7d4b9.17a1",
        ]
        assert "Events /quota" in status(app)
        # enter on an Event about a ReplicaSet: said, no pod to select.
        await pilot.press("enter")
        said = lambda: [n.message for n in app._notifications]  # noqa: E731
        assert await wait_until(
            pilot, lambda: any("ReplicaSet api-5c6f8, not a pod" in m for m in said())
        )
        assert isinstance(app.screen, EventsScreen)
        # esc clears the filter; then an Event about a pod selects it in the pod view.
        await pilot.press("escape")
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"backoff", "enter")
        await pilot.pause()
        assert [k[1] for k in rows.keys] == ["web-7d4b9-abcde.17a4"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert table(app).selected_key == ("shop", "web-7d4b9-abcde")
