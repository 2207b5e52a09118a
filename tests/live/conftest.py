"""Fixtures for tests against the API server double, through the real client path."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from podwatch.kube.config import connect
from podwatch.kube.listwatch import WatchSettings
from podwatch.kube.source import LiveSource
from tests.apiserver import ApiServerDouble

FAST = WatchSettings(
    watch_timeout=(5, 8),
    connect_timeout=2.0,
    read_timeout=3.0,
    list_timeout=5.0,
    base_backoff=0.05,
    max_backoff=0.5,
    forbidden_retry=0.5,
    unavailable_retry=0.5,
)
"""Short timeouts and back-offs so failure paths run in test time."""


@pytest.fixture
def kubeconfig(double, tmp_path):
    return double.write_kubeconfig(tmp_path / "kubeconfig", namespace="default")


@pytest.fixture
def live(kubeconfig) -> Iterator[Callable[..., LiveSource]]:
    """Factory: a started LiveSource on the double; stopped at the end of the test."""
    sources: list[LiveSource] = []

    def make(
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        label_selector: str = "",
        field_selector: str = "",
        settings: WatchSettings = FAST,
        **kw,
    ) -> LiveSource:
        cluster, scope = connect(
            kubeconfig=str(kubeconfig),
            namespace=namespace,
            all_namespaces=all_namespaces,
            label_selector=label_selector,
            field_selector=field_selector,
        )
        source = LiveSource(cluster, scope, settings=settings, **kw).start()
        sources.append(source)
        return source

    yield make
    for source in sources:
        started = time.monotonic()
        source.stop()
        assert time.monotonic() - started < 5, "stopping must never hang"
        source.cluster.close()


def pump(source: LiveSource, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll the source until `predicate()` holds; bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        source.poll()
        if predicate():
            return True
        time.sleep(0.02)
    source.poll()
    return predicate()


def pod_obj(
    name: str,
    namespace: str = "default",
    *,
    labels: dict | None = None,
    phase: str = "Running",
    ready: bool = True,
    node: str = "node-1",
    ip: str = "10.0.0.1",
) -> dict:
    status = "True" if ready else "False"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "web"}},
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": "app",
                    "image": "nginx",
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                }
            ],
        },
        "status": {
            "phase": phase,
            "podIP": ip,
            "conditions": [
                {"type": "Ready", "status": status},
                {"type": "ContainersReady", "status": status},
            ],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": ready,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}},
                }
            ],
        },
    }


def store_truth(source: LiveSource, kind_table: str = "pods") -> dict:
    """The store's objects as {(ns, name): resourceVersion}."""
    table = getattr(source.store, kind_table)
    return {k: v["metadata"].get("resourceVersion") for k, v in table.items()}


def server_truth(double: ApiServerDouble, kind: str = "Pod", namespace: str | None = None) -> dict:
    return {
        (o["metadata"].get("namespace", ""), o["metadata"]["name"]): o["metadata"][
            "resourceVersion"
        ]
        for o in double.objects(kind, namespace)
    }


def seed_web_service(double: ApiServerDouble) -> None:
    """Pod web-1 (10.0.0.1), Service web selecting it, Endpoints listing it ready."""
    from tests.factories import endpoints, service

    double.create(pod_obj("web-1", ip="10.0.0.1"))
    double.create(service("web", selector={"app": "web"}))
    double.create(endpoints("web", ready=[("10.0.0.1", "web-1")]))
