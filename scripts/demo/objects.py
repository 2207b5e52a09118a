"""The Kubernetes objects of the demo, as the API server stores them: every default
filled in, names, uids and timestamps derived from the recording's frame (namespace
`demo`, t=0 at 2026-11-22T09:00:00Z) so that every run writes the same bytes.

Shapes follow a real capture of a Kubernetes 1.19 control plane (`kubectl get
--watch --output-watch-events -o json`), except EndpointSlices, which use the
current `discovery.k8s.io/v1` shape (`nodeName`, `serving`, `terminating`).
"""

from __future__ import annotations

import copy
import hashlib
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

NAMESPACE = "demo"
STARTED = int(datetime(2026, 11, 22, 9, 0, 0, tzinfo=UTC).timestamp())
"""t=0 of the recording, as epoch seconds (2026-11-22T09:00:00Z)."""
UID_NAMESPACE = uuid.UUID("0c8a4b8e-6f0e-4d0c-9a57-64e0f1b2c3d4")
TOKEN_VOLUME = "default-token-x7k2p"


# =========================================================================== manifests


@dataclass
class Container:
    """A container as written in a manifest, plus how its process behaves."""

    name: str
    image: str
    command: list[str] | None = None
    ports: list[int] = field(default_factory=list)
    probes: dict[str, dict] = field(default_factory=dict)
    """Probe kind (startup, readiness, liveness) -> the probe as written in YAML."""
    resources: dict = field(default_factory=dict)
    volume_mounts: list[dict] = field(default_factory=list)
    # ---- behaviour (what the kubelet will observe), not part of the manifest
    failing: dict[str, str] = field(default_factory=dict)
    """Probe kind -> the probe's output while it fails; `{ip}` is the pod IP."""
    exit_after: float | None = None
    """Seconds the process runs before it exits; None: it keeps running."""
    exit_code: int = 0
    pull_error: str | None = None
    """Why every pull of the image fails (the image does not exist)."""


@dataclass
class PodDef:
    name: str
    containers: list[Container]
    labels: dict[str, str] = field(default_factory=dict)
    node: str | None = None
    """Where the scheduler puts the pod among the nodes that fit (checked)."""
    node_selector: dict[str, str] = field(default_factory=dict)
    tolerations: list[dict] = field(default_factory=list)
    restart_policy: str = "Always"
    grace: int = 30
    """terminationGracePeriodSeconds."""
    volumes: list[dict] = field(default_factory=list)


def unreachable_for(seconds: int) -> dict:
    """Tolerate a node that stopped reporting for `seconds` (the API default is 300)."""
    return {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "tolerationSeconds": seconds,
    }


# =========================================================================== helpers


def ts(t: float) -> str:
    """RFC 3339 with seconds, as most API timestamps are."""
    return datetime.fromtimestamp(STARTED + math.floor(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_ts(t: float) -> str:
    """RFC 3339 with microseconds (MicroTime: eventTime, series.lastObservedTime)."""
    us = STARTED * 1_000_000 + round(t * 1_000_000)
    seconds, frac = divmod(us, 1_000_000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:06d}Z"


def make_uid(*parts: str) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, "/".join(parts)))


def digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def canonical(value: Any) -> Any:
    """A deep copy with every dict's keys sorted, as kubectl prints them."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def go_duration(seconds: float) -> str:
    """Go's time.Duration text: 10s, 1m20s, 5m0s."""
    s = int(seconds)
    return f"{s // 60}m{s % 60}s" if s >= 60 else f"{s}s"


def pull_policy(image: str) -> str:
    """API default: Always for :latest or no tag, else IfNotPresent."""
    tail = image.rsplit("/", 1)[-1]
    return "Always" if ":" not in tail or tail.endswith(":latest") else "IfNotPresent"


def image_names(image: str) -> tuple[str, str]:
    """(status.image, status.imageID) as containerd reports them."""
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first):
        full = image
    elif "/" in image:
        full = f"docker.io/{image}"
    else:
        full = f"docker.io/library/{image}"
    if ":" not in full.rsplit("/", 1)[-1]:
        full += ":latest"
    repo = full.rsplit(":", 1)[0]
    return full, f"{repo}@sha256:{digest('image', full)}"


def defaulted_probe(probe: dict) -> dict:
    """The probe as the API server stores it (initialDelaySeconds 0 is omitted)."""
    out = copy.deepcopy(probe)
    for name, default in (
        ("failureThreshold", 3),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("timeoutSeconds", 1),
    ):
        out.setdefault(name, default)
    if "httpGet" in out:
        out["httpGet"].setdefault("scheme", "HTTP")
    return out


