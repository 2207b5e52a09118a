"""Realistic pod objects for the benchmarks.

A template is taken from a real capture (a Running 1.19 pod with
managedFields, ~5.8 KB of JSON) and cloned with unique names, uids, IPs and
labels. managedFields are kept on purpose: stripping them is part of what the
benchmarks measure. Without the capture a built-in pod of the same shape is
used.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import msgspec

SEED = Path(__file__).resolve().parents[2] / "shared" / "recordings" / "seed-demo" / "pods.json"
STAMP_ANNOTATION = "bench.podwatch/stamp"

_enc = msgspec.json.Encoder()
_dec = msgspec.json.Decoder()


def _fallback() -> dict:
    fields = {
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {"f:containers": {'k:{"name":"container"}': {".": {}, "f:image": {}}}},
    }
    status_fields = {
        "f:status": {
            "f:conditions": {'k:{"type":"Ready"}': {".": {}, "f:status": {}, "f:type": {}}},
            "f:containerStatuses": {},
            "f:podIP": {},
            "f:podIPs": {".": {}, 'k:{"ip":"10.0.0.1"}': {".": {}, "f:ip": {}}},
        }
    }
    mf = [
        {
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": fields,
            "manager": "kubectl-client-side-apply",
            "operation": "Update",
            "time": "2026-11-22T07:41:23Z",
        },
        {
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": status_fields,
            "manager": "kubelet",
            "operation": "Update",
            "time": "2026-11-22T07:41:30Z",
        },
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "template",
            "namespace": "bench",
            "labels": {"app": "web"},
            "creationTimestamp": "2026-11-22T07:41:23Z",
            "managedFields": mf,
        },
        "spec": {
            "containers": [
                {
                    "name": "container",
                    "image": "kubetm/app",
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "readinessProbe": {
                        "exec": {"command": ["cat", "/tmp/ready"]},
                        "periodSeconds": 10,
                    },
                }
            ],
            "nodeName": "worker-1",
            "restartPolicy": "Always",
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": "2026-11-22T07:41:30Z"}
                for t in ("PodScheduled", "Initialized", "ContainersReady", "Ready")
            ],
            "hostIP": "192.168.0.11",
            "podIP": "10.0.0.1",
            "podIPs": [{"ip": "10.0.0.1"}],
            "qosClass": "BestEffort",
            "startTime": "2026-11-22T07:41:23Z",
            "containerStatuses": [
                {
                    "name": "container",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "image": "kubetm/app:latest",
                    "imageID": "docker-pullable://kubetm/app@sha256:" + "0" * 64,
                    "containerID": "docker://" + "1" * 64,
                    "state": {"running": {"startedAt": "2026-11-22T07:41:29Z"}},
                    "lastState": {},
                }
            ],
        },
    }


def template() -> dict:
    """The largest Running pod of the seed capture (with managedFields), else a stand-in."""
    best: dict | None = None
    best_len = 0
    try:
        for line in SEED.read_text().splitlines():
            if not line.strip():
                continue
            doc = json.loads(line)
            obj = doc.get("object") or {}
            st = obj.get("status") or {}
            if (
                doc.get("type") != "DELETED"
                and st.get("phase") == "Running"
                and st.get("containerStatuses")
                and obj.get("metadata", {}).get("managedFields")
                and len(line) > best_len
            ):
                best, best_len = obj, len(line)
    except (OSError, ValueError):
        best = None
    pod = best or _fallback()
    pod = _dec.decode(_enc.encode(pod))
    md = pod["metadata"]
    for k in ("resourceVersion", "uid", "selfLink", "deletionTimestamp", "ownerReferences"):
        md.pop(k, None)
    pod["kind"] = "Pod"
    pod["apiVersion"] = "v1"
    return pod


class PodFactory:
    """Clones the template cheaply (msgspec round trip) with unique identity."""

    def __init__(self, namespace: str = "bench", nodes: int = 50) -> None:
        self.namespace = namespace
        self.nodes = nodes
        self._raw = _enc.encode(template())

    @staticmethod
    def name(i: int) -> str:
        return f"bench-pod-{i:06d}"

    def pod(
        self, i: int, restarts: int = 0, stamp: str | None = None, ready: bool | None = None
    ) -> dict[str, Any]:
        pod = _dec.decode(self._raw)
        md = pod["metadata"]
        md["name"] = self.name(i)
        md["namespace"] = self.namespace
        md["uid"] = str(uuid.UUID(int=(0xBE7C << 96) + i))
        labels = dict(md.get("labels") or {})
        labels.update(
            {"app": f"app-{i % 97}", "bench.podwatch/index": str(i), "tier": ("web", "db")[i % 2]}
        )
        md["labels"] = labels
        if stamp is not None:
            md.setdefault("annotations", {})[STAMP_ANNOTATION] = stamp
        ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        spec = pod.setdefault("spec", {})
        spec["nodeName"] = f"worker-{i % self.nodes}"
        st = pod.setdefault("status", {})
        st["podIP"] = ip
        st["podIPs"] = [{"ip": ip}]
        st["hostIP"] = f"192.168.{(i % self.nodes) // 250}.{(i % self.nodes) % 250 + 1}"
        for cs in st.get("containerStatuses") or []:
            cs["restartCount"] = restarts
            cs["containerID"] = f"docker://{i:064x}"
            if ready is not None:
                cs["ready"] = ready
        if ready is not None:
            for cond in st.get("conditions") or []:
                if cond.get("type") in ("Ready", "ContainersReady"):
                    cond["status"] = "True" if ready else "False"
                    if ready:
                        cond.pop("reason", None)
                        cond.pop("message", None)
        return pod


if __name__ == "__main__":
    p = PodFactory().pod(1)
    print(
        len(_enc.encode(p)),
        "bytes;",
        len(p["metadata"].get("managedFields") or []),
        "managedFields",
    )


def pod_event(
    pod_name: str, namespace: str, k: int, node: str = "worker-1", at: float | None = None
) -> dict[str, Any]:
    """A kubelet `Unhealthy` Event about a pod (as core/v1 Event, with managedFields),
    stamped `k` seconds before `at` (default: now) so that no TTL drops it."""
    import time

    when = (time.time() if at is None else at) - 60 + k
    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": f"{pod_name}.{0x1800000000 + k:x}",
            "namespace": namespace,
            "uid": str(uuid.uuid4()),
            "creationTimestamp": ts,
            "managedFields": [
                {
                    "apiVersion": "v1",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {
                        "f:count": {},
                        "f:firstTimestamp": {},
                        "f:involvedObject": {},
                        "f:lastTimestamp": {},
                        "f:message": {},
                        "f:reason": {},
                        "f:source": {"f:component": {}, "f:host": {}},
                        "f:type": {},
                    },
                    "manager": "kubelet",
                    "operation": "Update",
                    "time": ts,
                }
            ],
        },
        "involvedObject": {
            "kind": "Pod",
            "namespace": namespace,
            "name": pod_name,
            "apiVersion": "v1",
            "resourceVersion": "1",
            "fieldPath": "spec.containers{container}",
        },
        "reason": "Unhealthy",
        "message": "Readiness probe failed: cat: can't open '/tmp/ready': No such file",
        "source": {"component": "kubelet", "host": node},
        "firstTimestamp": ts,
        "lastTimestamp": ts,
        "count": k + 1,
        "type": "Warning",
        "eventTime": None,
        "reportingComponent": "",
        "reportingInstance": "",
    }
