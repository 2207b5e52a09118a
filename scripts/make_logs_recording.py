"""Make tests/data/recordings/record-logs/crashloop-logs.jsonl with the real
`podwatch record --logs` command, against the API server double (the lab's kubelet
simulator serves no pods/log, so no real control plane here can give logs).

`python scripts/make_logs_recording.py [OUT]`. The pod and its log text are written
here (hand-made); everything else (the watch, the restarts seen, the pods/log reads,
the recording) is podwatch's own path.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.apiserver import ApiServerDouble  # noqa: E402

OUT = ROOT / "tests/data/recordings/record-logs/crashloop-logs.jsonl"
POD = "checkout-api-7d9f8b6c5d-x2x9q"

CRASHES = [
    'level=info msg="starting checkout-api" version=2.14.0\n'
    'level=info msg="connecting to postgres" host=orders-db.shop.svc:5432\n'
    'level=error msg="dial tcp 10.96.14.7:5432: connect: connection refused" attempt=1\n'
    'level=error msg="dial tcp 10.96.14.7:5432: connect: connection refused" attempt=2\n'
    'level=fatal msg="giving up on the database after 2 attempts"\n',
    'level=info msg="starting checkout-api" version=2.14.0\n'
    'level=info msg="connecting to postgres" host=orders-db.shop.svc:5432\n'
    'level=info msg="connected" pool=10\n'
    'level=info msg="loading price rules" path=/etc/checkout/rules.yaml\n'
    "panic: assignment to entry in nil map\n"
    "\n"
    "goroutine 1 [running]:\n"
    "main.loadRules({0xc000126000, 0x1a})\n"
    "\t/src/cmd/checkout-api/rules.go:48 +0x1c5\n"
    "main.main()\n"
    "\t/src/cmd/checkout-api/main.go:77 +0x2f4\n",
]


def pod(restarts: int, waiting: bool) -> dict:
    state = (
        {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": "back-off 20s restarting failed container",
            }
        }
        if waiting
        else {"running": {"startedAt": "2026-12-01T10:00:00Z"}}
    )
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": POD, "namespace": "shop", "labels": {"app": "checkout-api"}},
        "spec": {
            "nodeName": "worker-1",
            "containers": [
                {
                    "name": "api",
                    "image": "registry.example/checkout-api:2.14.0",
                    "ports": [{"name": "http", "containerPort": 8080}],
                },
                {"name": "envoy", "image": "envoyproxy/envoy:v1.31.0"},
            ],
        },
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.23",
            "conditions": [
                {"type": "PodScheduled", "status": "True"},
                {"type": "Initialized", "status": "True"},
                {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady"},
                {"type": "Ready", "status": "False", "reason": "ContainersNotReady"},
            ],
            "containerStatuses": [
                {
                    "name": "api",
                    "ready": False,
                    "restartCount": restarts,
                    "state": state,
                    "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}},
                },
                {"name": "envoy", "ready": True, "restartCount": 0, "state": {"running": {}}},
            ],
        },
    }


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    double = ApiServerDouble(bookmark_interval=30.0).start()
    double.log_epoch = int(time.time()) - 60  # the crashed instances wrote a minute ago
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kubeconfig = double.write_kubeconfig(Path(tmp) / "kc", namespace="shop")
            double.create(pod(1, waiting=True))
            double.set_log("shop", POD, "api", CRASHES[0], previous=True)
            double.set_log("shop", POD, "envoy", "envoy ready\n")
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from podwatch.cli import main; sys.exit(main())",
                    "record",
                    str(out),
                    "--logs",
                    "--duration",
                    "6",
                ],
                env={"KUBECONFIG": str(kubeconfig), "PATH": "/usr/bin:/bin", "HOME": tmp},
                cwd=ROOT,
            )
            time.sleep(2.5)
            double.update(pod(1, waiting=False))
            time.sleep(0.5)
            double.set_log("shop", POD, "api", CRASHES[1], previous=True)
            double.update(copy.deepcopy(pod(2, waiting=True)))
            return proc.wait(timeout=60)
    finally:
        double.stop()


if __name__ == "__main__":
    sys.exit(main())
