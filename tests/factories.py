"""Builders for API objects in the shapes the API server sends, for unit tests.

Defaults follow what the API server fills in (see ../shared/recordings): tests
state only what matters to them.
"""

from __future__ import annotations

import itertools
from typing import Any

from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent

T0 = 1_790_000_000.0
_rv = itertools.count(1000)


def ts(seconds: float = 0.0) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(T0 + seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def container(name: str = "app", **extra: Any) -> dict:
    c = {
        "name": name,
        "image": f"example/{name}:1",
        "imagePullPolicy": "IfNotPresent",
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    c.update(extra)
    return c


def running(
    name: str = "app",
    *,
    ready: bool = True,
    restarts: int = 0,
    started: bool = True,
    last: dict | None = None,
    at: float = 0.0,
) -> dict:
    return {
        "name": name,
        "image": f"example/{name}:1",
        "imageID": "",
        "containerID": f"containerd://{name}",
        "ready": ready,
        "started": started,
        "restartCount": restarts,
        "state": {"running": {"startedAt": ts(at)}},
        "lastState": last or {},
    }


def waiting(
    name: str = "app",
    reason: str = "ContainerCreating",
    *,
    restarts: int = 0,
    last: dict | None = None,
    message: str = "",
) -> dict:
    w: dict[str, Any] = {"reason": reason}
    if message:
        w["message"] = message
    return {
        "name": name,
        "image": f"example/{name}:1",
        "imageID": "",
        "ready": False,
        "started": False,
        "restartCount": restarts,
        "state": {"waiting": w},
        "lastState": last or {},
    }


def terminated(
    name: str = "app",
    reason: str = "Completed",
    exit_code: int = 0,
    *,
    restarts: int = 0,
    signal: int | None = None,
    ready: bool = False,
) -> dict:
    t: dict[str, Any] = {"exitCode": exit_code, "startedAt": ts(1), "finishedAt": ts(5)}
    if reason:
        t["reason"] = reason
    if signal is not None:
        t["signal"] = signal
    return {
        "name": name,
        "image": f"example/{name}:1",
        "imageID": "",
        "ready": ready,
        "started": False,
        "restartCount": restarts,
        "state": {"terminated": t},
        "lastState": {},
    }


def last_terminated(reason: str = "Error", exit_code: int = 1, finished: float = 5.0) -> dict:
    return {
        "terminated": {
            "reason": reason,
            "exitCode": exit_code,
            "startedAt": ts(1),
            "finishedAt": ts(finished),
        }
    }


def cond(
    ctype: str, status: str = "True", reason: str = "", message: str = "", at: float = 0
) -> dict:
    c = {"type": ctype, "status": status, "lastProbeTime": None, "lastTransitionTime": ts(at)}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def ready_conditions(ready: bool = True, reason: str = "ContainersNotReady") -> list[dict]:
    if ready:
        return [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")]
    return [
        cond("Initialized"),
        cond("Ready", "False", reason, "containers with unready status: [app]"),
        cond("ContainersReady", "False", reason, "containers with unready status: [app]"),
        cond("PodScheduled"),
    ]


def pod(
    name: str = "web",
    namespace: str = "default",
    *,
    phase: str = "Running",
    containers: list[dict] | None = None,
    statuses: list[dict] | None = None,
    init: list[dict] | None = None,
    init_statuses: list[dict] | None = None,
    conditions: list[dict] | None = None,
    node: str = "node-1",
    ip: str = "10.0.0.5",
    labels: dict | None = None,
    tolerations: list[dict] | None = None,
    uid: str | None = None,
    **status_extra: Any,
) -> dict:
    spec: dict[str, Any] = {
        "containers": containers if containers is not None else [container()],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst",
        "tolerations": tolerations
        if tolerations is not None
        else [
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
        ],
    }
    if node:
        spec["nodeName"] = node
    if init is not None:
        spec["initContainers"] = init
    status: dict[str, Any] = {"phase": phase}
    if conditions is not None:
        status["conditions"] = conditions
    if statuses is not None:
        status["containerStatuses"] = statuses
    if init_statuses is not None:
        status["initContainerStatuses"] = init_statuses
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    status.update(status_extra)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": uid or f"uid-{namespace}-{name}",
            "resourceVersion": str(next(_rv)),
            "creationTimestamp": ts(0),
            "labels": labels or {},
        },
        "spec": spec,
        "status": status,
    }


def node(
    name: str = "node-1",
    *,
    ready: str = "True",
    taints: list[dict] | None = None,
    labels: dict | None = None,
    unschedulable: bool = False,
) -> dict:
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": f"uid-{name}",
            "resourceVersion": str(next(_rv)),
            "labels": {"kubernetes.io/hostname": name, **(labels or {})},
        },
        "spec": spec,
        "status": {
            "conditions": [
                {
                    "type": "MemoryPressure",
                    "status": "False",
                    "reason": "KubeletHasSufficientMemory",
                },
                {
                    "type": "Ready",
                    "status": ready,
                    "reason": "KubeletReady" if ready == "True" else "NodeStatusUnknown",
                    "lastTransitionTime": ts(0),
                },
            ],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}],
        },
    }


