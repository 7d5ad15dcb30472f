"""What names a run: NAME or NAMESPACE/NAME, checked as Kubernetes names before any request,
and the annotations a run may not choose (gp's and Argo's own)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from gp.errors import RunError
from gp.runs.submit import OWN_PREFIXES

# Kubernetes' names: a Workflow's is a DNS subdomain, a namespace's a DNS label.
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_NAME_RULE = (
    "a run is NAME or NAMESPACE/NAME, Kubernetes names: lowercase letters, digits, '-' "
    "(and '.' in NAME), starting and ending with a letter or digit"
)


def check_name(name: object) -> str:
    """``name`` if it can name a Workflow; RunError before any request otherwise."""
    if not isinstance(name, str):
        raise RunError(f"a run's name is a string, not {type(name).__name__}")
    if len(name) > 253 or not _SUBDOMAIN.match(name):
        raise RunError(f"{name!r} is not a run name: {_NAME_RULE}")
    return name


def parse_ident(ident: object) -> tuple[str | None, str]:
    """(namespace or None, name) of NAME or NAMESPACE/NAME, checked as Kubernetes names: an
    empty or odd name would read the whole Workflow list as if it were one run."""
    if not isinstance(ident, str):
        raise RunError(f"a run is named by a string NAME or NAMESPACE/NAME, not {ident!r}")
    ns, sep, name = ident.rpartition("/")
    if sep and (len(ns) > 63 or not _LABEL.match(ns)):
        raise RunError(f"{ident!r} is not a run name: {_NAME_RULE}")
    try:
        check_name(name)
    except RunError:
        raise RunError(f"{ident!r} is not a run name: {_NAME_RULE}") from None
    return (ns if sep else None), name


def check_annotations(annotations: Mapping[str, str]) -> None:
    for key in annotations:
        if str(key).startswith(OWN_PREFIXES):
            owner = "gp" if str(key).startswith("gp.dev/") else "Argo"
            raise RunError(
                f"annotation {key} is set by {owner} on every run; a run cannot choose its own"
            )
