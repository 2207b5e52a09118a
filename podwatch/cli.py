"""Command line: `podwatch` (live), `podwatch replay FILE...`, `podwatch demo`, `podwatch record`.

Errors a user can cause (a damaged recording, a missing file, a bad option)
end in one clear line on stderr and a non-zero exit code, never a traceback;
stdout carries only the tables, so a script can trust what it reads there.

Exit codes:

| Code | Meaning                                                                 |
|------|-------------------------------------------------------------------------|
| 0    | success; also when a pipe's reader stops early (`--once` into `head`)   |
| 1    | bad input or error: unreadable recording, `--at` not in the recording,  |
|      | unknown `--pod`, nothing listed from the cluster                        |
| 2    | usage or configuration: a bad option (argparse: `--speed`, `--timeout`, |
|      | `--duration` must be > 0, `--keep-deleted` a duration), no usable       |
|      | kubeconfig or context                                                   |
| 3    | `--exit-code`: the report printed, and a pod in it is unhealthy (✗)      |
| 130  | interrupted (Ctrl-C); `podwatch record` stops on Ctrl-C with 0          |

`--at` takes seconds (`90`), `m:ss` (`1:30`), wall-clock `HH:MM:SS` (local
time, the recording's day) or RFC 3339 (`2026-11-30T07:44:51Z`): see
`podwatch.moment`. Piped output (stdout not a terminal) is plain text `COLUMNS`
wide (else 120) with no trailing spaces; a terminal keeps its own width.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console

from podwatch import __version__
from podwatch.data import demo_path
from podwatch.model.tombstones import DEFAULT_KEEP_DELETED
from podwatch.moment import MomentError, moment_offset, parse_duration, parse_moment, wall_clock
from podwatch.recording.format import Recording, RecordingError
from podwatch.recording.reader import (
    RecordingStream,
    expand_paths,
    open_stream,
    read_recording,
)

if TYPE_CHECKING:
    from podwatch.model.store import Store
    from podwatch.recording.index import IndexedLog
    from podwatch.ui.app import PodwatchApp

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
EXIT_UNHEALTHY = 3
"""`--exit-code`: a pod shown is unhealthy (a script's or a CI gate's failure)."""
EXIT_INTERRUPTED = 130
SUBCOMMANDS = ("replay", "demo", "record", "completion")
PROG = "podwatch"
KUBECTL_PROG = "kubectl podwatch"
"""How the program names itself when kubectl runs it as a plugin (`kubectl-podwatch`)."""
PIPE_WIDTH = 120
"""Columns of piped output when `COLUMNS` does not say."""


def positive(text: str) -> float:
    """An option that must be a number > 0 (`--speed 0` would never move, a negative
    `--timeout` would never wait): argparse reports anything else as a usage error,
    one line on stderr after the usage, exit code 2."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number > 0, not {text!r}")
    return value


def duration(text: str) -> float:
    """A length of time (`90`, `30m`, `1h`, `2d`: `podwatch.moment.parse_duration`);
    anything else is a usage error, exit code 2."""
    try:
        return parse_duration(text)
    except MomentError:
        raise argparse.ArgumentTypeError(
            f"must be a number > 0 (seconds) or a time like 30m, 1h, 2d, not {text!r}"
        ) from None


def duration_or_none(text: str) -> float:
    """`duration`, or 0 for none (`--keep-deleted 0` keeps no tombstones)."""
    return 0.0 if text.strip().rstrip("smhd") == "0" else duration(text)


def _add_exit_code(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        choices=("table", "json", "markdown"),
        default="table",
        help="implies --once unless table: tables (default), JSON (a versioned schema: "
        "README, Hand-off) or Markdown for an incident ticket",
    )
    p.add_argument(
        "--exit-code",
        action="store_true",
        help=f"implies --once: exit {EXIT_UNHEALTHY} if a pod shown (or --pod's) is unhealthy, "
        "for scripts and CI gates",
    )


def _add_alert(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--alert",
        action="store_true",
        help="ring the bell and send a desktop notification (OSC 9 and 777) when a pod "
        "turns NotReady, restarts, is evicted or gets an eviction deadline (A toggles)",
    )


def _wants_once(args: argparse.Namespace) -> bool:
    """The report rather than the dashboard: `--once`, what implies it (`--exit-code`,
    `-o json|markdown`), or stdout that is not a terminal."""
    return args.once or args.exit_code or args.output != "table" or not sys.stdout.isatty()


def _add_view_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="print the state as tables and exit")
    p.add_argument(
        "--at",
        metavar="TIME",
        help="the moment to show (--once; default the end) or to start the dashboard at: "
        "seconds (90), m:ss (1:30), units (1h04m05s), wall-clock HH:MM:SS (local time), "
        "RFC 3339 (2026-11-30T07:44:51Z), start or end",
    )
    p.add_argument("--pod", metavar="NAME", help="with --once: show only this pod's details")
    _add_exit_code(p)
    p.add_argument(
        "--speed", type=positive, default=1.0, help="replay speed factor, > 0 (default 1)"
    )
    p.add_argument("--paused", action="store_true", help="start the replay paused")
    p.add_argument("--ansi", action="store_true", help="use the terminal's own ANSI palette")
    p.add_argument(
        "--low-bandwidth",
        action="store_true",
        help="for a slow or metered link: terminal colours, no scrollbars or borders, at "
        "most one repaint a second (also PODWATCH_LOW_BANDWIDTH=1)",
    )
    _add_alert(p)


