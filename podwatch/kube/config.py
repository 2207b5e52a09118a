"""Cluster configuration the way kubectl users expect it.

Where the cluster is: `--kubeconfig`, else `KUBECONFIG` (several files joined
with `:`, merged by the kubernetes client), else `~/.kube/config`, else the
in-cluster service account. Which namespace: `-n`, else the context's, else
the in-cluster namespace file, else `default`; `-A` for all.

One API client per context, built with `persist_config=False` so that a
refreshed token is never written back into the user's kubeconfig. Building
it runs the credential plugin (exec/OIDC) once, before any screen is drawn;
`reauthenticate()` runs it again after a 401.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
"""Where a pod's service account is mounted (token, ca.crt, namespace)."""
DEFAULT_KUBECONFIG = "~/.kube/config"


class ConfigError(Exception):
    """No usable cluster configuration; the message is one line for stderr."""


@dataclass(frozen=True)
class Scope:
    """What to watch."""

    namespace: str | None
    """None: all namespaces."""
    label_selector: str = ""
    field_selector: str = ""

    @property
    def all_namespaces(self) -> bool:
        return self.namespace is None

    def describe(self) -> str:
        text = "all namespaces" if self.namespace is None else f"namespace {self.namespace}"
        if self.label_selector:
            text += f", -l {self.label_selector}"
        if self.field_selector:
            text += f", --field-selector {self.field_selector}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "allNamespaces": self.namespace is None,
            "labelSelector": self.label_selector,
            "fieldSelector": self.field_selector,
        }


@dataclass
class Cluster:
    """An API client for one context, and how to renew its credentials."""

    api_client: Any
    context: str
    source: str
    """Where the configuration came from, for the status line (never its contents)."""
    _reload: Callable[[Any], None] = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    reauth_wrapper: Callable[[Callable[[], None]], None] = field(
        default=lambda fn: fn(), repr=False
    )
    """How to run a re-authentication: the dashboard wraps it in `App.suspend()` so an
    exec plugin that asks for a password gets the real terminal."""
    reauthentications: int = 0

    def reauthenticate(self) -> None:
        """Run the credential plugin again (after a 401). Serialized: six watch threads
        that see the 401 together cause one re-authentication."""
        generation = self.reauthentications
        with self._lock:
            if self.reauthentications != generation:
                return  # another thread did it while this one waited
            self.reauth_wrapper(lambda: self._reload(self.api_client.configuration))
            self.reauthentications += 1

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.api_client.close()


def _tune(configuration: Any) -> None:
    """Client settings for long-lived watches: podwatch retries by itself (with state
    shown on screen), TCP keepalive finds dead bastion links, and six watches plus
    lists need more than the default pool."""
    configuration.retries = False
    configuration.keep_alive = True
    configuration.connection_pool_maxsize = 16


