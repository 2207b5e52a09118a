"""Pods decoded typed (codec.decode_pod_list / decode_pod_event) are exactly what the
generic decoder gives once managedFields are stripped, and decoded slim
(decode_slim_*) exactly what the store keeps of it: on real captures, on every
watch event type, and on broken or hostile shapes, which fall back to the generic
decoder."""

from __future__ import annotations

import json

import pytest

from podwatch import codec
from podwatch.model.k8s import LAST_APPLIED, strip_metadata
from podwatch.model.slim import slim
from tests.recordings import recordings_dir


def generic_stripped(data: bytes):
    value = codec.decode(data)
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        value["items"] = [strip_metadata(i) if isinstance(i, dict) else i for i in value["items"]]
    if (
        isinstance(value, dict)
        and isinstance(value.get("object"), dict)
        and value.get("type") != "ERROR"
    ):
        value["object"] = strip_metadata(value["object"])
    return value


def real_pods() -> list[dict]:
    pods = []
    for path in sorted((recordings_dir() / "real-objects").glob("pod*.json")):
        value = json.loads(path.read_text())
        pods += value["items"] if value.get("kind", "").endswith("List") else [value]
    assert len(pods) > 20
    return pods


def test_a_page_of_real_pods():
    pods = real_pods()
    assert any(p["metadata"].get("managedFields") for p in pods)
    page = json.dumps(
        {
            "kind": "PodList",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": "7", "continue": "x"},
            "items": pods,
        }
    ).encode()
    typed = codec.decode_pod_list(page)
    assert typed == generic_stripped(page)
    assert all("managedFields" not in p["metadata"] for p in typed["items"])


@pytest.mark.parametrize("etype", ["ADDED", "MODIFIED", "DELETED", "BOOKMARK"])
def test_watch_lines_of_real_pods(etype):
    for pod in real_pods():
        line = json.dumps({"type": etype, "object": pod}).encode()
        assert codec.decode_pod_event(line) == generic_stripped(line)
    bookmark = b'{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12"}}}'
    assert codec.decode_pod_event(bookmark) == codec.decode(bookmark)


@pytest.mark.parametrize(
    "data",
    [
        b'{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}',
        b'{"type":"ADDED","object":{"metadata":[]}}',
        b'{"type":"ADDED","object":"not an object"}',
        b'{"type":5,"object":{}}',
        b'{"object":{}}',
        b'{"type":"ADDED","object":{"metadata":{"name":5,"labels":"x"},"spec":null}}',
        b'{"type":"MODIFIED","object":{"metadata":null}}',
        b'{"type":"ADDED","object":{}}',
        b'{"type":"ADDED","object":{"metadata":{"name":"a","futureField":1},"future":{}}}',
        b'{"type":"ADDED","object":{"metadata":{"name":"a","futureField":1}}}',
        b'{"type":"ADDED","object":{"metadata":{"name":"a"},"future":{}}}',
        b'{"type":"ADDED","object":{"metadata":{"name":"a"}},"future":1}',
    ],
)
def test_broken_or_hostile_lines_decode_as_before(data):
    assert codec.decode_pod_event(data) == generic_stripped(data)


@pytest.mark.parametrize(
    "data",
    [
        b'{"kind":"PodList","items":null}',
        b'{"kind":"PodList"}',
        b'{"kind":"PodList","items":[1,"x",null]}',
        b'{"kind":"PodList","items":[{"metadata":{"name":"a","managedFields":[{"manager":"m"}]}}]}',
        b"[]",
        b'{"kind":"Status","code":403}',
        b'{"kind":"PodList","items":[{"metadata":{"name":"a","futureField":{"x":1}},"future":2}]}',
        b'{"kind":"PodList","items":[{"metadata":{"name":"a","futureField":{"x":1}}}]}',
        b'{"kind":"PodList","items":[{"metadata":{"name":"a"},"future":2}]}',
        b'{"kind":"PodList","metadata":{},"items":[],"future":1}',
    ],
)
def test_broken_or_hostile_pages_decode_as_before(data):
    assert codec.decode_pod_list(data) == generic_stripped(data)


def test_invalid_json_raises_the_same_error():
    for decode in (codec.decode_pod_list, codec.decode_pod_event):
        with pytest.raises(codec.DecodeError):
            decode(b'{"items": [')


# --------------------------------------------------------------------------- slim
# Decoded into the store's shape (codec.decode_slim_*), a pod is exactly what the store
# would have made of the generic decoding (`slim`), and the store finds nothing left to
# drop in it.


def store_shape(value):
    return slim("Pod", value) if isinstance(value, dict) else value


def test_a_page_of_real_pods_decoded_slim():
    pods = real_pods()
    page = json.dumps(
        {"kind": "PodList", "metadata": {"resourceVersion": "7", "continue": "x"}, "items": pods}
    ).encode()
    typed = codec.decode_slim_pod_list(page)
    generic = generic_stripped(page)
    assert typed["metadata"] == generic["metadata"]
    assert typed["items"] == [store_shape(p) for p in generic["items"]]
    for pod in typed["items"]:
        assert slim("Pod", pod) is pod
    # what it leaves out is real: these pods hold env, volumes and image IDs
    assert any("volumes" in p["spec"] for p in generic["items"])
    assert not any("volumes" in p["spec"] for p in typed["items"])


@pytest.mark.parametrize("etype", ["ADDED", "MODIFIED", "DELETED"])
def test_watch_lines_of_real_pods_decoded_slim(etype):
    for pod in real_pods():
        pod = dict(pod, metadata=dict(pod["metadata"], annotations={LAST_APPLIED: "{}", "a": "b"}))
        line = json.dumps({"type": etype, "object": pod}).encode()
        typed = codec.decode_slim_pod_event(line)
        assert typed["type"] == etype
        assert typed["object"] == store_shape(generic_stripped(line)["object"])
        assert typed["object"]["metadata"]["annotations"] == {"a": "b"}
        assert slim("Pod", typed["object"]) is typed["object"]