def _add_cluster_options(p: argparse.ArgumentParser) -> None:
    """kubectl's own flags, with kubectl's meanings."""
    p.add_argument("-n", "--namespace", help="namespace (default: the context's, else default)")
    p.add_argument("-A", "--all-namespaces", action="store_true", help="watch every namespace")
    p.add_argument("-l", "--selector", default="", help="label selector for pods, e.g. app=web")
    p.add_argument("--field-selector", default="", help="field selector for pods")
    p.add_argument(
        "--context",
        help="kubeconfig context (default: the current one); several, comma-separated "
        "(staging,prod), are watched at once",
    )
    p.add_argument(
        "--all-contexts", action="store_true", help="watch every context of the kubeconfig"
    )
    p.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config)")


LOGS_HELP = (
    "also record each restarted container's previous log (its last 200 lines, at most "
    "64 KB), read through pods/log when the restart is seen, so that a replay shows what "
    "it printed before it died; needs get on pods/log; log text is recorded as it is, "
    "not redacted"
)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Watch Kubernetes pod health live: why is this pod not taking traffic?",
        epilog="Subcommands: replay FILE|DIR..., record FILE|DIR, demo, completion bash|zsh "
        f"(see {prog} SUBCOMMAND -h).",
    )
    parser.add_argument("--version", action="version", version=f"podwatch {__version__}")
    _add_cluster_options(parser)
    parser.add_argument("--record", metavar="FILE", help="record what is watched to FILE")
    parser.add_argument(
        "--no-redact", action="store_true", help="record env values and annotations"
    )
    parser.add_argument("--logs", action="store_true", help="with --record: " + LOGS_HELP)
    parser.add_argument("--once", action="store_true", help="list, print the state as tables, exit")
    parser.add_argument("--pod", metavar="NAME", help="with --once: show only this pod's details")
    _add_exit_code(parser)
    parser.add_argument(
        "--timeout", type=positive, default=30.0, help="with --once: seconds to wait for the lists"
    )
    parser.add_argument(
        "--keep-deleted",
        type=duration_or_none,
        default=DEFAULT_KEEP_DELETED,
        metavar="DURATION",
        help="how long a deleted or evicted pod stays in the table, marked (seconds, or "
        "15m, 1h; 0: none; default 15m; a replay keeps them for the whole recording)",
    )
    parser.add_argument("--ansi", action="store_true", help="use the terminal's own ANSI palette")
    parser.add_argument(
        "--low-bandwidth",
        action="store_true",
        help="for a slow or metered link: terminal colours, no scrollbars or borders, at "
        "most one repaint a second (also PODWATCH_LOW_BANDWIDTH=1)",
    )
    _add_alert(parser)
    return parser


def build_sub_parser(command: str, prog: str = PROG) -> argparse.ArgumentParser:
    if command == "completion":
        from podwatch.completion import SHELLS

        p = argparse.ArgumentParser(
            prog=f"{prog} completion",
            description="Print a shell completion script: "
            "source <(podwatch completion bash), or for zsh save it as _podwatch in $fpath.",
        )
        p.add_argument("shell", choices=SHELLS)
        return p
    if command == "record":
        p = argparse.ArgumentParser(
            prog=f"{prog} record",
            description="Record watch events headless (for a bastion or a cron job).",
        )
        p.add_argument(
            "file",
            metavar="FILE|DIR",
            help="recording to write (.gz to compress); with --rotate, the directory",
        )
        _add_cluster_options(p)
        p.add_argument(
            "--duration", type=duration, metavar="TIME", help="stop after this long (90, 30m, 2h)"
        )
        p.add_argument(
            "--rotate",
            type=duration,
            metavar="TIME",
            help="always recording: one file per period (1h) in DIR, each replayable alone, "
            "named by its start (podwatch-20261201T100000Z.jsonl.gz); replay DIR plays them all",
        )
        p.add_argument(
            "--keep",
            type=duration,
            metavar="TIME",
            help="with --rotate: delete files whose period ended longer ago than this (48h)",
        )
        p.add_argument("--no-redact", action="store_true", help="keep env values and annotations")
        p.add_argument("--logs", action="store_true", help=LOGS_HELP)
        return p
    if command == "replay":
        p = argparse.ArgumentParser(
            prog=f"{prog} replay", description="Replay recordings or kubectl JSON captures."
        )
        p.add_argument(
            "files", nargs="+", metavar="FILE", help="recordings or kubectl -o json output"
        )
        p.add_argument(
            "--skip-bad-lines",
            action="store_true",
            help="skip unreadable lines instead of stopping",
        )
        p.add_argument(
            "--index",
            choices=("auto", "always", "never"),
            default="auto",
            help="replay through an index of the recording (built on first open, cached in "
            "~/.cache/podwatch or $PODWATCH_CACHE_DIR), holding only the cluster state: "
            "seeks anywhere in a recording of any length; auto: from 16 MB of text",
        )
        _add_view_options(p)
        return p
    p = argparse.ArgumentParser(
        prog=f"{prog} demo", description="Replay the bundled demo of every reference scenario."
    )
    _add_view_options(p)
    return p


class _ReportConsole(Console):
    """Rich's Console, except that a reader leaving the pipe (`--once | head`) raises
    BrokenPipeError for `main` to end quietly with exit 0, where Rich would exit 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


class TrimmedLines:
    """A text stream that writes each whole line to `out` without its trailing spaces:
    Rich pads table rows to the console width, which a file or a pipe should not keep.
    Lines go out as they complete (a big table is not held back); an unfinished line
    waits for its end."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._partial = ""

    def write(self, text: str) -> int:
        head, newline, self._partial = (self._partial + text).rpartition("\n")
        if newline:
            self._out.write("\n".join(line.rstrip() for line in head.split("\n")) + "\n")
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return getattr(self._out, "encoding", None) or "utf-8"


