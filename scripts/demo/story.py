"""The demo's story: what a person or the world does, and when (seconds into the
recording). The pods are in pods.py; simulator.py turns each line into the watch
events a real control plane would send.
"""

from __future__ import annotations

from . import pods
from .simulator import (
    Step,
    at,
    create_pod,
    create_service,
    kubelet_stops,
    list_nodes,
    liveness_fails,
    readiness_passes,
    startup_passes,
    taint,
    untaint,
)

END = 450.0
"""Seconds of recording; nothing happens after this."""

NODES = {
    # name: (extra labels, InternalIP, pod CIDR prefix, seconds into a minute of its heartbeat)
    "worker-1": ({"gpu": "no1"}, "172.18.0.3", "10.244.1", 25.0),
    "worker-2": ({"zone": "b"}, "172.18.0.4", "10.244.2", 27.0),
    "worker-3": ({}, "172.18.0.5", "10.244.3", 29.0),
}


def scenario() -> list[tuple[float, Step]]:
    """The eight reference scenarios of SPEC section 5, and an image that cannot be pulled."""
    return [
        at(0, list_nodes(NODES)),
        # 1. Readiness: the probe fails until the file appears on the host path.
        at(2, create_service("svc-readiness", selector={"app": "readiness"})),
        at(3, create_pod(pods.POD1)),
        at(3.2, create_pod(pods.READINESS_EXEC)),
        at(45, readiness_passes("pod-readiness-exec1")),  # ready.txt appears on the host
        # 2. Liveness: /health starts answering 500; three failures, kill, restart.
        at(80, create_service("svc-liveness", selector={"app": "liveness"})),
        at(81, create_pod(pods.POD2)),
        at(81.2, create_pod(pods.LIVENESS_HTTPGET)),
        at(95, liveness_fails("pod-liveness-httpget1", "HTTP probe failed with statuscode: 500")),
        # 3. Startup probe: the app needs ~40 s before /started answers.
        at(130, create_pod(pods.STARTUP_SLOW)),
        at(170, startup_passes("pod-startup-slow")),
        # 4, 5, 7 and a bad image: one `kubectl apply -f` of a directory.
        at(140, create_pod(pods.FALSE_POD)),
        at(140.1, create_pod(pods.HELLO_WORLD)),
        at(140.2, create_pod(pods.JOB_FAILS)),
        at(140.3, create_pod(pods.QOS_GUARANTEED)),
        at(140.4, create_pod(pods.QOS_BURSTABLE)),
        at(140.5, create_pod(pods.QOS_BESTEFFORT)),
        at(140.6, create_pod(pods.IMAGE_PULL)),
        # 6. Taints: NoSchedule on worker-1, then NoExecute on worker-2.
        at(185, taint("worker-1", "hw", "gpu", "NoSchedule")),
        at(190, create_pod(pods.WITHOUT_TOLERATION)),
        at(190.2, create_pod(pods.WITH_TOLERATION)),
        at(200, create_pod(pods.WITH_NO_EXECUTE)),
        at(200.2, create_pod(pods.WITHOUT_NO_EXECUTE)),
        at(215, taint("worker-2", "out-of-disk", "True", "NoExecute")),
        at(264, untaint("worker-1", "hw", "NoSchedule")),
        at(266, untaint("worker-2", "out-of-disk", "NoExecute")),
        # 8. worker-3's kubelet dies; 40 s later the node lifecycle controller notices.
        at(335, kubelet_stops("worker-3")),
    ]
