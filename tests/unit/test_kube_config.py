"""Cluster configuration as kubectl users expect it (no server needed: nothing is requested)."""

from __future__ import annotations

import json
import os
import sys

import pytest

from podwatch.kube.config import ConfigError, connect, kubeconfig_path


def kubeconfig(path, *, contexts, current, users=None, clusters=None):
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": clusters
        if clusters is not None
        else [
            {"name": "c1", "cluster": {"server": "http://127.0.0.1:6443"}},
        ],
        "users": users
        if users is not None
        else [{"name": "u1", "user": {"token": "secret-token-1"}}],
        "contexts": contexts,
    }
    if current:
        doc["current-context"] = current
    path.write_text(json.dumps(doc))
    return path


def ctx(name, namespace=None, cluster="c1", user="u1"):
    c = {"cluster": cluster, "user": user}
    if namespace:
        c["namespace"] = namespace
    return {"name": name, "context": c}


def env(**extra):
    base = {
        k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")
    }
    base.update(extra)
    return base


def test_precedence_of_kubeconfig_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert kubeconfig_path("/explicit", {"KUBECONFIG": "/env"}) == "/explicit"
    assert kubeconfig_path(None, {"KUBECONFIG": "/a:/b"}) == "/a:/b"
    assert kubeconfig_path(None, {}) is None  # no ~/.kube/config here
    (tmp_path / ".kube").mkdir()
    (tmp_path / ".kube" / "config").write_text("{}")
    assert kubeconfig_path(None, {}) == str(tmp_path / ".kube" / "config")


def test_namespace_from_flag_then_context_then_default(tmp_path):
    path = kubeconfig(tmp_path / "kc", contexts=[ctx("dev", "team-a"), ctx("bare")], current="dev")
    cluster, scope = connect(kubeconfig=str(path), environ=env())
    assert (cluster.context, scope.namespace) == ("dev", "team-a")
    assert cluster.api_client.configuration.host == "http://127.0.0.1:6443"
    assert cluster.api_client.configuration.api_key["BearerToken"] == "Bearer secret-token-1"
    _, scope = connect(kubeconfig=str(path), namespace="other", environ=env())
    assert scope.namespace == "other"
    _, scope = connect(kubeconfig=str(path), context="bare", environ=env())
    assert scope.namespace == "default"
    _, scope = connect(
        kubeconfig=str(path), all_namespaces=True, label_selector="app=web", environ=env()
    )
    assert scope.all_namespaces and scope.describe() == "all namespaces, -l app=web"


def test_kubeconfig_env_with_several_files_is_merged(tmp_path):
    a = kubeconfig(tmp_path / "a", contexts=[ctx("one", "ns-one")], current="one")
    b = kubeconfig(
        tmp_path / "b",
        contexts=[ctx("two", "ns-two", cluster="c2", user="u2")],
        current=None,
        clusters=[{"name": "c2", "cluster": {"server": "http://127.0.0.1:7443"}}],
        users=[{"name": "u2", "user": {"token": "secret-token-2"}}],
    )
    joined = f"{a}{os.pathsep}{tmp_path / 'missing'}{os.pathsep}{b}"
    cluster, scope = connect(environ=env(KUBECONFIG=joined))
    assert (cluster.context, scope.namespace) == ("one", "ns-one")
    cluster, scope = connect(context="two", environ=env(KUBECONFIG=joined))
    assert scope.namespace == "ns-two"
    assert cluster.api_client.configuration.host == "http://127.0.0.1:7443"


