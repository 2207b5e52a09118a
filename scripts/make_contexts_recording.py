"""Make tests/data/recordings/contexts/two-clusters.jsonl with the real
`podwatch record --all-contexts` command, against two API server doubles on different
ports in one kubeconfig (staging and prod-eu-west-1).

`python scripts/make_contexts_recording.py [OUT]`. The objects are written here
(hand-made, with real-looking names); everything else (the watches of both clusters,
the recording with each event's context) is podwatch's own path. Both clusters run
the StatefulSet pod `shop/orders-db-0`: the same key, kept apart. In prod, a checkout
pod turns NotReady while the recording runs and its Service lists it NotReady.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.apiserver import ApiServerDouble  # noqa: E402
from tests.factories import (  # noqa: E402
    container,
    endpoints,
    node,
    pod,
    ready_conditions,
    running,
    service,
)

OUT = ROOT / "tests/data/recordings/contexts/two-clusters.jsonl"
NS = "shop"
PROBE = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5}


def checkout(name: str, ip: str, node_name: str, ready: bool) -> dict:
    return pod(
        name,
        NS,
        containers=[
            container("api", image="registry.example/checkout-api:2.14.0", readinessProbe=PROBE)
        ],
        statuses=[running("api", ready=ready)],
        conditions=ready_conditions(ready),
        node=node_name,
        ip=ip,
        labels={"app": "checkout-api", "pod-template-hash": "7d9f8b6c5d"},
    )


def orders_db(ip: str, node_name: str) -> dict:
    return pod(
        "orders-db-0",
        NS,
        containers=[container("postgres", image="postgres:16.4")],
        statuses=[running("postgres")],
        conditions=ready_conditions(True),
        node=node_name,
        ip=ip,
        labels={"app": "orders-db", "statefulset.kubernetes.io/pod-name": "orders-db-0"},
    )


def seed(double: ApiServerDouble, prod: bool) -> None:
    double.create(node("worker-1"))
    if prod:
        double.create(
            node("worker-2", taints=[{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])
        )
    double.create(
        orders_db("10.244.2.7" if prod else "10.42.0.7", "worker-2" if prod else "worker-1")
    )
    pods = (
        [
            ("checkout-api-7d9f8b6c5d-x2x9q", "10.244.1.23"),
            ("checkout-api-7d9f8b6c5d-q4wzn", "10.244.1.24"),
        ]
        if prod
        else [("checkout-api-7d9f8b6c5d-k8m2p", "10.42.0.12")]
    )
    for name, ip in pods:
        double.create(checkout(name, ip, "worker-1", ready=True))
    double.create(service("checkout-api", NS, selector={"app": "checkout-api"}))
    double.create(endpoints("checkout-api", NS, ready=[(ip, name) for name, ip in pods]))


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = ApiServerDouble(bookmark_interval=30.0).start()
    prod = ApiServerDouble(bookmark_interval=30.0).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            seed(staging, prod=False)
            seed(prod, prod=True)
            kubeconfig = ApiServerDouble.write_kubeconfig_of(
                Path(tmp) / "kc", {"staging": staging, "prod-eu-west-1": prod}, namespace=NS
            )
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from podwatch.cli import main; sys.exit(main())",
                    "record",
                    str(out),
                    "--all-contexts",
                    "--duration",
                    "5",
                ],
                env={"KUBECONFIG": str(kubeconfig), "PATH": "/usr/bin:/bin", "HOME": tmp},
                cwd=ROOT,
            )
            time.sleep(2.5)
            name, ip = "checkout-api-7d9f8b6c5d-x2x9q", "10.244.1.23"
            prod.update(checkout(name, ip, "worker-1", ready=False))
            prod.update(
                endpoints(
                    "checkout-api",
                    NS,
                    ready=[("10.244.1.24", "checkout-api-7d9f8b6c5d-q4wzn")],
                    not_ready=[(ip, name)],
                )
            )
            code = proc.wait(timeout=30)
    finally:
        staging.stop()
        prod.stop()
    print(f"wrote {out} (exit {code})")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
