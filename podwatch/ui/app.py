"""The dashboard: one App over any source (live or replay), drained on a timer.

Watch threads parse and queue; this app, on its own thread, drains the queue a
few times a second, applies the batch to the store and redraws only the rows
that changed and, if the selected pod changed, its panes.
"""

from __future__ import annotations

import functools
import math
import os
import time
from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.app import SuspendNotSupported
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Input

from podwatch.gcpolicy import FreezePolicy
from podwatch.kube.source import Jump, Source
from podwatch.kube.states import REFUSED
from podwatch.layout import same_drawing
from podwatch.model.alerts import Alert, Alerts
from podwatch.model.k8s import Key, format_clock
from podwatch.model.store import Changes
from podwatch.moment import MomentError, parse_moment
from podwatch.recording.format import RecordingError
from podwatch.safe import clean
from podwatch.ui.messages import EventsArrived, TypeaheadEnd
from podwatch.ui.mono import use_readable_monochrome
from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.modals import HelpScreen, PromptScreen
from podwatch.ui.screens.pod import PodScreen
from podwatch.ui.screens.views import (
    EventsScreen,
    NodesScreen,
    ServicesScreen,
    TableScreen,
    WorkloadsScreen,
)
from podwatch.ui.shadow import ShadowedOutput
from podwatch.ui.status import needs_date, stale_banner, status_line
from podwatch.ui.widgets.pod_table import ViewFilter

POLL_INTERVAL = 0.25
COALESCE = 0.05
LOW_BANDWIDTH_INTERVAL = 1.0
"""With --low-bandwidth, what arrives is drawn at most once a second."""
LOW_BANDWIDTH_ENV = "PODWATCH_LOW_BANDWIDTH"
"""Set (to anything but 0 or empty) to choose --low-bandwidth, e.g. in a bastion's
shell profile."""


def low_bandwidth_wanted() -> bool:
    return os.environ.get(LOW_BANDWIDTH_ENV, "") not in ("", "0")


"""After the first event of a burst, wait this long so the burst drains as one batch."""
TICK_INTERVAL = 1.0
ALERT_EVERY = 5.0
"""Seconds between two alerts said aloud (bell, notification); those between wait."""
WORKLOAD_VERBS = frozenset(
    {"deploy", "deployment", "deployments", "workloads", "sts", "ds", "job", "jobs", "cj"}
)
"""What `:` takes for the Workloads view (kubectl's names for the kinds it shows)."""
ALERTS_LISTED = 10
"""Alerts `!` lists."""
SQUEEZED_PER_TICK = 2000
"""Quiet pods squeezed each tick (`PackedPods.compact`): about 16 ms of the app's thread,
only while pods that changed have gone quiet since."""


def alert_sequence(text: str) -> str:
    """What the terminal gets for an alert: the bell, then a desktop notification as
    iTerm2, Windows Terminal, kitty, foot (OSC 9) and rxvt, VTE terminals (OSC 777) take
    it. `text` must be clean (no control characters: it ends the sequence)."""
    return f"\a\x1b]9;podwatch: {text}\x07\x1b]777;notify;podwatch;{text}\x07"


AGE_INTERVAL = 5.0
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 30.0, 100.0)
SEEK_STEP = 10.0
REPLAY_ACTIONS = frozenset(
    {"pause", "speed", "step", "step_back", "seek", "goto", "pod_change", "warning"}
)
JUMP_NOTICE = 4.0
"""Seconds a jump's notice (where it went, what happened there) stays up."""


def _reading(method: Callable[..., Any]) -> Callable[..., Any]:
    """For what moves a replay: a recording that can no longer be read (a file changed
    under its index, recording/index.py) is said, and the replay stops there, instead of
    the app stopping with a traceback."""

    @functools.wraps(method)
    def run(app: PodwatchApp, *args: Any, **kwargs: Any) -> Any:
        if app.unreadable is not None:
            app.notify(app.unreadable, severity="error", markup=False)
            return None
        try:
            return method(app, *args, **kwargs)
        except RecordingError as exc:
            app.unreadable = (
                f"cannot read the recording any more ({clean(str(exc), 300)}); "
                "the replay stops here"
            )
            app.notify(app.unreadable, severity="error", markup=False, timeout=30)
            app.update_status()
            return None

    return run


