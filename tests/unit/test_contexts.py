"""Several contexts (issue 16), below the command line: which contexts `--context a,b`
and `--all-contexts` name, each context's events in a store of its own, and a
recording line's context read defensively."""

from __future__ import annotations

import json

import pytest

from podwatch.kube.config import ConfigError, connect_each, context_names
from podwatch.model.contexts import StoresByContext, recorded_contexts
from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent, relist_marker
from podwatch.recording import read_recording
from podwatch.recording.format import RecordingError
from podwatch.recording.writer import RecordingWriter
from tests.factories import (
    T0,
    endpoint_slice,
    endpoints,
    event,
    node,
    pod,
    ready_conditions,
    running,
    service,
    slice_endpoint,
)
from tests.live.conftest import pod_obj
from tests.unit.test_kube_config import ctx, env, kubeconfig


def test_context_names_one_several_all_and_unknown(tmp_path) -> None:
    path = str(
        kubeconfig(
            tmp_path / "kc",
            contexts=[ctx("prod"), ctx("staging"), ctx("eu,west")],
            current="prod",
        )
    )
    assert context_names(path, None, False) is None  # the current one, as before
    assert context_names(path, "staging", False) is None  # one, as before
    assert context_names(path, "eu,west", False) is None  # a name with a comma is one
    assert context_names(path, "staging, prod,staging", False) == ["staging", "prod"]
    assert context_names(path, None, True) == ["prod", "staging", "eu,west"]
    with pytest.raises(ConfigError, match=r"context 'qa' not found .* \(have: prod, staging"):
        context_names(path, "prod,qa", False)


def test_several_contexts_need_a_kubeconfig(tmp_path) -> None:
    with pytest.raises(ConfigError, match="--all-contexts reads the kubeconfig"):
        context_names(str(tmp_path / "missing"), None, True)


def test_a_context_whose_configuration_fails_is_a_member_with_its_error(tmp_path) -> None:
    path = kubeconfig(
        tmp_path / "kc",
        contexts=[ctx("good", "team-a"), ctx("broken", cluster="nowhere")],
        current="good",
    )
    good, broken = connect_each(["good", "broken"], kubeconfig=str(path), environ=env())
    assert good.cluster is not None and good.scope.namespace == "team-a" and not good.error
    assert broken.cluster is None and broken.scope is None
    assert "broken" in broken.error or "nowhere" in broken.error
    good.cluster.close()


def test_each_contexts_events_go_to_its_own_store() -> None:
    stores = StoresByContext(Store, 1000.0, ["east", "west"])
    events = [
        WatchEvent(0.1, "Pod", "ADDED", pod_obj("web-0"), "east"),
        WatchEvent(0.2, "Pod", "ADDED", pod_obj("web-0", ready=False), "west"),
        WatchEvent(0.3, "Pod", "ADDED", pod_obj("api-1"), "west"),
    ]
    changes = stores.apply_all(events, 1000.0)
    assert set(changes) == {"east", "west"}
    assert changes["west"].pods == {("default", "web-0"), ("default", "api-1")}
    east, west = stores.store("east"), stores.store("west")
    assert set(east.pods) == {("default", "web-0")}
    assert east.is_ready(("default", "web-0")) and not west.is_ready(("default", "web-0"))
    stores.advance(2000.0)
    assert east.now == west.now == 2000.0
    assert [name for name, _store in stores] == ["east", "west"]


def test_recorded_contexts_reads_the_header_defensively() -> None:
    assert recorded_contexts({"contexts": ["a", "b"]}) == ["a", "b"]
    assert recorded_contexts({"context": "a"}) is None
    assert recorded_contexts({"contexts": "a,b"}) is None
    assert recorded_contexts({"contexts": [1, "", "b"]}) == ["b"]
    assert recorded_contexts({"contexts": []}) is None


def test_a_recording_keeps_each_events_context(tmp_path) -> None:
    path = tmp_path / "two.jsonl"
    with RecordingWriter(path, started=1000.0, header={"contexts": ["east", "west"]}) as w:
        w.write(WatchEvent(0.1, "Pod", "ADDED", pod_obj("web-0"), "east"))
        w.write(WatchEvent(0.2, "Pod", "ADDED", pod_obj("web-0"), "west"))
        w.write(WatchEvent(0.3, "Pod", "ADDED", pod_obj("solo")))  # one context: none said
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line.get("context") for line in lines[1:]] == ["east", "west", None]
    recording = read_recording(str(path))
    assert [e.context for e in recording.events] == ["east", "west", ""]


