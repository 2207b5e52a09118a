"""Command line: `podwatch` (live), `podwatch replay FILE...`, `podwatch demo`, `podwatch record`.

Errors a user can cause (a damaged recording, a missing file, a bad option)
end in one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

from rich.console import Console

from podwatch import __version__
from podwatch.recording import RecordingError, read_recording

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2
SUBCOMMANDS = ("replay", "demo", "record")


def demo_path() -> Path:
    return Path(str(resources.files("podwatch.data").joinpath("demo.jsonl.gz")))


def _add_view_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="print the state as tables and exit")
    p.add_argument(
        "--at",
        type=float,
        metavar="SECONDS",
        help="with --once: the moment to show, in seconds from the start (default: the end)",
    )
    p.add_argument("--pod", metavar="NAME", help="with --once: show only this pod's details")
    p.add_argument("--speed", type=float, default=1.0, help="replay speed factor (default 1)")
    p.add_argument("--paused", action="store_true", help="start the replay paused")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podwatch",
        description="Watch Kubernetes pod health live: why is this pod not taking traffic?",
    )
    parser.add_argument("--version", action="version", version=f"podwatch {__version__}")
    sub = parser.add_subparsers(dest="command")

    replay = sub.add_parser("replay", help="replay recordings or kubectl JSON captures")
    replay.add_argument(
        "files", nargs="+", metavar="FILE", help="podwatch recordings or kubectl -o json output"
    )
    replay.add_argument(
        "--skip-bad-lines", action="store_true", help="skip unreadable lines instead of stopping"
    )
    _add_view_options(replay)

    demo = sub.add_parser("demo", help="replay the bundled demo of every reference scenario")
    _add_view_options(demo)
    return parser


def _console() -> Console:
    is_tty = sys.stdout.isatty()
    no_color = "NO_COLOR" in os.environ or not is_tty
    width = None
    if not is_tty:
        try:
            width = int(os.environ.get("COLUMNS", "160"))
        except ValueError:
            width = 160
    return Console(
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        width=width,
        soft_wrap=False,
    )


def _error(message: str) -> None:
    # The message may quote a file name or a cluster string: printed plainly.
    from podwatch.safe import clean

    print(f"podwatch: {clean(message, limit=2000)}", file=sys.stderr)


def run_replay(files: list[str], args: argparse.Namespace, *, title: str) -> int:
    from podwatch.kube.source import ReplaySource
    from podwatch.report import render_once

    try:
        recording = read_recording(files, skip_bad_lines=getattr(args, "skip_bad_lines", False))
    except RecordingError as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    for warning in recording.warnings:
        _error(f"warning: {warning}")
    if recording.skipped_lines:
        _error(f"warning: skipped {recording.skipped_lines} unreadable line(s)")
    source = ReplaySource(recording)
    once = args.once or not sys.stdout.isatty()
    if not once:
        _error(
            "the full-screen dashboard is not built yet; showing the --once tables "
            "(use --at SECONDS for another moment)"
        )
    at = recording.duration if args.at is None else args.at
    source.seek(at)
    console = _console()
    header = (
        f"{title} at {at:.0f}s of {recording.duration:.0f}s "
        f"({len(recording.events)} events, started {recording.header.get('started', '?')})"
    )
    return render_once(console, source.store, title=header, pod=args.pod)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if (
        argv
        and argv[0] not in SUBCOMMANDS
        and not argv[0].startswith("-h")
        and argv[0] != "--version"
    ):
        _error("live watching is not built yet; try 'podwatch demo' or 'podwatch replay FILE'")
        return EXIT_USAGE
    if not argv:
        _error("live watching is not built yet; try 'podwatch demo' or 'podwatch replay FILE'")
        return EXIT_USAGE
    args = parser.parse_args(argv)
    try:
        if args.command == "replay":
            return run_replay(args.files, args, title="replay " + ", ".join(args.files))
        if args.command == "demo":
            return run_replay([str(demo_path())], args, title="podwatch demo")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `podwatch ... --once | head`: the reader left; not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    parser.print_usage(sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
