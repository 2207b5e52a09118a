"""`kubectl podwatch`: installing podwatch installs `kubectl-podwatch`, which kubectl
runs as a plugin (any executable of that name on PATH), so that an operator types
`kubectl podwatch -n shop` as they type `kubectl get pods -n shop`. Run here through the
real kubectl against the API server double."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from tests.live.conftest import pod_obj
from tests.live.test_live_cli import cli_env

BIN = Path(sys.executable).parent
"""Where pip installed podwatch's console scripts (this interpreter's)."""
KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(
    KUBECTL is None, reason="no kubectl on PATH here: the plugin is tried through it elsewhere"
)


def plugin_env(home: Path, kubeconfig: Path | None = None) -> dict[str, str]:
    return cli_env(kubeconfig, home, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def kubectl(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert KUBECTL is not None
    return subprocess.run(
        [KUBECTL, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_installing_podwatch_installs_the_kubectl_plugin() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["podwatch"] == "podwatch.cli:main"
    assert scripts["kubectl-podwatch"] == "podwatch.cli:kubectl_main"
    plugin = BIN / "kubectl-podwatch"
    assert plugin.is_file() and os.access(plugin, os.X_OK), plugin


@needs_kubectl
def test_kubectl_lists_the_plugin_and_runs_its_help_and_version(tmp_path) -> None:
    env = plugin_env(tmp_path)
    listed = kubectl("plugin", "list", env=env)
    assert str(BIN / "kubectl-podwatch") in listed.stdout, listed.stdout + listed.stderr
    shown = kubectl("podwatch", "--help", env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: kubectl podwatch ")  # named as the user typed it
    assert "-n NAMESPACE" in shown.stdout and "--context" in shown.stdout
    sub = kubectl("podwatch", "replay", "--help", env=env)
    assert sub.returncode == 0 and sub.stdout.startswith("usage: kubectl podwatch replay ")
    version = kubectl("podwatch", "--version", env=env)
    assert version.returncode == 0 and version.stdout.startswith("podwatch ")


@needs_kubectl
def test_kubectl_podwatch_once_shows_the_namespace_from_the_kubeconfig(
    double, kubeconfig, tmp_path
) -> None:
    double.create(pod_obj("web-1", ip="10.0.0.5"))
    double.create(pod_obj("api-1", namespace="shop", ip="10.0.1.1"))
    run = kubectl("podwatch", "-n", "shop", "--once", env=plugin_env(tmp_path, kubeconfig))
    assert run.returncode == 0, run.stderr
    assert "api-1" in run.stdout and "web-1" not in run.stdout
    assert {r.method for r in double.requests} == {"GET"}  # read-only, as always


def test_installing_podwatch_installs_its_kubectl_completion() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts["kubectl_complete-podwatch"] == "podwatch.cli:kubectl_complete"
    assert os.access(BIN / "kubectl_complete-podwatch", os.X_OK)


def completes(*words: str, env: dict[str, str]) -> tuple[list[str], str]:
    """`kubectl podwatch WORDS<TAB>` as kubectl's own completion asks it."""
    done = kubectl("__complete", "podwatch", *words, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "kubectl_complete-podwatch" in done.stderr  # kubectl asked the plugin
    return lines[:-1], lines[-1]


@needs_kubectl
def test_kubectl_completes_the_plugin_through_its_completer(tmp_path) -> None:
    env = plugin_env(tmp_path)
    assert completes("re", env=env) == (["replay", "record"], ":4")
    assert completes("--all", env=env) == (["--all-contexts", "--all-namespaces"], ":4")
    assert completes("--all-n", env=env) == (["--all-namespaces"], ":4")
    assert completes("replay", "--index", "", env=env) == (["auto", "always", "never"], ":4")
    assert completes("-o", "j", env=env) == (["json"], ":4")
    files, directive = completes("replay", "", env=env)
    assert files == [] and directive == ":0"  # the shell completes file names


def readme_k9s_entry() -> dict:
    """The k9s plugin entry README shows, as k9s reads it (YAML)."""
    import re

    import yaml

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = re.search(r"```yaml\n(plugins:\n.*?)```", text, re.S)
    assert block, "README shows no k9s plugins.yaml entry"
    return yaml.safe_load(block.group(1))["plugins"]["podwatch"]


def test_the_readme_k9s_entry_has_the_fields_k9s_reads() -> None:
    entry = readme_k9s_entry()
    # k9s's plugin schema: these fields, a shortCut it can bind, scopes of views.
    assert set(entry) <= {
        "shortCut", "description", "scopes", "command", "background", "args", "confirm",
        "dangerous", "overwriteOutput", "pipes",
    }  # fmt: skip
    assert entry["shortCut"] == "Shift-W" and entry["background"] is False
    assert {"pods", "namespaces"} <= set(entry["scopes"])
    assert "$NAMESPACE" in entry["args"] and "$CONTEXT" in entry["args"]


@needs_kubectl
def test_the_readme_k9s_entry_opens_the_dashboard_on_the_namespace_in_view(
    double, kubeconfig, tmp_path
) -> None:
    """Run as k9s runs a plugin (no k9s here): its command with the args, $NAMESPACE and
    $CONTEXT replaced by the view's, in the terminal k9s hands over."""
    from tests.ptyrun import PtyRun

    double.create(pod_obj("web-1", ip="10.0.0.5"))
    double.create(pod_obj("api-7d9f8-x2x9q", namespace="shop", ip="10.0.1.1"))
    env = plugin_env(tmp_path, kubeconfig)
    context = kubectl("config", "current-context", env=env).stdout.strip()
    assert context
    view = {"$NAMESPACE": "shop", "$CONTEXT": context}
    entry = readme_k9s_entry()
    argv = [shutil.which(entry["command"], path=env["PATH"])] + [
        view.get(arg, arg) for arg in entry["args"]
    ]
    with PtyRun(argv, size=(100, 30), env=env) as term:
        shown = term.read_until(b"api-7d9f8-x2x9q", limit=30)
        assert b"api-7d9f8-x2x9q" in shown, shown[-2000:]
        term.read_until_quiet(0.5, limit=5)
        assert b"web-1" not in b"".join(chunk for _t, chunk in term.chunks)  # -n shop only
        term.send("q")
        assert term.proc.wait(timeout=15) == 0
    assert {r.method for r in double.requests} == {"GET"}
