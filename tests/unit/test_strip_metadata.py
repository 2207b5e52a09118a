"""managedFields and the last-applied annotation: one rule (model/k8s.py) for the store,
recordings, the live watch and kubectl captures."""

from __future__ import annotations

import copy

import pytest

from podwatch.model.k8s import LAST_APPLIED, REDACTED, strip_metadata
from podwatch.model.store import slim
from podwatch.recording import sanitize
from tests.factories import pod


def heavy() -> dict:
    p = pod()
    p["metadata"]["managedFields"] = [{"manager": "kubectl", "time": "2026-01-01T00:00:00Z"}]
    p["metadata"]["annotations"] = {LAST_APPLIED: '{"env": "hunter2"}', "keep": "me"}
    return p


@pytest.mark.parametrize(
    ("mode", "annotations"),
    [
        ("keep", {LAST_APPLIED: '{"env": "hunter2"}', "keep": "me"}),
        ("drop", {"keep": "me"}),
        ("redact", {LAST_APPLIED: REDACTED, "keep": "me"}),
    ],
)
def test_strip_metadata_drops_managed_fields_and_treats_last_applied_as_asked(mode, annotations):
    original = heavy()
    before = copy.deepcopy(original)
    out = strip_metadata(original, last_applied=mode)
    assert "managedFields" not in out["metadata"]
    assert out["metadata"]["annotations"] == annotations
    assert out["spec"] is original["spec"]  # a shallow copy: the rest is shared
    assert original == before  # never modified


def test_nothing_to_strip_is_the_object_itself():
    p = pod()
    assert strip_metadata(p, last_applied="drop") is p
    assert strip_metadata("not an object") == "not an object"
    assert strip_metadata({"metadata": None}) == {"metadata": None}


def test_the_store_and_recordings_strip_by_the_one_rule():
    p = heavy()
    assert slim("Pod", p)["metadata"] == strip_metadata(p, last_applied="drop")["metadata"]
    assert sanitize(p)["metadata"] == strip_metadata(p, last_applied="redact")["metadata"]
    assert sanitize(p, redact=False)["metadata"] == strip_metadata(p)["metadata"]
