"""The API server double in its own process, driven by JSON lines on stdin.

Running the double in a separate process keeps its serialization work off the
measured process (and off its GIL), as a real API server would be. Commands
(one JSON object per line; one JSON reply per line on stdout):

  {"op": "kubeconfig", "path": P, "namespace": NS}      -> {"url": ...}
  {"op": "populate", "n": N}                            -> {"rv": rv}
  {"op": "modify", "count": C, "pods": P, "base": B}    -> {"rv_before", "rv_after"}
  {"op": "churn", "rate": R, "duration": D, "pods": P, "base": B}
        -> {"sent": n, "stamps": [[index, restarts, epoch], ...]}
  {"op": "set", "pods": [i, ...], "ready": bool|null, "restarts": R, "stamp": S}
        -> {"rv": rv}   (pods i rewritten: readiness and restarts as given, a stamp)
  {"op": "clear"} / {"op": "rv"} / {"op": "quit"}

Serialization inside the double is switched to msgspec (and deep copies to a
msgspec round trip) so that the server, not the clients being compared, is
never the bottleneck.
"""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import PodFactory  # noqa: E402
from tests import apiserver  # noqa: E402

_enc = msgspec.json.Encoder()
_dec = msgspec.json.Decoder()


def _fast_copy(obj):
    return _dec.decode(_enc.encode(obj))


def _patch() -> None:
    apiserver._dumps = _enc.encode
    apiserver.copy = types.SimpleNamespace(deepcopy=_fast_copy)


def main() -> int:
    _patch()
    namespace = sys.argv[1] if len(sys.argv) > 1 else "bench"
    # anonymous: kubectl sends no token over plain http; podwatch still sends its own.
    double = apiserver.ApiServerDouble(
        bookmark_interval=5.0, history_limit=10_000_000, anonymous=True, encode_once=True
    )
    double.start()
    factory = PodFactory(namespace)
    out = sys.stdout

    def reply(obj: dict) -> None:
        out.write(_enc.encode(obj).decode() + "\n")
        out.flush()

    reply({"ready": True, "url": double.url})
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            cmd = _dec.decode(line)
            op = cmd.get("op")
            if op == "quit":
                reply({"ok": True})
                break
            if op == "kubeconfig":
                double.write_kubeconfig(cmd["path"], namespace=cmd.get("namespace", namespace))
                reply({"url": double.url})
            elif op == "populate":
                for i in range(int(cmd["n"])):
                    double.create(factory.pod(i))
                double.encode_all("Pod")  # the pages a list serves, encoded before it
                double.clear_requests()
                reply({"rv": double.resource_version})
            elif op == "modify":
                before = double.resource_version
                pods, base = int(cmd["pods"]), int(cmd.get("base", 0))
                for k in range(int(cmd["count"])):
                    double.update(factory.pod(k % pods, restarts=base + k // pods + 1))
                reply({"rv_before": before, "rv_after": double.resource_version})
            elif op == "churn":
                rate, duration = float(cmd["rate"]), float(cmd["duration"])
                pods, base = int(cmd["pods"]), int(cmd.get("base", 0))
                total = int(rate * duration)
                stamps = []
                t0 = time.monotonic()
                for k in range(total):
                    due = t0 + k / rate
                    delay = due - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    i, r = k % pods, base + k // pods + 1
                    pod = factory.pod(i, restarts=r, stamp=f"{k}")
                    double.update(pod)
                    stamps.append((i, r, time.time()))
                    if k % 5000 == 4999:
                        double.clear_requests()
                reply({"sent": total, "stamps": stamps, "elapsed": time.monotonic() - t0})
            elif op == "set":
                for i in cmd["pods"]:
                    pod = factory.pod(
                        int(i),
                        restarts=int(cmd.get("restarts", 0)),
                        stamp=cmd.get("stamp"),
                        ready=cmd.get("ready"),
                    )
                    double.update(pod)
                reply({"rv": double.resource_version})
            elif op == "clear":
                double.clear_requests()
                reply({"ok": True})
            elif op == "rv":
                reply({"rv": double.resource_version})
            else:
                reply({"error": f"unknown op {op!r}"})
    finally:
        double.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
