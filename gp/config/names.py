"""Kubernetes' rules for the names gp writes: namespaces, object names and label values.

The configuration is checked against them offline, so `gp validate` names the attribute at
fault instead of the API server answering a plan with a raw 422 (or the directory provider
writing a file outside its folder, for a namespace such as ``../../x``).
"""

from __future__ import annotations

import re

MAX_LABEL = 63
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_NOT_IN_STACK = re.compile(r"[^a-z0-9-]+")
DEFAULT_STACK = "pipelines"


def namespace_problem(namespace: object) -> str | None:
    """Why ``namespace`` is not a valid Kubernetes namespace (a DNS-1123 label); None if it is."""
    if not isinstance(namespace, str):
        return f"namespace must be a string, not {type(namespace).__name__}"
    if len(namespace) > MAX_LABEL:
        return f"namespace {_quote(namespace)} is {len(namespace)} characters long; at most {MAX_LABEL} are allowed"
    if not DNS_LABEL.match(namespace):
        return (
            f"namespace {_quote(namespace)} is not a valid DNS-1123 label: use lowercase letters, digits "
            "and '-', starting and ending with a letter or digit"
        )
    return None


def stack_problem(stack: str) -> str | None:
    """Why ``stack`` cannot be a stack name: it is written as a label value on every object."""
    if len(stack) > MAX_LABEL:
        return f"stack {_quote(stack)} is {len(stack)} characters long; at most {MAX_LABEL} are allowed"
    if not LABEL_VALUE.match(stack):
        return (
            f"stack {_quote(stack)} is not a valid Kubernetes label value: use letters, digits, '-', "
            "'_' and '.', starting and ending with a letter or digit"
        )
    return None


def stack_from_folder(folder: str) -> str:
    """The stack a folder stands for when no `gp { stack }` is set: the folder's name when it is
    a valid label value, else the name `gp init` would derive (``My Pipelines (copy)`` ->
    ``my-pipelines-copy``)."""
    if stack_problem(folder) is None:
        return folder
    return derived_stack(folder)


def derived_stack(folder: str) -> str:
    """Lowercase letters, digits and '-' only, at most 63 characters."""
    cleaned = _NOT_IN_STACK.sub("-", folder.lower()).strip("-")
    return cleaned[:MAX_LABEL].rstrip("-") or DEFAULT_STACK


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