def pipe_width(environ: Mapping[str, str] = os.environ) -> int:
    """Width of piped output: `COLUMNS` if it is a positive whole number, else
    `PIPE_WIDTH` (a terminal, by contrast, keeps its real width)."""
    columns = environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return PIPE_WIDTH


def _console() -> Console:
    """Plain, `pipe_width()`-wide and trimmed when stdout is not a terminal; on a
    terminal, its own width and colours (unless NO_COLOR)."""
    is_tty = sys.stdout.isatty()
    no_color = "NO_COLOR" in os.environ or not is_tty
    return _ReportConsole(
        file=None if is_tty else TrimmedLines(sys.stdout),
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        width=None if is_tty else pipe_width(),
        soft_wrap=False,
    )


def _error(message: str) -> None:
    # The message may quote a file name or a cluster string: printed plainly.
    from podwatch.safe import clean

    print(f"podwatch: {clean(message, limit=2000)}", file=sys.stderr)


def _report_reading(recording: Recording | RecordingStream | IndexedLog) -> None:
    for warning in recording.warnings:
        _error(f"warning: {warning}")
    if recording.skipped_lines:
        _error(f"warning: skipped {recording.skipped_lines} unreadable line(s)")


INDEX_FROM = 16 << 20
"""Bytes of recording text (gzip counted as about 6 times its size) from which `--index
auto` replays through an index rather than reading the whole recording into memory."""


def open_recording(
    files: list[str], mode: str = "auto", *, skip_bad_lines: bool = False
) -> Recording | IndexedLog:
    """The recording to replay: read whole (its pods slim, as a replay only applies
    them), or through its index (recording/index.py), built now if not cached, with its
    progress on a terminal's stderr. `mode`: "always"
    (only podwatch recordings can be), "never", or "auto": long podwatch recordings."""
    from podwatch.recording.index import is_indexable, open_indexed

    if mode == "never" or (mode == "auto" and _text_size(files) < INDEX_FROM):
        return read_recording(files, skip_bad_lines=skip_bad_lines, slim=True)
    if not is_indexable(files):
        if mode == "always":
            raise RecordingError(
                files[0], None, "--index always: only podwatch recordings are indexed"
            )
        return read_recording(files, skip_bad_lines=skip_bad_lines, slim=True)
    progress = _IndexProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        return open_indexed(files, skip_bad_lines=skip_bad_lines, progress=progress)
    finally:
        if progress is not None:
            progress.done()


def _text_size(files: list[str]) -> int:
    import contextlib

    from podwatch.recording.documents import is_gzip

    total = 0
    for path in files:
        with contextlib.suppress(OSError):  # reading it says what is wrong
            total += os.path.getsize(path) * (6 if is_gzip(path) else 1)
    return total


class _IndexProgress:
    """`podwatch: indexing the recording (once; cached): 41%, 412,000 events` on one
    terminal line, at most four times a second, while an index is built."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._shown = 0.0
        self._drawn = False

    def __call__(self, events: int, part: float | None) -> None:
        now = time.monotonic()
        if now - self._shown < 0.25 and part != 1.0:
            return
        self._shown = now
        share = f"{part:.0%}, " if part is not None else ""
        self._out.write(
            f"\rpodwatch: indexing the recording (once; cached): {share}{events:,} events\x1b[K"
        )
        self._out.flush()
        self._drawn = True

    def done(self) -> None:
        if self._drawn:
            self._out.write("\n")
            self._out.flush()


def run_replay(files: list[str], args: argparse.Namespace, *, title: str) -> int:
    from podwatch.kube.source import ReplaySource

    skip_bad = getattr(args, "skip_bad_lines", False)
    index = getattr(args, "index", "auto")
    once = _wants_once(args)
    try:
        files = expand_paths(files)
        if once and len(files) == 1 and index != "always":
            stream = open_stream(files[0], skip_bad_lines=skip_bad, slim=True)
            if stream is not None:
                return _replay_stream_once(stream, args, title=title)
        recording = open_recording(files, index, skip_bad_lines=skip_bad)
        if _several_contexts(recording.header) and once:
            _error(
                "this recording holds several contexts: `replay FILE --once` shows them "
                "one by one (one file, --index auto or never); replay it without --once "
                "to see them in one table"
            )
            return EXIT_USAGE
        # A bad --at is refused before any screen.
        app = None if once else replay_dashboard(recording, args)
        at = _moment(args.at, recording.started, recording.duration)
    except (RecordingError, MomentError) as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    _report_reading(recording)
    if app is not None:
        app.run()
        return app.return_code or 0
    source = ReplaySource(recording)
    at = recording.duration if at is None else at
    source.seek(at)
    header = _once_title(title, at, recording.duration, source.event_count, recording)
    return _print_report(source.store, header, args)


def _terminal_options(args: argparse.Namespace) -> dict[str, Any]:
    """The dashboard's options from the command line, whatever it shows: `--ansi`,
    `--low-bandwidth` (None: the environment decides), `--alert`."""
    return {
        "ansi_color": True if args.ansi else None,
        "low_bandwidth": True if args.low_bandwidth else None,
        "alert": args.alert,
    }


def replay_dashboard(recording: Recording | IndexedLog, args: argparse.Namespace) -> PodwatchApp:
    """The dashboard over `recording` as the options ask: at `--at` (the start if not
    given; MomentError if it is not in the recording), `--paused`, `--speed`, colours,
    bandwidth."""
    from podwatch.kube.source import ReplaySource
    from podwatch.model.contexts import recorded_contexts, scoped_events
    from podwatch.ui.app import PodwatchApp

    at = _moment(args.at, recording.started, recording.duration)
    contexts = recorded_contexts(recording.header) or []
    if contexts and isinstance(recording, Recording):
        # Several clusters in one table: each event scoped with its context (one store);
        # through the index they come scoped (recording/index.py).
        recording.events = scoped_events(recording.events)
    source = ReplaySource(recording, speed=args.speed, paused=args.paused)
    if at is not None:
        source.seek(at)
    return PodwatchApp(
        source,
        all_namespaces=source.log.many_namespaces and not contexts,
        contexts=tuple(contexts),
        **_terminal_options(args),
    )


def _moment(text: str | None, started: float, duration: float) -> float | None:
    """`--at` as an offset into the recording, None if not given. A MomentError's
    message names the option, since the parser's message serves the `g` key too."""
    if text is None:
        return None
    try:
        return parse_moment(text, started=started, duration=duration)
    except MomentError as exc:
        raise MomentError(f"--at: {exc}") from None


