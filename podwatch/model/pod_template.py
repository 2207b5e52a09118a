"""A pod as most pods look, for the packed pods' compression dictionary (`model/packed`).

Deflate with a preset dictionary finds its repeated strings (`containerStatuses`,
`lastTransitionTime`, the default tolerations...) in the dictionary instead of spelling
them out: a quiet pod's state shrinks about four times. The dictionary is made from this
one object, written by hand from what the API server returns, so that it is the same in
every run and every process (a pod squeezed with one dictionary reads back only with it).
"""

from __future__ import annotations

_CONDITION_TIME = "2026-01-01T00:00:00Z"


def _condition(kind: str, status: str = "True", **extra: str) -> dict:
    return {
        "lastProbeTime": None,
        "lastTransitionTime": _CONDITION_TIME,
        **extra,
        "status": status,
        "type": kind,
    }


def _probe(kind: str) -> dict:
    return {
        "failureThreshold": 3,
        kind: {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
        "initialDelaySeconds": 10,
        "periodSeconds": 10,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    }


TEMPLATE_STATE: dict = {
    "spec": {
        "containers": [
            {
                "image": "registry.k8s.io/app:v1",
                "livenessProbe": _probe("httpGet"),
                "name": "app",
                "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                "readinessProbe": _probe("httpGet"),
                "resources": {
                    "limits": {"cpu": "500m", "memory": "512Mi"},
                    "requests": {"cpu": "100m", "memory": "128Mi"},
                },
                "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}},
            }
        ],
        "nodeName": "node-1",
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "priorityClassName": "",
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "tolerations": [
            {
                "effect": "NoExecute",
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "tolerationSeconds": 300,
            },
            {
                "effect": "NoExecute",
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "tolerationSeconds": 300,
            },
        ],
    },
    "status": {
        "conditions": [
            _condition("PodReadyToStartContainers"),
            _condition("Initialized"),
            _condition(
                "Ready",
                "False",
                message="containers with unready status: [app]",
                reason="ContainersNotReady",
            ),
            _condition(
                "ContainersReady",
                "False",
                message="containers with unready status: [app]",
                reason="ContainersNotReady",
            ),
            _condition("PodScheduled"),
        ],
        "containerStatuses": [
            {
                "image": "registry.k8s.io/app:v1",
                "lastState": {
                    "terminated": {
                        "exitCode": 137,
                        "finishedAt": _CONDITION_TIME,
                        "reason": "Error",
                        "startedAt": _CONDITION_TIME,
                    }
                },
                "name": "app",
                "ready": True,
                "restartCount": 1,
                "started": True,
                "state": {
                    "waiting": {
                        "message": "back-off 5m0s restarting failed container=app pod=",
                        "reason": "CrashLoopBackOff",
                    },
                    "running": {"startedAt": _CONDITION_TIME},
                },
            }
        ],
        "phase": "Running",
        "podIP": "10.244.0.1",
        "qosClass": "Burstable",
    },
}
"""Spec and status as `store.slim` keeps them: the fields, in the API server's order."""
