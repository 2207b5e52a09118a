"""Several contexts at once (issue 16): does podwatch's cost grow linearly with them?

    python bench/contexts.py                  # 1, 2 and 4 contexts of 2,500 pods each
    python bench/contexts.py --pods 500 --contexts 1,2

Each context is its own API server double (bench/server.py, in a process of its own,
pages encoded before the first list, so that no server is the bottleneck), on its own
port, all in one kubeconfig. `podwatch --all-contexts -A --once` runs as a user runs
it, through a kubeconfig holding exactly N of them, so that one context and several
take the same path (kube/fleet.py); its client CPU and peak RSS come from time(1).
A run against one empty cluster gives what podwatch costs before any pod.

Linear: N contexts cost at most the empty run plus N times what one context adds,
with 25% to spare (the machine's noise), for CPU and for memory. Wall time is
reported beside them: the contexts are listed at once, on threads that share one
interpreter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import Server, _podwatch_script, _timed  # noqa: E402

SLACK = 1.25
"""How far past linear a figure may be and still count as linear."""
RUNS = 3


def kubeconfig_of(servers: list[Server], path: Path) -> Path:
    """One kubeconfig with a context per server, named c1, c2, ... (the servers each
    wrote their own, all named alike)."""
    merged: dict = {}
    for number, server in enumerate(servers, 1):
        cfg = json.loads(Path(server.kubeconfig).read_text())
        name = f"c{number}"
        cfg["clusters"][0]["name"] = cfg["users"][0]["name"] = cfg["contexts"][0]["name"] = name
        cfg["contexts"][0]["context"].update(cluster=name, user=name)
        if not merged:
            merged = cfg | {"current-context": name}
        else:
            for section in ("clusters", "users", "contexts"):
                merged[section] += cfg[section]
    path.write_text(json.dumps(merged))
    return path


def run_once(kubeconfig: Path, runs: int) -> dict:
    """The median wall and CPU of `runs` runs of `podwatch --all-contexts -A --once`,
    and the highest peak RSS."""
    cmd = [_podwatch_script(), "--kubeconfig", str(kubeconfig), "--all-contexts", "-A", "--once"]
    timed = [_timed(cmd) for _ in range(runs)]
    return {
        "wall": statistics.median(t["wall"] for t in timed),
        "cpu": statistics.median(t["cpu"] for t in timed),
        "rss": max(t["rss"] for t in timed),
        "codes": sorted({t["code"] for t in timed}),
        "lines": timed[0]["lines"],
    }


def measure(pods: int, counts: tuple[int, ...], tmp: Path, runs: int = RUNS) -> dict:
    """Every figure: the empty run, then each count of contexts of `pods` pods each."""
    out: dict = {"pods": pods, "counts": list(counts), "runs": runs}
    with Server(tmp) as empty:
        out["empty"] = run_once(kubeconfig_of([empty], tmp / "empty.json"), runs)
    servers: list[Server] = []
    try:
        for _ in range(max(counts)):
            server = Server(tmp)
            servers.append(server)
            server.call(op="populate", n=pods)
        for n in counts:
            out[n] = run_once(kubeconfig_of(servers[:n], tmp / f"kc-{n}.json"), runs)
    finally:
        for server in servers:
            server.close()
    return out


def rows(m: dict) -> list[tuple[str, str, str, str]]:
    """(what, figure, target, verdict) rows, for print and for bench/run.py."""
    empty, one = m["empty"], m[m["counts"][0]]
    out = [
        (
            "no pods (one empty context)",
            f"wall {empty['wall']:.2f} s, CPU {empty['cpu']:.2f} s, peak RSS {empty['rss']:.0f} MB",
            "",
            "",
        )
    ]
    per = {key: one[key] - empty[key] for key in ("cpu", "rss")}
    for n in m["counts"]:
        got = m[n]
        out.append(
            (
                f"{n} context{'s' if n > 1 else ''} of {m['pods']:,} pods",
                f"wall {got['wall']:.2f} s, CPU {got['cpu']:.2f} s, peak RSS {got['rss']:.0f} MB, "
                f"exit {','.join(map(str, got['codes']))}",
                "",
                "",
            )
        )
    for n in m["counts"][1:]:
        got = m[n]
        for key, what in (("cpu", "client CPU"), ("rss", "peak memory")):
            linear = empty[key] + n * per[key]
            ratio = got[key] / linear if linear else float("nan")
            out.append(
                (
                    f"{n} contexts: {what} / linear (empty + {n} × one's)",
                    f"{ratio:.2f}x ({got[key]:.2f} vs {linear:.2f})",
                    f"≤ {SLACK:.2f}x",
                    "met" if ratio <= SLACK else f"MISSED ({ratio:.2f}x)",
                )
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=2_500, help="pods per context")
    parser.add_argument("--contexts", default="1,2,4", help="how many contexts, comma-separated")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    counts = tuple(int(c) for c in args.contexts.split(","))
    with tempfile.TemporaryDirectory(prefix="podwatch-contexts-") as td:
        for what, figure, target, verdict in rows(measure(args.pods, counts, Path(td), args.runs)):
            tail = f"  [target {target}: {verdict}]" if target else ""
            print(f"{what}: {figure}{tail}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
