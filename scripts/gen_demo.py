"""Generate the recording that `podwatch demo` plays: `podwatch/data/demo.jsonl.gz`.

Regenerate it (the output is deterministic: the same bytes on every run) with

    python scripts/gen_demo.py                 # writes podwatch/data/demo.jsonl.gz
    python scripts/gen_demo.py -o /tmp/x.gz    # somewhere else

What it contains: the eight reference scenarios of SPEC section 5 (readiness,
liveness, startup probe, crash loop, jobs, taints, QoS, a node that stops
reporting) plus an image that cannot be pulled, in namespace `demo` on nodes
`worker-1..3`, about seven and a half minutes of watch events.

How: scripts/demo/story.py is the readable script, one `at(t, step)` line per
thing a person or the world does; scripts/demo/pods.py holds the pods;
scripts/demo/simulator.py, a small simulation of the control plane, turns the
story into the watch events an API server would send (scheduler, kubelets,
endpoints controllers, node lifecycle controller, NoExecute taint manager), with
the objects of scripts/demo/objects.py.

To extend it: define a pod with `PodDef`/`Container` next to the others in
pods.py, add `at(...)` lines to `scenario()` in story.py, rerun, and look at the
result through podwatch's own model at a few moments, e.g.

    from podwatch.recording import read_recording
    from podwatch.kube.source import ReplaySource
    from podwatch.model.view import pod_rows, pod_detail, service_views
    src = ReplaySource(read_recording("podwatch/data/demo.jsonl.gz"), paused=True)
    src.seek(35)
    for r in pod_rows(src.store):
        print(r.summary.name, r.summary.status, r.summary.ready_text, r.probe_text)
    for key in src.store.pods:
        print(key, pod_detail(src.store, key).why)

or with `podwatch demo --once --at 35`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from podwatch.model.watch import WatchEvent  # noqa: E402
from podwatch.recording import RecordingWriter  # noqa: E402
from scripts.demo.objects import NAMESPACE, STARTED  # noqa: E402
from scripts.demo.pods import PULL_SECONDS  # noqa: E402
from scripts.demo.simulator import simulate  # noqa: E402
from scripts.demo.story import END, scenario  # noqa: E402

OUTPUT = ROOT / "podwatch" / "data" / "demo.jsonl.gz"


def generate() -> list[WatchEvent]:
    return simulate(scenario(), end=END, pull_seconds=PULL_SECONDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    events = generate()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    scope = {
        "namespace": NAMESPACE,
        "kinds": ["Pod", "Event", "Service", "Endpoints", "EndpointSlice", "Node"],
    }
    with RecordingWriter(
        args.output, context="demo", scope=scope, started=float(STARTED)
    ) as writer:
        for event in events:
            writer.write(event)
    print(f"wrote {len(events)} events, {events[-1].t:.0f} s, to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
