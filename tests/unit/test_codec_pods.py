"""Pods decoded typed (codec.decode_pod_list / decode_pod_event) are exactly what the
generic decoder gives once managedFields are stripped: on real captures, on every
watch event type, and on broken or hostile shapes, which fall back to the generic
decoder."""

from __future__ import annotations

import json

import pytest

from podwatch import codec
from podwatch.model.k8s import strip_metadata
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