def qos_class(pod: PodDef) -> str:
    resources = [c.resources for c in pod.containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        req, lim = r.get("requests", {}), r.get("limits", {})
        for name in ("cpu", "memory"):
            if name not in lim or req.get(name, lim[name]) != lim[name]:
                return "Burstable"
    return "Guaranteed"


# =========================================================================== Nodes


def node_object(
    name: str, index: int, labels: dict[str, str], ip: str, cidr: str, last_beat: float
) -> dict:
    """The `index`th node of a kind-like cluster (created three days before t=0), with
    its last heartbeat at `last_beat` seconds."""
    created = -3 * 86400 - 4000 + 17 * index

    def condition(type_: str, status: str, reason: str, message: str) -> dict:
        return {
            "lastHeartbeatTime": ts(last_beat),
            "lastTransitionTime": ts(created + 32),
            "message": message,
            "reason": reason,
            "status": status,
            "type": type_,
        }

    boot = digest("boot", name)
    machine = digest("machine", name)[:32]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": ts(created),
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                **labels,
            },
            "name": name,
            "selfLink": f"/api/v1/nodes/{name}",
            "uid": make_uid("node", name),
        },
        "spec": {"podCIDR": f"{cidr}.0/24", "podCIDRs": [f"{cidr}.0/24"]},
        "status": {
            "addresses": [
                {"address": ip, "type": "InternalIP"},
                {"address": name, "type": "Hostname"},
            ],
            "allocatable": {
                "cpu": "4",
                "ephemeral-storage": "93492209510",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16291492Ki",
                "pods": "110",
            },
            "capacity": {
                "cpu": "4",
                "ephemeral-storage": "101445540Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16393892Ki",
                "pods": "110",
            },
            "conditions": [
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": str(uuid.UUID(boot[:32])),
                "containerRuntimeVersion": "containerd://1.4.12",
                "kernelVersion": "5.4.0-135-generic",
                "kubeProxyVersion": "v1.19.16",
                "kubeletVersion": "v1.19.16",
                "machineID": machine,
                "operatingSystem": "linux",
                "osImage": "Ubuntu 20.04.5 LTS",
                "systemUUID": str(uuid.UUID(machine)).upper(),
            },
        },
    }


# =========================================================================== Services


def service_objects(
    name: str, selector: dict[str, str], port: int, now: float
) -> tuple[dict, dict, dict]:
    """A ClusterIP Service created at `now`, and the Endpoints and EndpointSlice (with
    no addresses yet) its controllers create for it."""
    uid = make_uid("service", name)
    meta = {
        "creationTimestamp": ts(now),
        "namespace": NAMESPACE,
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            **meta,
            "name": name,
            "selfLink": f"/api/v1/namespaces/{NAMESPACE}/services/{name}",
            "uid": uid,
        },
        "spec": {
            "clusterIP": f"10.96.{int(digest('ip', name)[:2], 16)}.{int(digest('ip', name)[2:4], 16)}",
            "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
            "selector": dict(selector),
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }
    trigger = {"endpoints.kubernetes.io/last-change-trigger-time": ts(now)}
    suffix = "".join("bcdfghjklmnpqrstvwxz2456789"[int(ch, 16)] for ch in digest("slice", name)[:5])
    slice_name = f"{name}-{suffix}"
    endpoint_slice = {
        "addressType": "IPv4",
        "apiVersion": "discovery.k8s.io/v1",
        "endpoints": None,
        "kind": "EndpointSlice",
        "metadata": {
            **meta,
            "annotations": dict(trigger),
            "generateName": f"{name}-",
            "generation": 1,
            "labels": {
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                "kubernetes.io/service-name": name,
            },
            "name": slice_name,
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "blockOwnerDeletion": True,
                    "controller": True,
                    "kind": "Service",
                    "name": name,
                    "uid": uid,
                }
            ],
            "selfLink": f"/apis/discovery.k8s.io/v1/namespaces/{NAMESPACE}/endpointslices/{slice_name}",
            "uid": make_uid("endpointslice", slice_name),
        },
        "ports": None,
    }
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {
            **meta,
            "annotations": dict(trigger),
            "name": name,
            "selfLink": f"/api/v1/namespaces/{NAMESPACE}/endpoints/{name}",
            "uid": make_uid("endpoints", name),
        },
    }
    return service, endpoints, endpoint_slice


# =========================================================================== Pods


def pod_object(d: PodDef, now: float) -> dict:
    """The pod as the API server stores it: the manifest plus every default."""
    token_mount = {
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        "name": TOKEN_VOLUME,
        "readOnly": True,
    }
    containers = []
    for c in d.containers:
        spec: dict[str, Any] = {
            "image": c.image,
            "imagePullPolicy": pull_policy(c.image),
            "name": c.name,
            "resources": copy.deepcopy(c.resources),
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [*copy.deepcopy(c.volume_mounts), token_mount],
        }
        if c.command:
            spec["command"] = list(c.command)
        if c.ports:
            spec["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in c.ports]
        for kind, probe in c.probes.items():
            spec[f"{kind}Probe"] = defaulted_probe(probe)
        containers.append(spec)
    tolerations = copy.deepcopy(d.tolerations)
    # The DefaultTolerationSeconds admission plugin.
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(
            t.get("key") == key and t.get("effect") in (None, "NoExecute") for t in tolerations
        ):
            tolerations.append(
                {"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}
            )
    spec = {
        "containers": containers,
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "restartPolicy": d.restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": "default",
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": d.grace,
        "tolerations": tolerations,
        "volumes": [
            *copy.deepcopy(d.volumes),
            {"name": TOKEN_VOLUME, "secret": {"defaultMode": 420, "secretName": TOKEN_VOLUME}},
        ],
    }
    if d.node_selector:
        spec["nodeSelector"] = dict(d.node_selector)
    metadata: dict[str, Any] = {
        "creationTimestamp": ts(now),
        "name": d.name,
        "namespace": NAMESPACE,
        "selfLink": f"/api/v1/namespaces/{NAMESPACE}/pods/{d.name}",
        "uid": make_uid("pod", d.name),
    }
    if d.labels:
        metadata["labels"] = dict(d.labels)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": {}}


# =========================================================================== Events


def event_object(name: str, now: float, **fields: Any) -> dict:
    """A core/v1 Event named `name`, created at `now`, with `fields` (reason, message,
    involvedObject, source, ...)."""
    ev = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "creationTimestamp": ts(now),
            "name": name,
            "namespace": NAMESPACE,
            "selfLink": f"/api/v1/namespaces/{NAMESPACE}/events/{name}",
            "uid": make_uid("event", name),
        },
        "reportingComponent": "",
        "reportingInstance": "",
    }
    ev.update(fields)
    return ev
