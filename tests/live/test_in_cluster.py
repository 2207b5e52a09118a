"""`podwatch record DIR --rotate` with in-cluster configuration, as deploy/recorder.yaml
runs it: `KUBERNETES_SERVICE_HOST/PORT` point at the API server double on 127.0.0.1,
serving https with a certificate the service account's `ca.crt` holds, and the token
file is the service account's. The real kubernetes-client path end to end."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from podwatch.cli import main
from podwatch.kube import config
from podwatch.model.watch import KINDS
from podwatch.recording import read_recording
from tests.apiserver import ApiServerDouble, self_signed_certificate
from tests.factories import node, service
from tests.live.conftest import pod_obj

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture
def tls_double(tmp_path) -> Iterator[ApiServerDouble]:
    cert, key = self_signed_certificate()
    server = ApiServerDouble(bookmark_interval=0.3, tls=(cert, key)).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.errors, server.errors


@pytest.fixture
def in_cluster(tls_double, tmp_path, monkeypatch) -> Path:
    """A pod's view: the service account's token, CA and namespace files, the service
    environment, and no kubeconfig anywhere."""
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text(tls_double.token)
    shutil.copy(tls_double.tls[0], account / "ca.crt")
    (account / "namespace").write_text("podwatch")
    monkeypatch.setattr(config, "SERVICE_ACCOUNT_DIR", account)
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(tls_double.port))
    return account


def requested(double: ApiServerDouble) -> set[tuple[str, str, str]]:
    """(API group, resource, verb) of every request podwatch made."""
    seen = set()
    for request in double.requests:
        parts = urlsplit(request.path).path.strip("/").split("/")
        if parts[0] == "api":
            group, rest = "", parts[2:]
        elif parts[0] == "apis":
            group, rest = parts[1], parts[3:]
        else:
            continue  # /version and the like
        if rest[:1] == ["namespaces"] and len(rest) > 2:
            rest = rest[2:]
        seen.add((group, rest[0], "watch" if request.watch else "list"))
        assert request.method == "GET", request
    return seen


def test_record_in_cluster_into_a_rotating_directory(tls_double, in_cluster, tmp_path, capsys):
    tls_double.create(pod_obj("web-1", ip="10.0.0.1"))
    tls_double.create(pod_obj("job-1", namespace="batch", ip="10.0.0.2"))
    tls_double.create(service("web", selector={"app": "web"}))
    tls_double.create(node("node-1"))
    data = tmp_path / "data"
    argv = ["record", str(data), "--rotate", "1h", "--keep", "48h", "-A", "--duration", "3"]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err and tls_double.token not in err
    (path,) = sorted(data.iterdir())
    assert path.name.startswith("podwatch-") and path.name.endswith("Z.jsonl.gz")
    recording = read_recording(data)
    assert recording.warnings == []
    assert recording.header["context"] == "in-cluster"
    assert recording.header["scope"]["allNamespaces"] is True
    assert {e.kind for e in recording.events if e.type == "RELIST"} == set(KINDS)
    pods = {
        (e.object["metadata"]["namespace"], e.object["metadata"]["name"])
        for e in recording.events
        if e.kind == "Pod" and e.type == "ADDED"
    }
    assert pods == {("default", "web-1"), ("batch", "job-1")}
    # Every request was authenticated with the token file (the double answers 401
    # otherwise and nothing would have been listed) over TLS verified against ca.crt.
    assert tls_double.url.startswith("https://")
    # What podwatch read is exactly what deploy/rbac.yaml grants, and only with the
    # verbs it grants.
    role = next(
        d
        for d in yaml.safe_load_all((DEPLOY / "rbac.yaml").read_text())
        if d and d["kind"] == "ClusterRole"
    )
    granted = {
        (g, r, v)
        for rule in role["rules"]
        for g in rule["apiGroups"]
        for r in rule["resources"]
        for v in rule["verbs"]
    }
    used = requested(tls_double)
    assert used <= granted
    assert {(g, r) for g, r, _v in used} == {(g, r) for g, r, _v in granted}


def test_in_cluster_refuses_a_server_its_ca_does_not_vouch_for(
    tls_double, in_cluster, tmp_path, capsys
):
    """The CA file is used: a certificate from elsewhere is not trusted, and nothing is
    listed (exit 1, one line, no traceback)."""
    other, _key = self_signed_certificate("other")
    shutil.copy(other, in_cluster / "ca.crt")
    code = main(["record", str(tmp_path / "data"), "--rotate", "1h", "-A", "--duration", "2"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "nothing was listed from in-cluster" in err and "Traceback" not in err