class PodwatchApp(ShadowedOutput):
    CSS_PATH = "podwatch.tcss"
    TITLE = "podwatch"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        # k9s quits on ctrl+c; Textual's own ctrl+c only says "press ctrl+q", and ctrl+q
        # may never arrive (XON/XOFF over SSH). Priority: not even an Input keeps it.
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("A", "toggle_alerts", "Alerts", show=False),
        Binding("exclamation_mark", "list_alerts", "Last alerts", show=False),
        Binding("ctrl+l", "redraw", "Redraw", show=False),
        # `:` and `g` open a prompt: priority, so they act as they are read and the keys
        # after them wait for the prompt (typeahead) instead of hitting the table.
        Binding("colon", "command", "Command", priority=True),
        Binding("space", "pause", "Pause", show=False),
        Binding("plus,equals_sign", "speed(1)", "Faster", show=False),
        Binding("minus", "speed(-1)", "Slower", show=False),
        Binding("full_stop", "step", "Step", show=False),
        Binding("comma", "step_back", "Step back", show=False),
        Binding("greater_than_sign", "pod_change(1)", "Next change", show=False),
        Binding("less_than_sign", "pod_change(-1)", "Previous change", show=False),
        Binding("w", "warning(1)", "Next Warning", show=False),
        Binding("W", "warning(-1)", "Previous Warning", show=False),
        Binding("left_square_bracket", "seek(-1)", "Back 10s", show=False),
        Binding("right_square_bracket", "seek(1)", "Fwd 10s", show=False),
        Binding("g", "goto", "Go to", show=False, priority=True),
        Binding("G", "goto_end", "Go to the end", show=False),
    ]

    def __init__(
        self,
        source: Source,
        *,
        all_namespaces: bool = False,
        restart: Callable[[str | None], Source] | None = None,
        ansi_color: bool | None = None,
        poll_interval: float = POLL_INTERVAL,
        low_bandwidth: bool | None = None,
        alert: bool = False,
        contexts: tuple[str, ...] | None = None,
    ) -> None:
        if low_bandwidth is None:
            low_bandwidth = low_bandwidth_wanted()
        self.low_bandwidth = low_bandwidth
        """A slow or metered link: terminal colours, no scrollbars or borders, at most one
        repaint a second (see `LOW_BANDWIDTH_ENV`)."""
        if low_bandwidth:
            ansi_color = True  # default colours: the shortest escape sequences
            poll_interval = max(poll_interval, LOW_BANDWIDTH_INTERVAL)
        super().__init__(ansi_color=ansi_color)
        # NO_COLOR: meaning carried by weight instead of greys (podwatch/ui/mono.py).
        self._filters = use_readable_monochrome(self._filters)
        self.today: Callable[[], float] = time.time
        """The wall clock that says whether a replay's moment needs its date (not today's
        recording): the snapshots pin it, so that they do not change at midnight."""
        self.source: Source = source
        """What is shown. The app never stops it: whoever created it does."""
        self.all_namespaces = all_namespaces
        self.contexts = tuple(getattr(source, "contexts", ())) if contexts is None else contexts
        """Several clusters in one table (kube/fleet.py, or a recording of several): their
        names; the store's namespaces and nodes are scoped with them (model/contexts.py)."""
        self.restart = restart
        """Live: a new source over another namespace (None: all namespaces). Given by the
        sources' owner, which stops the one replaced."""
        self._awaited_namespace: str | None = None
        """`:ns NAME` waits for the pods to be listed before saying there are none."""
        self.poll_interval = poll_interval
        self._ticks = 0
        self._typeahead: list[events.Key] | None = None
        """Keys read while a prompt is opening (see `prompt`)."""
        self._followed: tuple[Key | None, Key | None] = (None, None)
        """The pod the last jump went to, and the row selected after it (the pod's own,
        or a neighbour's if it had gone): `<` and `>` follow that pod while the
        selection stays there."""
        self.gc_policy = FreezePolicy()
        self.alerts = Alerts()
        """Transitions worth an alert, watched always (`!` lists them); said aloud only
        while `alerting` (`--alert`, `A`)."""
        self.alerting = alert
        self._missed = Changes()
        """What the pod table has not seen while another screen covered it (help, a prompt,
        a view, a pod's own screen): applied when it is shown again (`take_missed`)."""
        self._unsaid: list[Alert] = []
        self._said_at = -math.inf
        self.unreadable: str | None = None
        """Why the replay stopped: its recording could no longer be read (`_reading`)."""
        if os.environ.get("SSH_CONNECTION"):
            # Over SSH every animation frame is bytes on a slow link.
            self.animation_level = "none"

    # ----------------------------------------------------------------- lifecycle

    def on_mount(self) -> None:
        if self.low_bandwidth:
            self.add_class("low-bandwidth")
        main = MainScreen(all_namespaces=self.all_namespaces, contexts=self.contexts)
        self.install_screen(main, name="pods")
        self.push_screen("pods")
        self.set_interval(self.poll_interval, self.drain, name="drain")
        self.set_interval(TICK_INTERVAL, self.tick, name="tick")
        self._attach(self.source)
        self.alerts.baseline(self.source.store)  # what is there at the start is not news
        self.call_after_refresh(self.update_status)

    def on_unmount(self) -> None:
        # Stopping the source is its owner's job (the cli, after `run()` returns).
        self._detach(self.source)
        self.gc_policy.release()

    def _attach(self, source: Source) -> None:
        source.reauthenticate_with(self._reauth_in_terminal)
        self.watch_arrivals(source)

    def _detach(self, source: Source) -> None:
        source.notify_arrivals(None)
        source.reauthenticate_with(None)

    def _reauth_in_terminal(self, renew: Callable[[], None]) -> None:
        """Run an exec credential plugin with the real terminal (it may ask for a password)."""

        def suspended() -> None:
            try:
                with self.suspend():
                    renew()
            except SuspendNotSupported:  # headless, or a terminal that cannot
                renew()

        try:
            self.call_from_thread(suspended)
        except RuntimeError:
            renew()  # called on the app's own thread

    # ----------------------------------------------------------------- data flow

    def watch_arrivals(self, source: Source) -> None:
        """Drain soon after events arrive rather than on the next timer tick: the first
        event of a burst schedules one drain `COALESCE` seconds later, which takes the
        whole burst as one batch (the timer remains as a fallback)."""
        source.notify_arrivals(lambda: self.post_message(EventsArrived()))

    @on(EventsArrived)
    def _drain_soon(self) -> None:
        def run() -> None:
            if self.screen_stack:  # not while the app is shutting down (q mid-burst)
                self.drain()

        wait = LOW_BANDWIDTH_INTERVAL if self.low_bandwidth else COALESCE
        self.set_timer(wait, run, name="drain-soon")

    def drain(self) -> None:
        # Not once the screens are taken down: the drain timer may fire as the app exits.
        if self.unreadable is None and self.screen_stack:
            self._drain()

    @_reading
    def _drain(self) -> None:
        before = self.source.received
        changes = self.source.poll()
        if changes:
            self.apply_changes(changes)
        self.gc_policy.applied(self.source.received - before)
        self.gc_policy.hold(self.source.status().listing)
        self._report_empty_namespace()
        self.update_status()

    def apply_changes(self, changes: Changes, *, news: bool = True) -> None:
        """Show a batch. `news`: it came as the cluster (or the replay, playing) moved, not
        from a jump, so its transitions may be alerts."""
        self._watch_alerts(changes, news)
        screen = self.screen
        if not isinstance(screen, MainScreen):
            self._missed.merge(changes)  # the pod table, covered, catches up on its return
        if isinstance(screen, MainScreen | TableScreen | PodScreen):
            with self.batch_update():  # one frame for the whole batch, not one per widget
                screen.refresh_from(self.source.store, changes)

    # ----------------------------------------------------------------- alerts

    def take_missed(self) -> Changes:
        """The batches the pod table missed while covered, merged, and forgotten here."""
        missed, self._missed = self._missed, Changes()
        return missed

    def _watch_alerts(self, changes: Changes, news: bool) -> None:
        if changes.reset or not news:
            self.alerts.baseline(self.source.store)  # a jump in a replay: not news
            return
        new = self.alerts.observe(self.source.store, changes)
        if new and self.alerting:
            self._unsaid.extend(new)
            self._say_alerts()

    def _say_alerts(self) -> None:
        """At most one bell and notification every `ALERT_EVERY` seconds: what comes in
        between is said together in the next one."""
        if not self._unsaid or time.monotonic() - self._said_at < ALERT_EVERY:
            return
        first, more = self._unsaid[0], len(self._unsaid) - 1
        text = clean(first.text + (f" (and {more} more: ! lists them)" if more else ""), 200)
        self._unsaid = []
        self._said_at = time.monotonic()
        if self._driver is not None:
            self._driver.write(alert_sequence(text))

    def action_toggle_alerts(self) -> None:
        self.alerting = not self.alerting
        self._unsaid = []
        said = "on: bell and desktop notification" if self.alerting else "off"
        self.notify(f"Alerts {said} (A toggles, ! lists the last ones).", title="Alerts")

    def action_list_alerts(self) -> None:
        recent = list(self.alerts.recent)[-ALERTS_LISTED:]
        if not recent:
            self.notify("No alerts yet.", title="Alerts")
            return
        lines = [f"{format_clock(a.at)}  {a.text}" for a in reversed(recent)]
        self.notify("\n".join(lines), title="Last alerts, newest first", markup=False, timeout=15)

    def tick(self) -> None:
        self._say_alerts()
        self._ticks += 1
        self.source.store.pods.compact(SQUEEZED_PER_TICK)
        if not self.screen_stack:
            return  # a tick due as the app takes its screens down (`q`)
        try:
            self._tick_screen(self.screen)
        except NoMatches:  # the screen is not composed yet, or taken down as the app exits
            return

    def _tick_screen(self, screen: Screen) -> None:
        ages_due = self._ticks % int(AGE_INTERVAL / TICK_INTERVAL) == 0
        if isinstance(screen, PodScreen):
            screen.tick(self.source.store, self._ticks)
        if isinstance(screen, MainScreen):
            screen.tick(self.source.store, self._ticks)
            # Rows whose risk the clock ended (a restart 10 minutes ago): mark and why anew.
            if expired := self.source.store.risk_expired(self.source.store.now):
                screen.refresh_from(self.source.store, Changes(pods=expired))
            if ages_due:
                screen.table.refresh_ages(self.source.store)
        elif isinstance(screen, TableScreen) and ages_due:
            # Its ages and countdowns follow the clock (a taint's "evicts ... in 55s", a
            # CronJob's last run) while nothing the view lists changes.
            screen.refresh_from(self.source.store, None)

    def update_status(self) -> None:
        if not self.screen_stack:
            return  # called back (after a resize or a drain) while the app shuts down
        screen = self.screen
        try:
            status = screen.query_one("#status")
        except NoMatches:  # a screen without a status line (help, a prompt)
            return
        filter_text = sort = view = ""
        gone, gone_hidden = 0, False
        if isinstance(screen, MainScreen):
            filter_text = screen.table.view.describe
            sort = screen.table.sort_mode
            gone, gone_hidden = len(self.source.store.tombstones), screen.table.view.hide_gone
        elif isinstance(screen, TableScreen | PodScreen):
            view = screen.view_name
        width = status.size.width or max(self.size.width - 2, 1)  # before its first layout
        line = status_line(
            self.source,
            width=width,
            filter_text=filter_text,
            sort=sort,
            view=view,
            gone=gone,
            gone_hidden=gone_hidden,
            now=self.today(),
        )
        if not same_drawing(line, getattr(status, "_podwatch_line", None)):  # idle: no bytes
            status._podwatch_line = line
            status.update(line, layout=False)  # one fixed line: no relayout
        try:
            stale = screen.query_one("#stale")
        except NoMatches:
            return
        banner = stale_banner(self.source)
        if same_drawing(banner, getattr(stale, "_podwatch_banner", None)) or (
            banner is None and not stale.display
        ):
            return  # unchanged: no relayout, nothing sent
        stale._podwatch_banner = banner
        stale.display = banner is not None
        if banner is not None:
            stale.update(banner)

    def on_resize(self, _event: Resize) -> None:
        # The status line is built for its width: a narrower terminal needs a shorter one.
        self.call_after_refresh(self.update_status)

    # ----------------------------------------------------------------- views

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_show_pods(self) -> None:
        while len(self.screen_stack) > 2 or not isinstance(self.screen, MainScreen):
            if len(self.screen_stack) <= 1:
                break
            self.pop_screen()
        if isinstance(self.screen, MainScreen):
            self.screen.refresh_from(self.source.store, None)
        self.update_status()

    def _show_view(self, screen: TableScreen) -> None:
        if isinstance(self.screen, TableScreen):
            self.pop_screen()
        self.push_screen(screen)
        self.call_after_refresh(self.update_status)

    def action_command(self) -> None:
        self.prompt(
            PromptScreen(":", ":pods  :svc  :deploy  :nodes  :events  :ns NAME  :ctx NAME  :q"),
            self.run_command,
        )

    def run_command(self, text: str | None) -> None:
        if not text:
            return
        words = text.strip().lstrip(":").split()
        if not words:
            return
        verb, args = words[0].lower(), words[1:]
        if verb in ("pods", "pod", "po"):
            self.action_show_pods()
        elif verb in ("svc", "service", "services"):
            self._show_view(ServicesScreen())
        elif verb in WORKLOAD_VERBS:
            self._show_view(WorkloadsScreen())
        elif verb in ("nodes", "node", "no"):
            self._show_view(NodesScreen())
        elif verb in ("events", "event", "ev"):
            self._show_view(self._events_screen())
        elif verb in ("ns", "namespace"):
            self.switch_namespace(args[0] if args else None)
        elif verb in ("ctx", "context"):
            self.switch_context(args[0] if args else None)
        elif verb in ("q", "quit"):
            self.exit()
        else:
            self.notify(f"unknown command: {text[:40]}", severity="warning", markup=False)

    def _events_screen(self) -> EventsScreen:
        """The Events view over the pod view's namespace (`:ns NAME`), if one is set."""
        namespace = None
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                namespace = screen.table.view.namespace
        return EventsScreen(namespace, all_namespaces=self.all_namespaces)

    def switch_namespace(self, namespace: str | None) -> None:
        """`:ns NAME`: watch that namespace instead (live, single-namespace scope) or
        show only it (all namespaces, or a recording); `:ns` alone shows all, live too
        (it watches every namespace then). A namespace without pods says so."""
        self.action_show_pods()
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        if self._watches_other_namespace(namespace):
            self._restart_source(namespace, screen)
        else:
            screen.set_namespace(namespace)
        self._awaited_namespace = namespace
        self._report_empty_namespace()

    def switch_context(self, context: str | None) -> None:
        """`:ctx NAME`: only that context's pods (several watched at once); `:ctx` alone:
        every context's again. All are still watched: switching is at once."""
        contexts = self.contexts
        if not contexts:
            self.notify(
                "one context is watched: --context a,b or --all-contexts watch several",
                markup=False,
            )
            return
        if context is not None and context not in contexts:
            have = ", ".join(contexts)
            self.notify(
                f"no context {clean(context, 253)} (have: {clean(have, 400)})", markup=False
            )
            return
        self.action_show_pods()
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.set_context(context)

    def _watches_other_namespace(self, namespace: str | None) -> bool:
        """Live over one namespace, asked for another (or for all): a new watch is
        needed, since the current one never sees the pods asked for."""
        return self.restart is not None and not self.source.covers(namespace)

    def _restart_source(self, namespace: str | None, screen: MainScreen) -> None:
        """Stop the current watches and start over `namespace` (None: all namespaces,
        and from then on the table shows its NAMESPACE column)."""
        assert self.restart is not None
        self._detach(self.source)
        self.source = self.restart(namespace)  # which stops the old source (its owner's)
        self._attach(self.source)
        if namespace is None:
            self.all_namespaces = screen.all_namespaces = screen.table.all_namespaces = True
        screen.set_namespace(None)

    def _report_empty_namespace(self) -> None:
        """After `:ns NAME`: once the pods are known (live: once the new watch has
        listed them), say so if NAME has none, rather than leave an empty table."""
        namespace = self._awaited_namespace
        if namespace is None:
            return
        source = self.source
        pod_state = source.status().kinds.get("Pod")  # None: not watched (a recording)
        if pod_state is not None:
            if pod_state.state in REFUSED:
                self._awaited_namespace = None  # the status line says why nothing shows
                return
            if "Pod" not in source.store.synced:
                return  # not listed yet: ask again after the next batch
        self._awaited_namespace = None
        store = source.store
        if not any(key[0] == namespace for key in [*store.pods, *store.events_only_pods()]):
            self.notify(f"no pods in namespace {clean(namespace, 253)}", markup=False)

    def list_pods(self, view: ViewFilter) -> None:
        """`enter` in :svc or :nodes: the pod view, filtered to what was chosen."""
        self.action_show_pods()
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        store = self.source.store
        view.hide_gone = screen.table.view.hide_gone  # `d`'s choice stays
        screen.table.view = view
        screen.table.rebuild(store)
        screen.table.action_first()
        screen.show_selected(store)
        self.update_status()

    def select_pod(self, key: Key) -> None:
        """`enter` on an Event about a pod in :events: the pod view with that pod selected
        (a filter that hides it is cleared, the namespace kept if it is the pod's). A pod
        with neither an object nor a row known from Events is said to be absent."""
        self.action_show_pods()
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        store = self.source.store
        table = screen.table
        if not table.select(key):
            namespace = table.view.namespace if table.view.namespace == key[0] else None
            table.view = ViewFilter(namespace=namespace)
            table.rebuild(store)
            if not table.select(key):
                name = clean(f"{key[0]}/{key[1]}", 300)
                self.notify(f"pod {name} is not in view (no Pod object)", markup=False)
        screen.show_selected(store)
        self.update_status()

    # ----------------------------------------------------------------- replay

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("command", "goto") and isinstance(self.focused, Input):
            return False  # typed into a prompt, `:` and `g` are text
        if action in REPLAY_ACTIONS:
            return self.source.replay is not None
        return True

    # ----------------------------------------------------------------- prompts

    def prompt(self, screen: PromptScreen, callback: Callable[[str | None], Any]) -> None:
        """Open a one-line prompt. Keys read before it is on screen (`:svc⏎` arriving in
        one read over SSH, or typed fast) are kept and given to it once it is focused,
        rather than reaching the table underneath (`s` would sort)."""
        self._typeahead = []
        self.push_screen(screen, callback)

    def release_typeahead(self) -> None:
        """The prompt is focused: replay the keys it missed, in order. Keys read before
        this call may still wait in the app's queue (the prompt mounts in its own task),
        so capture goes on until a marker posted now comes out behind them."""
        if self._typeahead is not None:
            self.post_message(TypeaheadEnd())

    @on(TypeaheadEnd)
    async def _replay_typeahead(self) -> None:
        keys, self._typeahead = self._typeahead or [], None
        for key in keys:
            await super().on_event(key)  # bindings, then forwarded to the focused prompt

    async def on_event(self, event: events.Event) -> None:
        if (
            self._typeahead is not None
            and isinstance(event, events.Key)
            and not event.is_forwarded
            and event.key != "ctrl+c"
        ):
            self._typeahead.append(event)
            return
        await super().on_event(event)

    def _after_jump(self, changes: Changes) -> None:
        if changes.reset or changes:
            self.apply_changes(changes if not changes.reset else _reset(), news=False)
        self.update_status()

    @_reading
    def action_pause(self) -> None:
        if (replay := self.source.replay) is not None:
            replay.toggle_pause()
            self.update_status()

    @_reading
    def action_speed(self, direction: int) -> None:
        if (replay := self.source.replay) is None:
            return
        current = replay.speed
        faster = [s for s in SPEEDS if s > current]
        slower = [s for s in SPEEDS if s < current]
        if direction > 0 and faster:
            replay.set_speed(faster[0])
        elif direction < 0 and slower:
            replay.set_speed(slower[-1])
        self.update_status()

    @_reading
    def action_step(self) -> None:
        """`.`: the next event applied (`,` takes it back)."""
        if (replay := self.source.replay) is None:
            return
        changes = replay.step()
        if changes is None:
            self.notify("at the end of the recording: no event to step over")
            self.update_status()  # paused
            return
        self._after_jump(changes)

    @_reading
    def action_seek(self, direction: int) -> None:
        if (replay := self.source.replay) is not None:
            self._after_jump(replay.seek(replay.position + direction * SEEK_STEP))

    @_reading
    def action_step_back(self) -> None:
        """`,`: the last event applied taken back (`.` applies it again)."""
        if (replay := self.source.replay) is None:
            return
        changes = replay.step_back()
        if changes is None:
            self.notify("at the start of the recording: no event to step back over")
            return
        self._after_jump(changes)

    @_reading
    def action_pod_change(self, direction: int) -> None:
        """`>` / `<`: the selected pod's next / previous change (podwatch/jumps.py)."""
        if (replay := self.source.replay) is None:
            return
        pod = self._followed_pod()
        if pod is None:
            self.notify("no pod selected: < and > go to the selected pod's changes")
            return
        jump = replay.jump_to_change(pod, direction)
        if jump is None:
            way = "later" if direction > 0 else "earlier"
            name = clean(f"{pod[0]}/{pod[1]}", 300)
            self.notify(f"no {way} change of {name} in the recording", markup=False)
            return
        self._land(jump, pod)

    @_reading
    def action_warning(self, direction: int) -> None:
        """`w` / `W`: the next / previous Warning Event in the namespace shown (any if
        none is chosen), or about a node; the pod it is about is selected."""
        if (replay := self.source.replay) is None:
            return
        namespace = self._shown_namespace()
        jump = replay.jump_to_warning(namespace, direction)
        if jump is None:
            way = "later" if direction > 0 else "earlier"
            where = f" in namespace {clean(namespace, 253)}" if namespace else ""
            self.notify(f"no {way} Warning Event{where} in the recording", markup=False)
            return
        self._land(jump, jump.pod)

    def _followed_pod(self) -> Key | None:
        """The pod `<` and `>` go through: the full-screen pod's, else the selected one's,
        or the one the last jump went to if it has gone since (deleted at that change)
        and the selection has not been moved from where that left it."""
        screen = self.screen
        if isinstance(screen, PodScreen):
            return screen.key
        if not isinstance(screen, MainScreen):
            return None
        selected = screen.table.selected_key
        followed, selected_then = self._followed
        if followed is not None and selected == selected_then:
            return followed
        return selected

    def _shown_namespace(self) -> str | None:
        try:
            pods = self.get_screen("pods")
        except KeyError:
            return None
        return pods.table.view.namespace if isinstance(pods, MainScreen) else None

    def _land(self, jump: Jump, pod: Key | None) -> None:
        """Draw where a jump went, select its pod (if the pod view shows it) and say
        when and what happened there; the header shows the new position."""
        self._after_jump(jump.changes)
        screen = self.screen
        if isinstance(screen, MainScreen):
            if pod is not None and screen.table.select(pod):
                screen.show_selected(self.source.store)
            self._followed = (pod, screen.table.selected_key)
        replay = self.source.replay
        assert replay is not None
        about = f"{jump.pod[0]}/{jump.pod[1]}: " if jump.pod is not None else ""
        moment = format_clock(replay.started + replay.position)
        self.notify(f"{moment}  {clean(about + jump.what, 300)}", markup=False, timeout=JUMP_NOTICE)

    def action_goto(self) -> None:
        """`g`: the prompt's placeholder is the moment shown, as the header writes it."""
        placeholder = ""
        if (replay := self.source.replay) is not None:
            dated = needs_date(replay.started, replay.duration, self.today())
            placeholder = f"now {format_clock(replay.started + replay.position, date=dated)}"
        label = "go to: seconds, m:ss, 1h04m05s, HH:MM:SS, RFC 3339, start or end"
        self.prompt(PromptScreen(label, placeholder), self._goto)

    def action_goto_end(self) -> None:
        """`G`: the end of the recording, as `g end` (a capture of months opens at its
        empty start)."""
        self._goto("end")

    @_reading
    def _goto(self, text: str | None) -> None:
        """The same moments as `--at` (one parser); a time outside the recording is
        refused with a notice naming its span, and the position stays."""
        replay = self.source.replay
        if not text or replay is None:
            return
        try:
            seconds = parse_moment(text, started=replay.started, duration=replay.duration)
        except MomentError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._after_jump(replay.seek(seconds))


def _reset() -> Changes:
    changes = Changes()
    changes.reset = True
    return changes