def test_exec_plugin_runs_before_any_request_and_again_on_reauthenticate(tmp_path):
    counter = tmp_path / "runs"
    plugin = tmp_path / "plugin.py"
    plugin.write_text(
        "import json, pathlib\n"
        f"p = pathlib.Path({str(counter)!r})\n"
        "n = int(p.read_text()) + 1 if p.exists() else 1\n"
        "p.write_text(str(n))\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1beta1', "
        "'kind': 'ExecCredential', 'status': {'token': f'exec-token-{n}'}}))\n"
    )
    users = [
        {
            "name": "u1",
            "user": {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                    "command": sys.executable,
                    "args": [str(plugin)],
                    "interactiveMode": "Never",
                }
            },
        }
    ]
    path = kubeconfig(tmp_path / "kc", contexts=[ctx("dev")], current="dev", users=users)
    before = path.read_bytes()
    cluster, _ = connect(kubeconfig=str(path), environ=env())
    assert counter.read_text() == "1"
    assert cluster.api_client.configuration.api_key["BearerToken"] == "Bearer exec-token-1"
    wrapped = []
    cluster.reauth_wrapper = lambda fn: (wrapped.append(True), fn())
    cluster.reauthenticate()
    assert wrapped == [True]
    assert cluster.api_client.configuration.api_key["BearerToken"] == "Bearer exec-token-2"
    assert path.read_bytes() == before  # persist_config=False: nothing written back


def test_client_certificate_auth_is_loaded(tmp_path):
    users = [
        {"name": "u1", "user": {"client-certificate-data": "Y2VydA==", "client-key-data": "a2V5"}}
    ]
    clusters = [
        {
            "name": "c1",
            "cluster": {"server": "https://127.0.0.1:6443", "certificate-authority-data": "Y2E="},
        }
    ]
    path = kubeconfig(
        tmp_path / "kc", contexts=[ctx("dev")], current="dev", users=users, clusters=clusters
    )
    cluster, _ = connect(kubeconfig=str(path), environ=env())
    cfg = cluster.api_client.configuration
    with open(cfg.cert_file, "rb") as fh:
        assert fh.read() == b"cert"
    with open(cfg.key_file, "rb") as fh:
        assert fh.read() == b"key"


@pytest.mark.parametrize(
    ("content", "args", "fragment"),
    [
        (None, {}, "does not exist"),
        ("{ not: yaml: at all: [", {}, "not valid YAML at line 1"),
        (json.dumps({"contexts": [], "users": [], "clusters": []}), {}, "no current-context"),
        (
            json.dumps({"contexts": [ctx("a")], "current-context": "b"}),
            {},
            "current-context 'b' is not",
        ),
        (json.dumps({"contexts": [ctx("a")]}), {"context": "a"}, "Expected object with name c1"),
        (
            json.dumps(
                {"contexts": [ctx("a")], "current-context": "a", "users": [], "clusters": []}
            ),
            {"context": "zz"},
            "context 'zz' not found",
        ),
    ],
)
def test_broken_configuration_is_one_clear_line(tmp_path, content, args, fragment):
    path = tmp_path / "kc"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as info:
        connect(kubeconfig=str(path), environ=env(), **args)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_yaml_error_never_quotes_the_file(tmp_path):
    path = tmp_path / "kc"
    path.write_text("users:\n- name: u\n  user:\n    token: super-secret-value\n\t bad: [")
    with pytest.raises(ConfigError) as info:
        connect(kubeconfig=str(path), environ=env())
    assert "super-secret-value" not in str(info.value)
    assert "not valid YAML" in str(info.value)


def test_no_configuration_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ConfigError, match="no cluster configuration"):
        connect(environ=env())


def test_in_cluster_service_account(tmp_path, monkeypatch):
    import podwatch.kube.config as config_module

    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text("in-cluster-token")
    (sa / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    (sa / "namespace").write_text("payments\n")
    monkeypatch.setattr(config_module, "SERVICE_ACCOUNT_DIR", sa)
    monkeypatch.setenv("HOME", str(tmp_path))
    cluster, scope = connect(
        environ=env(KUBERNETES_SERVICE_HOST="10.96.0.1", KUBERNETES_SERVICE_PORT="443")
    )
    cfg = cluster.api_client.configuration
    assert cfg.host == "https://10.96.0.1:443"
    assert cfg.get_api_key_with_prefix("BearerToken").lower() == "bearer in-cluster-token"
    assert (cluster.context, scope.namespace) == ("in-cluster", "payments")
    _, scope = connect(
        namespace="other",
        environ=env(KUBERNETES_SERVICE_HOST="10.96.0.1", KUBERNETES_SERVICE_PORT="443"),
    )
    assert scope.namespace == "other"