def _once_title(
    title: str,
    at: float,
    duration: float,
    count: int,
    recording: Recording | RecordingStream | IndexedLog,
) -> str:
    """The first line of `--once`: the moment shown, as an offset and on the wall clock
    (local time), the recording's length and start. Offsets are rounded down, as the
    dashboard and `--at`'s messages have them: the length it says is a valid `--at`."""
    return (
        f"{title} at {math.floor(at)}s of {math.floor(duration)}s, "
        f"{wall_clock(recording.started + at)} "
        f"({count} events, started {recording.header.get('started', '?')})"
    )


def _print_report(
    store: Store,
    title: str,
    args: argparse.Namespace,
    context: str | None = None,
    **options: Any,
) -> int:
    """The `--once` tables on stdout; a `--pod` that is not there is an error on
    stderr (exit 1) with nothing on stdout. With `--exit-code`, the unhealthy pods shown
    are named on stderr and the exit code is EXIT_UNHEALTHY."""
    from podwatch.gcpolicy import collector_off
    from podwatch.report import PodNotFound, render_once, unhealthy_pods

    output = getattr(args, "output", "table")
    try:
        with collector_off():  # gcpolicy.py: thousands of rows beside a full store
            if output == "table":
                render_once(_console(), store, title=title, pod=args.pod, **options)
            else:
                _print_handoff(store, title, args.pod, output, context)
    except PodNotFound as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    if getattr(args, "exit_code", False):
        sys.stdout.flush()  # the tables before the verdict
        bad = unhealthy_pods(store, args.pod)
        if bad:
            names = ", ".join(f"{k[0]}/{k[1]}" for k in bad[:5])
            more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
            _error(f"{len(bad)} unhealthy: {names}{more}")  # _error prints it plainly
            return EXIT_UNHEALTHY
    return EXIT_OK


def _print_handoff(
    store: Store, title: str, pod: str | None, output: str, context: str | None = None
) -> None:
    """`-o json` or `-o markdown` (podwatch/handoff.py): every pod, or `--pod`'s."""
    from podwatch import handoff
    from podwatch.report import pods_named

    rep = handoff.report(store, title, None if pod is None else pods_named(store, pod), context)
    if output == "json":
        sys.stdout.buffer.write(handoff.to_json(rep))
    else:
        sys.stdout.write(handoff.to_markdown(rep))


def _replay_stream_once(stream: RecordingStream, args: argparse.Namespace, *, title: str) -> int:
    """`replay --once` of one podwatch recording, read as it is applied: a recording of
    millions of events costs the memory of the store, not of the events.

    The recording's length is known only at its end, so `--at` is read against its
    start first and checked against its end after reading; a bad one prints no report.
    Raises RecordingError and MomentError for the caller to report."""
    from functools import partial

    from podwatch.gcpolicy import collector_off
    from podwatch.model.contexts import StoresByContext, recorded_contexts
    from podwatch.model.store import Store

    started = stream.started
    try:
        at = None if args.at is None else moment_offset(args.at, started=started)
    except MomentError:
        for _event in stream:  # to the end: the message names the recording's span
            pass
        _moment(args.at, started, stream.duration)
        raise
    contexts = recorded_contexts(stream.header)
    stores = StoresByContext(partial(Store, keep_deleted=None), started, contexts or ())
    # Read to the end even past --at: the title gives the length.
    wanted = iter(stream) if at is None else (event for event in stream if event.t <= at)
    with collector_off():  # gcpolicy.py: a store of many objects that stay
        while batch := list(islice(wanted, 4096)):
            stores.apply_all(batch, started)  # the Changes: nobody reads them
    at = _moment(args.at, started, stream.duration)  # the end is known now: check it
    at = stream.duration if at is None else at
    stores.advance(started + at)
    _report_reading(stream)
    header = _once_title(title, at, stream.duration, stream.count, stream)
    if contexts is None:  # one context: its events carry none
        return _print_report(stores.store(""), header, args)
    from podwatch.safe import clean

    print(clean(header, limit=None))  # the recording's header is untrusted text
    scopes = stream.header.get("scopes")
    reports = [
        ContextReport(name, store, f"{name}: {_recorded_scope(scopes, name)}")
        for name, store in stores
    ]
    return _print_contexts(reports, args)


