"""Kubernetes' rules for the names and labels a pod is made of, as its API server applies them
(k8s.io/apimachinery/pkg/util/validation, pkg/apis/core/validation): each function returns
why a value breaks the rule, or None. A value holding an Argo ``{{...}}`` tag is only known at
run time, so it is never judged here.
"""

from __future__ import annotations

import re

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_PORT_NAME = re.compile(r"^[-a-z0-9]+$")
MAX_LABEL = 63
MAX_SUBDOMAIN = 253


def templated(value: object) -> bool:
    return isinstance(value, str) and "{{" in value


def dns_label(value: str) -> str | None:
    if len(value) > MAX_LABEL:
        return f"must be no more than {MAX_LABEL} characters"
    if not DNS_LABEL.match(value):
        return (
            "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', "
            "starting and ending with a letter or digit"
        )
    return None


def dns_subdomain(value: str) -> str | None:
    if len(value) > MAX_SUBDOMAIN:
        return f"must be no more than {MAX_SUBDOMAIN} characters"
    if not DNS_SUBDOMAIN.match(value):
        return (
            "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', "
            "starting and ending with a letter or digit"
        )
    return None


def label_key(key: str) -> str | None:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or dns_subdomain(prefix)):
        return f"the prefix {prefix!r} must be a lowercase DNS subdomain"
    if len(name) > MAX_LABEL:
        return f"the name part must be no more than {MAX_LABEL} characters"
    if not _LABEL_NAME.match(name):
        return (
            "the name part must consist of letters, digits, '-', '_' or '.', starting and "
            "ending with a letter or digit"
        )
    return None


def label_value(value: str) -> str | None:
    if len(value) > MAX_LABEL:
        return f"must be no more than {MAX_LABEL} characters"
    if not _LABEL_VALUE.match(value):
        return (
            "must be empty or consist of letters, digits, '-', '_' or '.', starting and "
            "ending with a letter or digit"
        )
    return None


def port_name(value: str) -> str | None:
    """IANA_SVC_NAME (validation.IsValidPortName)."""
    if len(value) > 15:
        return "must be no more than 15 characters"
    if not _PORT_NAME.match(value):
        return "must contain only lowercase letters, digits and '-'"
    if not re.search(r"[a-z]", value):
        return "must contain at least one letter"
    if "--" in value:
        return "must not contain consecutive hyphens"
    if value.startswith("-") or value.endswith("-"):
        return "must not begin or end with a hyphen"
    return None


def env_name(value: str) -> str | None:
    """The relaxed rule, on by default since Kubernetes 1.34 (IsRelaxedEnvVarName)."""
    if not value:
        return "must not be empty"
    if "=" in value or any(not (" " <= c <= "~") for c in value):
        return "must consist of printable ASCII characters other than '='"
    return None