def kubeconfig_path(explicit: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The kubeconfig to use, or None for in-cluster."""
    env = os.environ if environ is None else environ
    if explicit:
        return explicit
    if env.get("KUBECONFIG"):
        return env["KUBECONFIG"]
    default = os.path.expanduser(DEFAULT_KUBECONFIG)
    if os.path.exists(default):
        return default
    return None


def _in_cluster_available(environ: dict[str, str]) -> bool:
    return bool(environ.get("KUBERNETES_SERVICE_HOST")) and (SERVICE_ACCOUNT_DIR / "token").exists()


def _existing(paths: str) -> list[str]:
    return [
        p
        for p in (os.path.expanduser(x) for x in paths.split(os.pathsep) if x)
        if os.path.exists(p)
    ]


def connect(
    *,
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str = "",
    field_selector: str = "",
    environ: dict[str, str] | None = None,
) -> tuple[Cluster, Scope]:
    """Build the API client and the scope, or raise ConfigError with one clear line."""
    import yaml
    from kubernetes import client as k8s_client
    from kubernetes import config as k8s_config
    from kubernetes.config.config_exception import ConfigException

    env = dict(os.environ if environ is None else environ)
    path = kubeconfig_path(kubeconfig, env)
    try:
        if path is None:
            if not _in_cluster_available(env):
                raise ConfigError(
                    "no cluster configuration: no --kubeconfig, no KUBECONFIG, no "
                    f"{DEFAULT_KUBECONFIG}, and not running inside a cluster"
                )
            configuration = k8s_client.Configuration()
            loader = k8s_config.incluster_config.InClusterConfigLoader(
                token_filename=str(SERVICE_ACCOUNT_DIR / "token"),
                cert_filename=str(SERVICE_ACCOUNT_DIR / "ca.crt"),
                environ=env,
            )
            loader.load_and_set(configuration)
            _tune(configuration)
            ns = namespace or _read_in_cluster_namespace() or "default"
            cluster = Cluster(
                api_client=k8s_client.ApiClient(configuration),
                context="in-cluster",
                source="in-cluster service account",
                _reload=loader.load_and_set,
            )
        else:
            files = _existing(path)
            if not files:
                raise ConfigError(f"kubeconfig {path} does not exist")
            contexts, current = _contexts(path)
            names = [c.get("name") for c in contexts]
            if context is not None and context not in names:
                have = ", ".join(map(str, names)) or "none"
                raise ConfigError(f"context {context!r} not found in {path} (have: {have})")
            chosen = context or current
            if not chosen:
                raise ConfigError(f"{path} has no current-context; pass --context")
            if chosen not in names:
                raise ConfigError(f"current-context {chosen!r} is not defined in {path}")
            ctx = next(c for c in contexts if c.get("name") == chosen)
            ns = namespace or (ctx.get("context") or {}).get("namespace") or "default"
            configuration = k8s_client.Configuration()
            _tune(configuration)

            def reload(cfg: Any, _path: str = path, _ctx: str = chosen) -> None:
                k8s_config.load_kube_config(
                    config_file=_path,
                    context=_ctx,
                    client_configuration=cfg,
                    persist_config=False,
                )

            reload(configuration)
            if not configuration.host:
                raise ConfigError(f"context {chosen!r} in {path} names no server")
            cluster = Cluster(
                api_client=k8s_client.ApiClient(configuration),
                context=chosen,
                source=f"kubeconfig {path}",
                _reload=reload,
            )
    except ConfigError:
        raise
    except yaml.YAMLError as exc:
        # Never quote the file: the offending line may hold a token.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"cannot read {path}: not valid YAML{where}") from None
    except ConfigException as exc:
        raise ConfigError(f"cannot use {path or 'in-cluster config'}: {_one_line(exc)}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path or 'in-cluster config'}: {_one_line(exc)}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # A section of the wrong shape (a string where a mapping belongs, ...).
        raise ConfigError(
            f"cannot use {path or 'in-cluster config'}: malformed kubeconfig ({_one_line(exc)})"
        ) from None
    scope = Scope(
        namespace=None if all_namespaces else ns,
        label_selector=label_selector,
        field_selector=field_selector,
    )
    return cluster, scope


def _contexts(path: str) -> tuple[list[dict], str | None]:
    """Contexts and current-context of the merged kubeconfig(s), read the way the client
    merges them (first definition of a name wins), without requiring a current-context
    when --context names one."""
    from kubernetes.config.kube_config import KubeConfigMerger

    merged = KubeConfigMerger(path).config
    if merged is None:
        raise ConfigError(f"{path} holds no configuration")
    raw = merged.value if hasattr(merged, "value") else merged
    contexts = []
    for node in raw.get("contexts") or []:
        value = node.value if hasattr(node, "value") else node
        if isinstance(value, dict):
            contexts.append(value)
    current = raw.get("current-context")
    return contexts, current if isinstance(current, str) and current else None


def _read_in_cluster_namespace() -> str | None:
    try:
        return (SERVICE_ACCOUNT_DIR / "namespace").read_text().strip() or None
    except OSError:
        return None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] if text else type(exc).__name__


@dataclass
class Member:
    """One context of several watched at once: its client and scope, or why it has
    none (its configuration failed: the others carry on)."""

    context: str
    cluster: Cluster | None = None
    scope: Scope | None = None
    error: str = ""


def context_names(
    kubeconfig: str | None,
    context: str | None,
    all_contexts: bool,
    environ: dict[str, str] | None = None,
) -> list[str] | None:
    """The contexts `--context a,b` or `--all-contexts` name, in the order given (the
    kubeconfig's for all); None for one context, the way `connect` reads `--context`.
    A name that is a context of its own is one context, commas and all (names are free
    text). Raises ConfigError for a name the kubeconfig does not define."""
    if not all_contexts and (context is None or "," not in context):
        return None
    path = kubeconfig_path(kubeconfig, dict(os.environ if environ is None else environ))
    if path is None or not _existing(path):
        raise ConfigError(
            f"{'--all-contexts' if all_contexts else '--context'} reads the kubeconfig's "
            f"contexts, and there is no kubeconfig ({path or DEFAULT_KUBECONFIG})"
        )
    try:
        defined = [str(c.get("name")) for c in _contexts(path)[0] if c.get("name")]
    except Exception as exc:  # the single-context path reports it the same way
        raise ConfigError(f"cannot use {path}: {_one_line(exc)}") from None
    if all_contexts:
        if not defined:
            raise ConfigError(f"{path} defines no context")
        return defined
    assert context is not None
    if context in defined:
        return None
    names = list(dict.fromkeys(name.strip() for name in context.split(",") if name.strip()))
    unknown = [name for name in names if name not in defined]
    if unknown:
        have = ", ".join(defined) or "none"
        raise ConfigError(f"context {unknown[0]!r} not found in {path} (have: {have})")
    return names


def connect_each(names: list[str], **options: Any) -> list[Member]:
    """`connect` for each context; one whose configuration fails (a credential plugin
    that errs, a server left out) is a member with its error, not the end of all."""
    members = []
    for name in names:
        try:
            cluster, scope = connect(context=name, **options)
        except ConfigError as exc:
            members.append(Member(name, error=str(exc)))
        else:
            members.append(Member(name, cluster, scope))
    return members
