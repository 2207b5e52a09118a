"""What of an object is fit to be stored: the one rule, for the writer and the benchmarks.

A recording is meant to be shared (attached to a ticket, checked in as a test case),
so it keeps no managedFields and, unless asked, no secrets (SPEC 2.2).
"""

from __future__ import annotations

import copy
from typing import Any

from podwatch.model.k8s import REDACTED, d, lst, strip_metadata


def sanitize(obj: Any, *, redact: bool = True) -> Any:
    """A copy of `obj` fit to be stored: no managedFields and, unless told not to, no secrets.

    Secrets are container `env[].value` (in every container list, and in the
    last-applied annotation, whose value is replaced whole because it repeats the spec).
    """
    if not isinstance(obj, dict):
        return obj
    out = strip_metadata(obj, last_applied="redact" if redact else "keep")
    spec = d(obj.get("spec"))
    if redact and _has_env_values(spec):
        out = dict(out)
        spec = copy.deepcopy(spec)
        for group in ("containers", "initContainers", "ephemeralContainers"):
            for container in lst(spec.get(group)):
                for env in lst(d(container).get("env")):
                    if isinstance(env, dict) and "value" in env:
                        env["value"] = REDACTED
        out["spec"] = spec
    return out


def _has_env_values(spec: dict) -> bool:
    for group in ("containers", "initContainers", "ephemeralContainers"):
        for container in lst(spec.get(group)):
            for env in lst(d(container).get("env")):
                if isinstance(env, dict) and "value" in env:
                    return True
    return False
