"""The demo's pods, as their manifests would be written, plus how each container
behaves (which probes fail and with what output, when the process exits, why a pull
fails). story.py says when each is created and what then happens to it.
"""

from __future__ import annotations

from .objects import Container, PodDef, unreachable_for

KUBETM = "kubetm/app"
"""The sample app of the course the scenarios come from: HTTP on 8080."""

# Pods on worker-3 are the ones scenario 8 loses: they tolerate an unreachable
# node for 60 s instead of the default 300 s so that the eviction is in the demo.
LOST_NODE_TOLERATION = unreachable_for(60)

# 1. Readiness
POD1 = PodDef(
    "pod1",
    labels={"app": "readiness"},
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[Container("container", KUBETM, ports=[8080])],
)
READINESS_EXEC = PodDef(
    "pod-readiness-exec1",
    labels={"app": "readiness"},
    node="worker-1",
    grace=0,
    containers=[
        Container(
            "readiness",
            KUBETM,
            ports=[8080],
            probes={
                "readiness": {
                    "exec": {"command": ["cat", "/readiness/ready.txt"]},
                    "initialDelaySeconds": 5,
                    "periodSeconds": 10,
                    "successThreshold": 3,
                }
            },
            volume_mounts=[{"mountPath": "/readiness", "name": "host-path"}],
            failing={
                "readiness": "cat: can't open '/readiness/ready.txt': No such file or directory"
            },
        )
    ],
    volumes=[
        {"hostPath": {"path": "/tmp/readiness", "type": "DirectoryOrCreate"}, "name": "host-path"}
    ],
)

# 2. Liveness
POD2 = PodDef(
    "pod2",
    labels={"app": "liveness"},
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[Container("container", KUBETM, ports=[8080])],
)
LIVENESS_HTTPGET = PodDef(
    "pod-liveness-httpget1",
    labels={"app": "liveness"},
    node="worker-1",
    grace=0,
    containers=[
        Container(
            "liveness",
            KUBETM,
            ports=[8080],
            probes={
                "liveness": {
                    "httpGet": {"path": "/health", "port": 8080},
                    "initialDelaySeconds": 5,
                    "periodSeconds": 10,
                    "failureThreshold": 3,
                }
            },
        )
    ],
)

# 3. Startup probe: a slow starter; liveness and readiness wait for it.
REFUSED = 'Get "http://{ip}:8080{path}": dial tcp {ip}:8080: connect: connection refused'
STARTUP_SLOW = PodDef(
    "pod-startup-slow",
    labels={"app": "slow-start"},
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[
        Container(
            "app",
            KUBETM,
            ports=[8080],
            probes={
                "startup": {
                    "httpGet": {"path": "/started", "port": 8080},
                    "periodSeconds": 5,
                    "failureThreshold": 30,
                },
                "liveness": {"httpGet": {"path": "/health", "port": 8080}},
                "readiness": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
            },
            failing={"startup": REFUSED.replace("{path}", "/started")},
        )
    ],
)

# 4. Crash loop
FALSE_POD = PodDef(
    "false-pod",
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[
        Container(
            "false-pod-container", "busybox:1.36", command=["false"], exit_after=0.3, exit_code=1
        )
    ],
)

# 5. Jobs (bare pods with restartPolicy Never)
HELLO_WORLD = PodDef(
    "hello-world2",
    node="worker-1",
    restart_policy="Never",
    containers=[Container("hello-world-container", "hello-world", exit_after=0.4)],
)
JOB_FAILS = PodDef(
    "job-fails",
    node="worker-1",
    restart_policy="Never",
    containers=[
        Container(
            "worker",
            "busybox:1.36",
            command=["sh", "-c", "echo processing; sleep 4; exit 2"],
            exit_after=4.0,
            exit_code=2,
        )
    ],
)

# 6. Taints
WITHOUT_TOLERATION = PodDef(
    "pod-without-toleration",
    node="worker-1",
    grace=0,
    node_selector={"gpu": "no1"},
    containers=[Container("container", KUBETM)],
)
WITH_TOLERATION = PodDef(
    "pod-with-toleration",
    node="worker-1",
    grace=0,
    node_selector={"gpu": "no1"},
    tolerations=[{"effect": "NoSchedule", "key": "hw", "operator": "Equal", "value": "gpu"}],
    containers=[Container("container", KUBETM)],
)
WITH_NO_EXECUTE = PodDef(
    "pod1-with-no-execute",
    node="worker-2",
    grace=0,
    node_selector={"zone": "b"},
    tolerations=[
        {
            "effect": "NoExecute",
            "key": "out-of-disk",
            "operator": "Equal",
            "tolerationSeconds": 30,
            "value": "True",
        }
    ],
    containers=[Container("container", KUBETM)],
)
WITHOUT_NO_EXECUTE = PodDef(
    "pod2-without-no-execute",
    node="worker-2",
    grace=0,
    node_selector={"zone": "b"},
    containers=[Container("container", KUBETM)],
)

# 7. QoS classes
QOS_GUARANTEED = PodDef(
    "qos-guaranteed",
    node="worker-1",
    containers=[
        Container(
            "app",
            "nginx:1.25",
            resources={
                "limits": {"cpu": "700m", "memory": "200Mi"},
                "requests": {"cpu": "700m", "memory": "200Mi"},
            },
        )
    ],
)
QOS_BURSTABLE = PodDef(
    "qos-burstable",
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[
        Container(
            "app",
            "nginx:1.25",
            resources={"limits": {"memory": "200Mi"}, "requests": {"memory": "100Mi"}},
        )
    ],
)
QOS_BESTEFFORT = PodDef(
    "qos-besteffort", node="worker-1", containers=[Container("app", "nginx:1.25")]
)

# An image that does not exist.
NOPE = "registry.invalid/nope:latest"
IMAGE_PULL = PodDef(
    "pod-imagepull",
    node="worker-2",
    containers=[
        Container(
            "app",
            NOPE,
            pull_error=(
                f'rpc error: code = Unknown desc = failed to pull and unpack image "{NOPE}": '
                f'failed to resolve reference "{NOPE}": failed to do request: Head '
                '"https://registry.invalid/v2/nope/manifests/latest": dial tcp: lookup '
                "registry.invalid on 172.18.0.1:53: no such host"
            ),
        )
    ],
)

PULL_SECONDS = {KUBETM: 2.4, "busybox:1.36": 1.9, "hello-world": 1.6, "nginx:1.25": 2.2, NOPE: 2.5}
"""How long a pull of each image takes."""