def _several_contexts(header: dict) -> bool:
    from podwatch.model.contexts import recorded_contexts

    return recorded_contexts(header) is not None


def _recorded_scope(scopes: Any, context: str) -> str:
    """What a recording of several contexts says it watched in `context`."""
    from podwatch.kube.config import Scope

    scope = scopes.get(context) if isinstance(scopes, dict) else None
    if not isinstance(scope, dict):
        return "scope not recorded"
    namespace = scope.get("namespace")
    return Scope(
        namespace=None
        if scope.get("allNamespaces") or not isinstance(namespace, str)
        else namespace,
        label_selector=str(scope.get("labelSelector") or ""),
        field_selector=str(scope.get("fieldSelector") or ""),
    ).describe()


def _connect(args: argparse.Namespace):
    from podwatch.kube.config import connect

    return connect(
        kubeconfig=args.kubeconfig,
        context=args.context,
        namespace=args.namespace,
        all_namespaces=args.all_namespaces,
        label_selector=args.selector,
        field_selector=args.field_selector,
    )


def _recorder(path: str, cluster, scope, redact: bool):
    from podwatch.recording.writer import RecordingWriter

    return RecordingWriter(path, context=cluster.context, scope=scope.as_dict(), redact=redact)


def run_live(args: argparse.Namespace) -> int:
    from podwatch.gcpolicy import collector_off
    from podwatch.kube.config import ConfigError
    from podwatch.kube.source import LiveSource
    from podwatch.kube.states import NOT_SERVED

    try:
        names = _context_names(args)
        if names is not None:
            return _run_fleet(args, names)
        cluster, scope = _connect(args)
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    once = _wants_once(args)
    try:
        recorder = (
            _recorder(args.record, cluster, scope, not args.no_redact) if args.record else None
        )
    except OSError as exc:
        _error(f"cannot write {args.record}: {exc.strerror or exc}")
        cluster.close()
        return EXIT_BAD_INPUT
    source = LiveSource(
        cluster,
        scope,
        recorder=recorder,
        restart_logs=bool(recorder) and args.logs,
        store_factory=_live_store(args),
    ).start()
    if not once:
        from podwatch.ui.app import PodwatchApp

        # This function owns every source it starts: it stops them (the dashboard only
        # shows one), before closing the cluster they read through, and also when the
        # app fails to start.
        sources = [source]

        def restart(namespace: str | None) -> LiveSource:
            # `:ns NAME`: the same cluster, another namespace; `:ns` alone (None): every
            # namespace (Scope.all_namespaces). Recording stops with the old source.
            from dataclasses import replace

            sources[-1].stop()
            sources.append(
                LiveSource(
                    cluster,
                    replace(scope, namespace=namespace),
                    store_factory=_live_store(args),
                ).start()
            )
            return sources[-1]

        app = PodwatchApp(
            source,
            all_namespaces=scope.all_namespaces,
            restart=restart,
            **_terminal_options(args),
        )
        try:
            app.run()
        finally:
            sources[-1].stop()
            cluster.close()
        return app.return_code or 0
    try:
        with collector_off():  # gcpolicy.py: the lists fill a store of objects that stay
            settled = source.wait_settled(args.timeout)
        statuses = source.statuses()  # before stop(), which turns every state into "stopped"
    finally:
        source.stop()
        cluster.close()
    if not source.store.synced:
        _error(f"could not list anything from {cluster.context}: {_errors_text(statuses)}")
        return EXIT_BAD_INPUT
    for kind, st in statuses.items():
        if st.state in NOT_SERVED:
            _error(f"warning: {kind} {st.state}: {st.last_error}")
        elif kind not in source.store.synced:
            why = st.last_error or st.state
            _error(f"warning: {kind} not listed within {args.timeout:.0f}s: {why}")
    if not settled:
        _error("warning: some kinds did not finish listing; their panes may be incomplete")
    title = f"{cluster.context}: {scope.describe()}"
    return _print_report(source.store, title, args, all_namespaces=scope.all_namespaces)


def _context_names(args: argparse.Namespace) -> list[str] | None:
    """Several contexts (`--context a,b`, `--all-contexts`), or None for one. Raises
    ConfigError."""
    from podwatch.kube.config import context_names

    return context_names(args.kubeconfig, args.context, args.all_contexts)


def _members(args: argparse.Namespace, names: list[str]):
    """Each context of `names` connected with the command's kubectl flags."""
    from podwatch.kube.config import connect_each

    return connect_each(
        names,
        kubeconfig=args.kubeconfig,
        namespace=args.namespace,
        all_namespaces=args.all_namespaces,
        label_selector=args.selector,
        field_selector=args.field_selector,
    )


def _fleet(args: argparse.Namespace, members, recorder=None, restart_logs=False):
    """A Fleet (kube/fleet.py) of the connected `members`."""
    from podwatch.kube.fleet import Fleet

    options: dict[str, Any] = {"recorder": recorder, "restart_logs": restart_logs}
    if hasattr(args, "keep_deleted"):  # the dashboard's and --once's flag, not record's
        options["store_factory"] = _live_store(args)
    return Fleet(members, **options)