@pytest.mark.parametrize("context", [7, ["east"], "x" * 254])
def test_a_line_with_a_context_that_is_not_a_name_is_refused(tmp_path, context) -> None:
    path = tmp_path / "bad.jsonl"
    with RecordingWriter(path, started=1000.0) as w:
        w.write(WatchEvent(0.1, "Pod", "ADDED", pod_obj("web-0"), "east"))
    line = json.loads(path.read_text().splitlines()[1])
    line["context"] = context
    path.write_text(path.read_text().splitlines()[0] + "\n" + json.dumps(line) + "\n")
    with pytest.raises(RecordingError, match="jsonl:2: event 'context' is not a name"):
        read_recording(str(path))


# --------------------------------------------------------------------------- one store


def apply_scoped(store: Store, context: str, *objects: dict, etype: str = "ADDED") -> None:
    from podwatch.model.contexts import scoped

    for obj in objects:
        store.apply(scoped(WatchEvent(0.0, obj["kind"], etype, obj), context), T0)


def test_two_clusters_in_one_store_keep_their_pods_nodes_services_and_events_apart() -> None:
    from podwatch.model.view import pod_detail

    store = Store()
    taint = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    for context, ready in (("east", True), ("west", False)):
        apply_scoped(
            store,
            context,
            node("node-1", taints=[taint] if context == "west" else None),
            pod(
                labels={"app": "web"},
                statuses=[running(ready=ready)],
                conditions=ready_conditions(ready),
            ),
            service("svc", selector={"app": "web"}),
            endpoints("svc", **({"ready": [("10.0.0.5", "web")]} if ready else {})),
        )
    apply_scoped(store, "west", event("e1", "web", "Unhealthy", "Readiness probe failed"))
    east, west = ("east/default", "web"), ("west/default", "web")
    assert set(store.pods) == {east, west}
    assert set(store.nodes) == {"east/node-1", "west/node-1"}
    assert store.is_ready(east) and not store.is_ready(west)
    e, w = pod_detail(store, east), pod_detail(store, west)
    assert [m.state for m in e.memberships] == ["ready"]  # east's Endpoints list east's pod
    assert [m.state for m in w.memberships] == ["selected, not listed"]  # west's lists none
    assert e.summary.node == "east/node-1" and w.summary.node == "west/node-1"
    assert [ev.reason for ev in store.pod_events(west)] == ["Unhealthy"]
    assert store.pod_events(east) == []
    assert store.pods_on_node("west/node-1") == {west}


def test_a_relist_of_one_cluster_leaves_the_others_objects() -> None:
    from podwatch.model.contexts import scoped

    store = Store()
    for context in ("east", "west"):
        apply_scoped(store, context, node("node-1"), pod("web"), pod("api", ip="10.0.0.6"))
    # east lists again: its api pod and its node are gone; west's are not touched
    for kind, keys in (("Pod", [("default", "web")]), ("Node", [])):
        store.apply(scoped(relist_marker(1.0, kind, keys), "east"), T0 + 1)
    assert set(store.pods) == {
        ("east/default", "web"),
        ("west/default", "web"),
        ("west/default", "api"),
    }
    assert set(store.nodes) == {"west/node-1"}


def test_scoped_copies_and_never_changes_the_object() -> None:
    import copy

    from podwatch.model.contexts import scoped

    objects = [
        pod(),
        node(),
        event("e1", "web", "BackOff", "m"),
        endpoints("svc", ready=[("10.0.0.5", "web")]),
        endpoint_slice("svc", endpoints_=[slice_endpoint("10.0.0.5", "web")]),
        {"kind": "Pod", "metadata": "not a dict", "spec": ["odd"]},
    ]
    for obj in objects:
        before = copy.deepcopy(obj)
        scoped(WatchEvent(0.0, obj["kind"], "ADDED", obj), "east")
        assert obj == before


def test_split_scoped_takes_the_longest_context_that_begins_the_name() -> None:
    from podwatch.model.contexts import split_scoped

    arn = "arn:aws:eks:eu-west-1:1:cluster/prod"
    contexts = ["arn:aws:eks:eu-west-1:1:cluster", arn, "east"]
    assert split_scoped(f"{arn}/default", contexts) == (arn, "default")
    assert split_scoped("east/kube-system", contexts) == ("east", "kube-system")
    assert split_scoped("default", contexts) == ("", "default")
    assert split_scoped("eastern/x", contexts) == ("", "eastern/x")
