"""deploy/: what a cluster admin applies to keep a recorder running. The manifests
parse, the RBAC grants exactly what podwatch reads (the README's ClusterRole, and the
API groups of the kinds podwatch lists), and the Deployment runs a valid
`podwatch record` as its service account, with the volume where it writes."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from podwatch.cli import build_sub_parser
from podwatch.kube.listwatch import KIND_APIS
from podwatch.model.watch import KINDS
from tests.ui.test_least_privilege import readme_roles

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def docs(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((DEPLOY / name).read_text()) if doc]


def one(name: str, kind: str) -> dict:
    found = [doc for doc in docs(name) if doc["kind"] == kind]
    assert len(found) == 1, f"{name} should hold one {kind}"
    return found[0]


def grants(role: dict) -> set[tuple[str, str, str]]:
    return {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


def test_manifests_parse_as_kubernetes_objects():
    for name in ("rbac.yaml", "recorder.yaml"):
        for doc in docs(name):
            assert {"apiVersion", "kind", "metadata"} <= set(doc), (name, doc)
            assert doc["metadata"]["name"]


def test_rbac_grants_exactly_what_podwatch_reads():
    role = one("rbac.yaml", "ClusterRole")
    granted = grants(role)
    # Read-only: get, list, watch, and nothing else, on every resource.
    assert {verb for _g, _r, verb in granted} == {"get", "list", "watch"}
    # The README's ClusterRole, word for word in what it grants.
    readme = [r for r in readme_roles() if r["kind"] == "ClusterRole"]
    assert len(readme) == 1 and grants(readme[0]) == granted
    # The API groups of the kinds podwatch lists (its own kind table), each with the
    # resource of each of its kinds, and no other.
    groups = {
        api.api_version.rpartition("/")[0] for kind, api in KIND_APIS.items() if kind in KINDS
    }
    assert {g for g, _r, _v in granted} == groups
    assert len({(g, r) for g, r, _v in granted}) == len(KINDS)
    # Bound to the recorder's ServiceAccount.
    account = one("rbac.yaml", "ServiceAccount")
    binding = one("rbac.yaml", "ClusterRoleBinding")
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": role["metadata"]["name"],
    }
    assert binding["subjects"] == [
        {
            "kind": "ServiceAccount",
            "name": account["metadata"]["name"],
            "namespace": account["metadata"]["namespace"],
        }
    ]


def test_deployment_runs_a_valid_podwatch_record():
    deployment = one("recorder.yaml", "Deployment")
    claim = one("recorder.yaml", "PersistentVolumeClaim")
    account = one("rbac.yaml", "ServiceAccount")
    spec = deployment["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    assert pod["serviceAccountName"] == account["metadata"]["name"]
    assert deployment["metadata"]["namespace"] == account["metadata"]["namespace"]
    assert claim["metadata"]["namespace"] == account["metadata"]["namespace"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    (container,) = pod["containers"]
    command = container["command"]
    assert command[:2] == ["podwatch", "record"]
    args = build_sub_parser("record").parse_args(command[2:])
    assert (args.file, args.rotate, args.keep, args.all_namespaces) == (
        "/data",
        3600.0,
        48 * 3600.0,
        True,
    )
    # No kubeconfig: the in-cluster service account.
    assert args.kubeconfig is None and args.context is None
    assert not any(e.get("name") == "KUBECONFIG" for e in container.get("env", []))
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    for part in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][part])
    # /data is the claim.
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    data = volumes[mounts["/data"]]
    assert data["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]


def test_dockerfile_installs_this_package_and_runs_unprivileged():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^RUN pip install \.", text, re.M)
    assert re.search(r"^COPY podwatch ", text, re.M)
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    deployment = one("recorder.yaml", "Deployment")
    uid = deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    assert user[-1].split(":")[0] == str(uid)