def _run_fleet(args: argparse.Namespace, names: list[str]) -> int:
    """`--context a,b` / `--all-contexts`: each context's report in turn, then one line
    per context. A context that could not be read is said so in its line (and on
    stderr), and the exit code is 1, after what the others showed."""
    from podwatch.gcpolicy import collector_off

    members = _members(args, names)
    if not _wants_once(args):
        return _fleet_dashboard(args, names, members)
    fleet = _fleet(args, members).start()
    try:
        with collector_off():
            fleet.wait_settled(args.timeout)
        statuses = {w.context: w.source.statuses() for w in fleet.watched if w.source is not None}
    finally:
        fleet.stop()
    return _print_contexts(_fleet_reports(fleet, statuses), args)


def _fleet_writer(path: str, names: list[str], members, redact: bool):
    """The recording of several contexts: its header names them and their scopes; each
    line its context. None if it cannot be written: said, and the members' clients
    closed."""
    from podwatch.recording.writer import RecordingWriter

    scopes = {m.context: m.scope.as_dict() for m in members if m.scope is not None}
    try:
        return RecordingWriter(path, redact=redact, header={"contexts": names, "scopes": scopes})
    except OSError as exc:
        _error(f"cannot write {path}: {exc.strerror or exc}")
        _close_members(members)
        return None


def _close_members(members) -> None:
    for m in members:
        if m.cluster is not None:
            m.cluster.close()


def _fleet_dashboard(args: argparse.Namespace, names: list[str], members) -> int:
    """The dashboard over several contexts: one table (kube/fleet.py FleetSource)."""
    from podwatch.kube.fleet import FleetSource
    from podwatch.ui.app import PodwatchApp

    recorder = None
    if args.record:
        recorder = _fleet_writer(args.record, names, members, not args.no_redact)
        if recorder is None:
            return EXIT_BAD_INPUT
    fleet = _fleet(args, members, recorder=recorder, restart_logs=bool(recorder) and args.logs)
    source = FleetSource(fleet, store_factory=_live_store(args))
    scopes = [m.scope for m in members if m.scope is not None]
    # One NAMESPACE column when the contexts' namespaces differ (each its own, without -n).
    all_namespaces = any(s.all_namespaces for s in scopes) or len({s.namespace for s in scopes}) > 1
    fleet.start()
    app = PodwatchApp(
        source,
        all_namespaces=all_namespaces,
        **_terminal_options(args),
    )
    try:
        app.run()
    finally:
        fleet.stop()
    return app.return_code or 0


@dataclass
class ContextReport:
    """One context's part of a report of several: its store, or why it has none."""

    context: str
    store: Store | None
    title: str = ""
    all_namespaces: bool | None = None
    problem: str = ""
    """Why nothing was read (its configuration, unreachable, refused)."""
    unread: list[str] = field(default_factory=list)
    """Kinds not listed, with their state: `Pod forbidden`."""


def _fleet_reports(fleet, statuses: dict) -> list[ContextReport]:
    """What each member of a live fleet read, with its warnings on stderr."""
    from podwatch.kube.states import NOT_SERVED

    reports = []
    for w in fleet.watched:
        source = w.source
        if source is None or not source.store.synced:
            why = w.error or _errors_text(statuses.get(w.context, {}))
            reports.append(ContextReport(w.context, None, problem=why))
            continue
        for kind, st in statuses[w.context].items():
            if st.state in NOT_SERVED:
                _error(f"warning: {w.context}: {kind} {st.state}: {st.last_error}")
            elif kind not in source.store.synced:
                _error(f"warning: {w.context}: {kind} not listed: {st.last_error or st.state}")
        unread = [
            f"{kind} {st.state}"
            for kind, st in statuses[w.context].items()
            if kind not in source.store.synced
        ]
        title = f"{w.context}: {source.scope.describe()}"
        reports.append(
            ContextReport(w.context, source.store, title, source.scope.all_namespaces, "", unread)
        )
    return reports


def _print_contexts(reports: list[ContextReport], args: argparse.Namespace) -> int:
    """Each context's report in turn (with `--pod`, those that have it), then one line
    per context. Exit 1 if a context could not be read, else as `_print_report`."""
    from podwatch.report import PodNotFound, health_tally, pods_named
    from podwatch.safe import clean

    table = getattr(args, "output", "table") == "table"
    lines: list[str] = []
    code = EXIT_OK
    shown = 0
    for rep in reports:
        if rep.store is None:
            _error(f"{rep.context}: could not list anything: {rep.problem}")
            lines.append(f"{rep.context}: not read: {rep.problem}")
            code = EXIT_BAD_INPUT
            continue
        tally = health_tally(rep.store) if "Pod" in rep.store.synced else "pods not read"
        unread = f"; not listed: {', '.join(rep.unread)}" if rep.unread else ""
        lines.append(f"{rep.context}: {tally}{unread}")
        if args.pod is not None:
            try:
                pods_named(rep.store, args.pod)
            except PodNotFound:
                continue  # in another context, or in none (said below)
        shown += 1
        result = _print_report(
            rep.store, rep.title, args, rep.context, all_namespaces=rep.all_namespaces
        )
        if result == EXIT_UNHEALTHY and code == EXIT_OK:
            code = EXIT_UNHEALTHY
        elif result not in (EXIT_OK, EXIT_UNHEALTHY):
            code = result
        if table:
            print()
    if args.pod is not None and not shown:
        contexts = ", ".join(rep.context for rep in reports)
        _error(f"pod {args.pod!r} not found in any context: {contexts}")
        return EXIT_BAD_INPUT
    if table:
        print("Contexts")
        for line in lines:
            print(f"  {clean(line, limit=None)}")
    return code


