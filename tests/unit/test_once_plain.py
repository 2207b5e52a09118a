"""`--once` to a pipe or a file writes the pod list as plain strings (the fast path):
the very lines the styled list shows, at every width, on the demo and real captures,
including names cut in the middle, wide characters and hostile text."""

from __future__ import annotations

import pytest

from podwatch.data import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.recording import read_recording
from podwatch.render import pods_table, pods_table_plain
from tests.factories import feed, pod
from tests.recordings import recordings_dir

WIDTHS = (40, 60, 80, 100, 120, 200)


def _stores():
    demo = read_recording(demo_path())
    for at in (35.0, 245.1, demo.duration):
        source = ReplaySource(demo)
        source.seek(at)
        yield f"demo@{at:.0f}", source.store
    real = recordings_dir() / "real-objects"
    for path in sorted(real.glob("pod*.json")):
        source = ReplaySource(read_recording(path))
        source.seek(source.duration)
        yield path.name, source.store


def _hostile():
    from podwatch.model.store import Store

    store = Store()
    names = [
        "checkout-api-gateway-for-the-payments-team-canary-7d9f8b6c5-x2k4q",
        "\u6f22\u5b57\u306e\u30dd\u30c3\u30c9-0",  # wide characters
        "evil\x1b[2Jname-\u202e-1",  # control and bidi characters
        "x" * 300,
    ]
    for i, name in enumerate(names):
        feed(store, pod(name, namespace=f"team-{i}", node="worker-with-a-rather-long-name-1"))
    return store


@pytest.mark.parametrize("width", WIDTHS)
def test_the_plain_pod_list_is_the_styled_one_without_styles(width):
    stores = [*_stores(), ("hostile", _hostile())]
    for name, store in stores:
        for all_ns in (False, True):
            styled = pods_table(store, all_namespaces=all_ns, width=width).plain
            fast = pods_table_plain(store, all_namespaces=all_ns, width=width)
            assert fast == styled, (name, width, all_ns)


@pytest.mark.parametrize("width", WIDTHS)
def test_on_a_terminal_the_list_needs_no_wrapping(width):
    """On a terminal `--once` prints the styled list without Rich's wrapping (soft_wrap):
    every line already fits, so what reaches the terminal is the same, styles included."""
    from rich.console import Console

    for name, store in [*_stores(), ("hostile", _hostile())]:
        table = pods_table(store, all_namespaces=True, width=width)
        assert all(line.cell_len <= width for line in table.split()), (name, width)
        shown = []
        for soft_wrap in (False, True):
            console = Console(width=width, record=True, force_terminal=True, color_system="256")
            with console.capture():
                console.print(table, soft_wrap=soft_wrap)
            shown.append(console.export_text(styles=True))
        assert shown[0] == shown[1], (name, width)
