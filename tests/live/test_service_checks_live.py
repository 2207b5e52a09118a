"""Service diagnostics through the real client path: crafted Services on the API server
double, `podwatch -n shop --once` says what is wrong with each (issue 15, item 3)."""

from __future__ import annotations

from tests.live.conftest import pod_obj
from tests.live.test_live_cli import assert_no_traceback, cli_env, run


def _service(name: str, selector: dict, ports: list[dict]) -> dict:
    return {
        "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": {"selector": selector, "ports": ports},
    }


def _endpoints(name: str, ready: list[tuple[str, str]]) -> dict:
    addresses = [
        {"ip": ip, "targetRef": {"kind": "Pod", "name": pod, "namespace": "shop"}}
        for ip, pod in ready
    ]
    subsets = [{"addresses": addresses, "ports": [{"port": 8080}]}] if addresses else []
    return {
        "kind": "Endpoints",
        "metadata": {"name": name, "namespace": "shop"},
        "subsets": subsets,
    }


def _section(out: str, service: str) -> list[str]:
    """The Services table's lines of one Service: its row, then its notes."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"shop/{service} "))
    section = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("    "):
            break
        section.append(line.strip())
    return section


def test_once_flags_a_service_that_points_nowhere(double, tmp_path):
    kubeconfig = double.write_kubeconfig(tmp_path / "kubeconfig", namespace="shop")
    web = pod_obj("web-1", "shop", labels={"app": "web"}, ip="10.0.0.1")
    web["spec"]["containers"][0]["ports"] = [{"name": "http", "containerPort": 8080}]
    double.create(web)
    double.create(pod_obj("web-2", "shop", labels={"app": "web"}, ip="10.0.0.2"))  # no ports
    double.create(_service("typo", {"app": "wbe"}, [{"port": 80, "targetPort": 8080}]))
    double.create(_endpoints("typo", []))
    double.create(_service("named", {"app": "web"}, [{"port": 80, "targetPort": "http"}]))
    double.create(_endpoints("named", [("10.0.0.1", "web-1")]))
    double.create(_service("wrongport", {"app": "web"}, [{"port": 80, "targetPort": 8081}]))
    double.create(_endpoints("wrongport", [("10.0.0.1", "web-1"), ("10.0.0.2", "web-2")]))
    result = run(
        ["-n", "shop", "--once", "--pod", "web-2"], cli_env(kubeconfig, tmp_path), tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    out = result.stdout
    assert _section(out, "typo")[1:] == ["✗ selector app=wbe matches no pod", "✗ no endpoints"]
    named = _section(out, "named")
    assert named[1] == "selector app=web (2 pods)"
    assert named[2] == (
        "✗ port 80: targetPort 'http' is not declared by web-2: it gets no endpoint for it"
    )
    wrong = _section(out, "wrongport")
    assert wrong[2].startswith("⚠ port 80: targetPort 8081 is not a containerPort of the selected")
    # web-2's own detail says why "named" does not list it.
    assert "✗ named port 80: targetPort 'http' (TCP) is not declared by this pod" in out