def _live_store(args: argparse.Namespace):
    """Stores that keep deleted pods for `--keep-deleted` seconds."""
    from functools import partial

    from podwatch.model.store import Store

    return partial(Store, keep_deleted=args.keep_deleted)


def _errors_text(statuses) -> str:
    """The kinds' errors, each distinct one once (six kinds usually fail alike)."""
    by_error: dict[str, list[str]] = {}
    for kind, st in statuses.items():
        by_error.setdefault(st.last_error or st.state, []).append(kind)
    if len(by_error) == 1:
        return next(iter(by_error))
    states = {st.state for st in statuses.values()}
    if len(states) == 1:
        # Alike but for the resource named (RBAC: "pods is forbidden", "events is
        # forbidden", ...): one line, not twelve of the same.
        example = next(iter(by_error))
        return f"every kind {next(iter(states))} ({len(statuses)} kinds), e.g. {example}"
    return "; ".join(f"{', '.join(kinds)}: {error}" for error, kinds in by_error.items())


def run_record(args: argparse.Namespace) -> int:
    """Headless recording: a one-line progress report on stderr; Ctrl-C, SIGTERM or
    --duration end it with the file closed cleanly."""

    from podwatch.kube.config import ConfigError
    from podwatch.kube.source import LiveSource

    try:
        names = _context_names(args)
        if names is not None:
            return _record_fleet(args, names)
        cluster, scope = _connect(args)
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    try:
        if args.rotate is not None:
            from podwatch.recording.rotate import RotatingRecorder

            recorder = RotatingRecorder(
                args.file,
                rotate=args.rotate,
                keep=args.keep,
                context=cluster.context,
                scope=scope.as_dict(),
                redact=not args.no_redact,
            )
        else:
            recorder = _recorder(args.file, cluster, scope, not args.no_redact)
    except OSError as exc:
        _error(f"cannot write {args.file}: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    source = LiveSource(cluster, scope, recorder=recorder, restart_logs=args.logs).start()
    tty = sys.stderr.isatty()

    def step() -> None:
        source.poll()
        if args.rotate is not None:
            recorder.tick()  # a quiet cluster's file still ends on time

    try:
        _record_until_stopped(
            args.duration, step, lambda: _progress(args.file, recorder.count, source, tty)
        )
    finally:
        source.stop()
        cluster.close()
    _progress(args.file, recorder.count, source, tty, final=True)
    if not source.store.synced:
        _error(f"nothing was listed from {cluster.context}: {_errors_text(source.statuses())}")
        return EXIT_BAD_INPUT
    return 0


def _record_until_stopped(
    duration: float | None, step: Callable[[], object], report: Callable[[], None]
) -> None:
    """The headless recorder's loop: `step` every tenth of a second, `report` every
    half second on a terminal (every 10 s into a log), until `duration` has passed,
    SIGTERM or Ctrl-C. Stopping the sources is the caller's."""
    import signal

    stopping = False

    def on_signal(_signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGTERM, on_signal)
    every = 0.5 if sys.stderr.isatty() else 10.0
    began = time.monotonic()
    last_report = 0.0
    try:
        while not stopping:
            if duration is not None and time.monotonic() - began >= duration:
                break
            step()
            now = time.monotonic()
            if now - last_report >= every:
                last_report = now
                report()
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _record_fleet(args: argparse.Namespace, names: list[str]) -> int:
    """`record` of several contexts into one file: each line marked with its context.
    Exit 1 if no context listed anything."""

    if args.rotate is not None:
        _error("--rotate records one context; several contexts record into one file")
        return EXIT_USAGE
    members = _members(args, names)
    writer = _fleet_writer(args.file, names, members, not args.no_redact)
    if writer is None:
        return EXIT_BAD_INPUT
    fleet = _fleet(args, members, recorder=writer, restart_logs=args.logs).start()
    tty = sys.stderr.isatty()
    try:
        _record_until_stopped(
            args.duration, fleet.poll, lambda: _fleet_progress(args.file, writer.count, fleet, tty)
        )
    finally:
        fleet.stop()
    _fleet_progress(args.file, writer.count, fleet, tty, final=True)
    unread = [w for w in fleet.watched if w.source is None or not w.source.store.synced]
    for w in unread:
        why = w.error or _errors_text(w.source.statuses() if w.source else {})
        _error(f"nothing was listed from {w.context}: {why}")
    return EXIT_BAD_INPUT if len(unread) == len(fleet.watched) else 0


def _fleet_progress(path: str, written: int, fleet, tty: bool, final: bool = False) -> None:
    """One line for all contexts: each one's pods and how many of its kinds watch."""
    parts = []
    for w in fleet.watched:
        if w.source is None:
            parts.append(f"{w.context}: not connected")
            continue
        statuses = w.source.statuses()
        watching = sum(1 for st in statuses.values() if st.state == "watching")
        pods = len(w.source.store.pods)
        parts.append(f"{w.context}: pods {pods}, {watching}/{len(statuses)} watching")
    what = "closed after" if final else "recording"
    line = f"podwatch record {path}: {what} {written} events | " + " | ".join(parts)
    if tty and not final:
        sys.stderr.write("\r\x1b[K" + line[:200])
    else:
        sys.stderr.write(("\n" if tty else "") + line + "\n")
    sys.stderr.flush()


def _check_record_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """`--keep` needs `--rotate`, and a directory is only written with `--rotate`:
    usage errors (exit 2)."""
    if args.keep is not None and args.rotate is None:
        parser.error("--keep needs --rotate")
    if args.rotate is None and os.path.isdir(args.file):
        parser.error(f"{args.file} is a directory: pass --rotate to record into it")
    if args.rotate is not None and os.path.exists(args.file) and not os.path.isdir(args.file):
        parser.error(f"{args.file} is a file: --rotate records into a directory")


def _progress(path: str, written: int, source, tty: bool, final: bool = False) -> None:
    per_kind = source.store.counts()
    states = " ".join(
        f"{kind}:{st.state}" + (f"({st.attempt})" if st.attempt else "")
        for kind, st in source.statuses().items()
    )
    objects = " ".join(f"{k} {n}" for k, n in per_kind.items())
    if source.restart_logs is not None:
        logs = source.restart_logs
        objects += f" | logs {logs.read}" + (f" ({logs.skipped} skipped)" if logs.skipped else "")
        if logs.given_up:
            objects += f" (no more: {logs.given_up[:80]})"
    line = f"podwatch record {path}: {written} events | {objects} | {states}"
    if final:
        line = f"podwatch record {path}: closed after {written} events | {states}"
    if tty and not final:
        sys.stderr.write("\r\x1b[K" + line[:200])
    else:
        sys.stderr.write(("\n" if tty else "") + line + "\n")
    sys.stderr.flush()


def _negative_at(argv: list[str]) -> list[str]:
    """`--at -0:30` as `--at=-0:30`: argparse would take the value for an option and
    answer with a usage error, where a negative time deserves the moment parser's own
    refusal naming the recording's span."""
    for i, (word, value) in enumerate(pairwise(argv)):
        if word == "--at" and value[:1] == "-" and value[1:2].isdigit():
            return [*argv[:i], f"--at={value}", *argv[i + 2 :]]
    return argv


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    """Run one command; its exit code (see the module's table). Called without `argv`,
    as the program (`podwatch`, `python -m podwatch.cli`), it may end the process
    itself: see `_end_if_watches_linger`."""
    code = _main(list(sys.argv[1:] if argv is None else argv), prog)
    if argv is None:
        _end_if_watches_linger(code)
    return code


def kubectl_main() -> int:
    """`kubectl-podwatch`: podwatch as a kubectl plugin (`kubectl podwatch -n shop`).
    kubectl passes it every argument after its name; it names itself as typed."""
    return main(prog=KUBECTL_PROG)


def completion_candidates(words: list[str]) -> tuple[list[str], int]:
    """What completes `kubectl podwatch WORDS` (see podwatch/completion.py)."""
    from podwatch.completion import candidates

    commands = {c: build_sub_parser(c, KUBECTL_PROG) for c in SUBCOMMANDS}
    return candidates(words, build_parser(KUBECTL_PROG), commands)


def kubectl_complete() -> int:
    """`kubectl_complete-podwatch`: kubectl (1.26 and later) runs it for `kubectl podwatch
    <TAB>` with the words after `podwatch`, and reads Cobra's answer."""
    from podwatch.completion import cobra_answer

    sys.stdout.write(cobra_answer(*completion_candidates(sys.argv[1:])))
    return EXIT_OK


def _main(argv: list[str], prog: str = PROG) -> int:
    """The command's exit code. Output is flushed here, inside the handlers, so that a
    pipe closed early ends quietly with 0 rather than with Python's complaint at
    shutdown."""
    try:
        code = _run(argv, prog)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `podwatch ... --once | head`: the reader left; nothing left to say. What is
        # still buffered goes to devnull, or the shutdown flush would report the pipe
        # (https://docs.python.org/3/library/signal.html#note-on-sigpipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _end_if_watches_linger(code: int) -> None:
    """Exit at once with `code` if daemon threads (the watches) outlived
    `LiveSource.stop()`.

    A watch blocked in a request that has no response yet cannot be interrupted, so
    its daemon thread may still be starting up or reading when the program ends.
    Ctrl-C during `--once`'s listing then made the interpreter's own shutdown abort
    (SIGABRT, "Fatal Python error: Aborted") instead of exiting 130. Everything
    worth keeping is closed by then (the recorder by `stop()`); only the standard
    streams need a flush. Not done when `main` is called with arguments (tests), so
    that it never ends a caller's process."""
    import contextlib
    import threading

    if not any(t.daemon and t.is_alive() for t in threading.enumerate()):
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
            stream.flush()
    os._exit(code)


def _run(argv: list[str], prog: str = PROG) -> int:
    """Parse `argv` (argparse exits 2 on a usage error) and run its command."""
    argv = _negative_at(argv)
    if argv and argv[0] in SUBCOMMANDS:
        command = argv[0]
        parser = build_sub_parser(command, prog)
        args = parser.parse_args(argv[1:])
        if command == "completion":
            return _print_completion(args.shell)
        if command == "record":
            _check_record_args(parser, args)
        if command == "replay":
            return run_replay(args.files, args, title="replay " + ", ".join(args.files))
        if command == "demo":
            return run_replay([str(demo_path())], args, title="podwatch demo")
        return run_record(args)
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.logs and not args.record:
        parser.error("--logs needs --record (logs are read on demand with l while watching)")
    return run_live(args)


def _print_completion(shell: str) -> int:
    """The completion script of `podwatch` for `shell`, from the parsers themselves."""
    from podwatch.completion import completion_parser, script

    commands = {c: build_sub_parser(c) for c in SUBCOMMANDS}
    sys.stdout.write(script(completion_parser(build_parser(), commands), shell))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