def event(
    name: str,
    pod_name: str,
    reason: str,
    message: str,
    *,
    count: int | None = 1,
    container: str | None = "app",
    namespace: str = "default",
    last: float = 0.0,
    etype: str = "Warning",
    uid: str | None = None,
    series: dict | None = None,
) -> dict:
    involved = {
        "kind": "Pod",
        "name": pod_name,
        "namespace": namespace,
        "uid": f"uid-{namespace}-{pod_name}",
        "apiVersion": "v1",
    }
    if container:
        involved["fieldPath"] = f"spec.containers{{{container}}}"
    ev: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": uid or f"uid-ev-{name}",
            "resourceVersion": str(next(_rv)),
            "creationTimestamp": ts(0),
        },
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": etype,
        "count": count,
        "firstTimestamp": ts(0),
        "lastTimestamp": ts(last),
        "source": {"component": "kubelet", "host": "node-1"},
    }
    if series is not None:
        ev["series"] = series
    return ev


def endpoints(
    svc: str,
    namespace: str = "default",
    *,
    ready: list[tuple[str, str]] = (),
    not_ready: list[tuple[str, str]] = (),
    port: int = 8080,
) -> dict:
    def addr(ip: str, pod_name: str) -> dict:
        return {
            "ip": ip,
            "nodeName": "node-1",
            "targetRef": {"kind": "Pod", "name": pod_name, "namespace": namespace},
        }

    subset: dict[str, Any] = {"ports": [{"port": port, "protocol": "TCP"}]}
    if ready:
        subset["addresses"] = [addr(ip, p) for ip, p in ready]
    if not_ready:
        subset["notReadyAddresses"] = [addr(ip, p) for ip, p in not_ready]
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": svc, "namespace": namespace, "resourceVersion": str(next(_rv))},
        "subsets": [subset] if (ready or not_ready) else [],
    }


def endpoint_slice(
    svc: str,
    name: str | None = None,
    namespace: str = "default",
    *,
    endpoints_: list[dict] = (),
    api: str = "discovery.k8s.io/v1",
) -> dict:
    return {
        "apiVersion": api,
        "kind": "EndpointSlice",
        "addressType": "IPv4",
        "metadata": {
            "name": name or f"{svc}-abcde",
            "namespace": namespace,
            "resourceVersion": str(next(_rv)),
            "labels": {"kubernetes.io/service-name": svc},
        },
        "endpoints": list(endpoints_),
        "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
    }


def slice_endpoint(
    ip: str,
    pod_name: str,
    *,
    ready: bool | None = True,
    serving: bool | None = None,
    terminating: bool | None = None,
    namespace: str = "default",
) -> dict:
    conditions = {}
    for k, v in (("ready", ready), ("serving", serving), ("terminating", terminating)):
        if v is not None:
            conditions[k] = v
    return {
        "addresses": [ip],
        "conditions": conditions,
        "nodeName": "node-1",
        "targetRef": {"kind": "Pod", "name": pod_name, "namespace": namespace},
    }


def service(name: str, namespace: str = "default", selector: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "resourceVersion": str(next(_rv))},
        "spec": {
            "selector": selector or {},
            "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    }


def feed(store: Store, *objects: dict, etype: str = "ADDED", at: float = 0.0) -> Store:
    for obj in objects:
        store.apply(WatchEvent(at, obj["kind"], etype, obj), T0 + at)
    return store