@pytest.mark.parametrize(
    "data",
    [
        b'{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}',
        b'{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}}',
        b'{"type":"ADDED","object":{"metadata":[]}}',
        b'{"type":"ADDED","object":"not an object"}',
        b'{"type":5,"object":{}}',
        b'{"type":"ADDED","object":{"metadata":{"name":5,"labels":"x"},"spec":null}}',
        b'{"type":"ADDED","object":{"spec":{"containers":[1,{"name":"a","env":[]}]}}}',
        b'{"type":"ADDED","object":{"spec":{"containers":{"name":"a"}}}}',
        b'{"type":"ADDED","object":{"status":{"containerStatuses":[{"name":"a","imageID":"x"}]}}}',
        b'{"type":"ADDED","object":{"status":"Failure"}}',
        b'{"type":"ADDED","object":{"metadata":{"name":"a","futureField":1},"future":{}}}',
    ],
)
def test_broken_or_hostile_lines_decoded_slim_are_what_the_store_keeps(data):
    typed = codec.decode_slim_pod_event(data)
    generic = generic_stripped(data)
    if not isinstance(generic, dict) or generic.get("type") == "ERROR":
        assert typed == generic
        return
    assert typed.keys() == generic.keys()
    assert typed.get("type") == generic.get("type")
    assert store_shape(typed.get("object")) == store_shape(generic.get("object"))


@pytest.mark.parametrize(
    "data",
    [
        b'{"kind":"PodList","items":null}',
        b'{"kind":"PodList","items":[1,"x",null]}',
        b'{"kind":"PodList","items":[{"metadata":{"name":"a","managedFields":[{"manager":"m"}]}}]}',
        b'{"kind":"Status","code":403}',
        b'{"kind":"PodList","items":[{"metadata":{"name":"a"},"spec":{"volumes":[]}}]}',
    ],
)
def test_broken_or_hostile_pages_decoded_slim_are_what_the_store_keeps(data):
    typed = codec.decode_slim_pod_list(data)
    generic = generic_stripped(data)
    assert typed.get("metadata") == generic.get("metadata")
    items = generic.get("items")
    if isinstance(items, list):
        assert [store_shape(p) for p in typed["items"]] == [store_shape(p) for p in items]
    else:
        assert typed.get("items") == items


# --------------------------------------------------------------------------- recordings
# `replay --once` reads a recording's lines with codec.decode_slim_recorded_line: a pod's
# object comes as the store keeps it, every other line as codec.decode gives it.


@pytest.mark.parametrize("etype", ["ADDED", "MODIFIED", "DELETED"])
@pytest.mark.parametrize("context", [None, "prod-eu/west"])
def test_recorded_pod_lines_decode_slim(etype, context):
    for pod in real_pods():
        value = {"t": 1.5, "kind": "Pod", "type": etype, "object": strip_metadata(pod)}
        if context is not None:
            value["context"] = context
        line = json.dumps(value).encode()
        typed = codec.decode_slim_recorded_line(line)
        generic = codec.decode(line)
        assert typed.keys() == generic.keys()
        assert {k: typed[k] for k in typed if k != "object"} == {
            k: generic[k] for k in generic if k != "object"
        }
        assert typed["object"] == slim("Pod", generic["object"])
        assert slim("Pod", typed["object"]) is typed["object"]


@pytest.mark.parametrize(
    "line",
    [
        # a pod's RELIST marker holds keys, not a pod: never decoded as one
        b'{"t":2,"kind":"Pod","type":"RELIST","object":{"keys":[["default","web-0"]],"resourceVersion":"9"}}',
        b'{"t":2,"kind":"Pod","type":"ERROR","object":{"kind":"Status","code":410}}',
        b'{"t":2,"kind":"Pod","type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}',
        b'{"t":2,"kind":"Event","type":"ADDED","object":{"metadata":{"name":"e"},"reason":"Unhealthy"}}',
        b'{"t":2,"kind":"Node","type":"ADDED","object":{"metadata":{"name":"n"},"spec":{"taints":[]}}}',
        b'{"t":2,"kind":"Pod","type":"ADDED","object":"not an object"}',
        b'{"t":2,"kind":"Pod","type":"ADDED","object":{"spec":{"containers":[7]}}}',
        b'{"t":"soon","kind":"Pod","type":"ADDED","object":null}',
        b'{"t":2,"kind":"Pod","type":"ADDED"}',
        b'{"kind":"Pod","t":2,"type":"MODIFIED","object":{"metadata":{"name":"a"}},"future":1}',
    ],
)
def test_other_recorded_lines_decode_as_the_store_reads_them(line):
    typed = codec.decode_slim_recorded_line(line)
    generic = codec.decode(line)
    if generic.get("kind") == "Pod" and generic.get("type") in ("ADDED", "MODIFIED", "DELETED"):
        # a pod's own line, the odd ones included: what the store keeps of it is the same
        obj = generic.get("object")
        assert store_shape(typed.get("object")) == store_shape(obj)
        assert {k: v for k, v in typed.items() if k != "object"} == {
            k: v for k, v in generic.items() if k not in ("object", "future")
        }
    else:
        assert typed == generic


def test_invalid_recorded_line_raises_the_same_error():
    with pytest.raises(codec.DecodeError):
        codec.decode_slim_recorded_line(b'{"t":1,"kind":"Pod","type":"ADDED","object":{')
