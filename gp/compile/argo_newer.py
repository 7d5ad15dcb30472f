"""Argo (v4.1) and Kubernetes (v1.34+) fields that hera's generated models do not have yet.

hera's models are gp's vocabulary, but they lag Argo's schema by a release. Rather than reject
fields a cluster accepts, gp adds the missing ones here, written in hera's own style (snake_case
attribute, Argo's name as the alias) so the schema walker treats them exactly like hera's.
`tests/unit/compile/test_schema_coverage.py` checks, against Argo's own schema.json, that no
workflow field is missing, so this table shrinks as hera catches up.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ContainerRestartRuleOnExitCodes(_Model):
    operator: str
    values: list[int] | None = None


class ContainerRestartRule(_Model):
    action: str
    exit_codes: ContainerRestartRuleOnExitCodes | None = Field(None, alias="exitCodes")


class PodResourceClaim(_Model):
    name: str
    resource_claim_name: str | None = Field(None, alias="resourceClaimName")
    resource_claim_template_name: str | None = Field(None, alias="resourceClaimTemplateName")


class FileKeySelector(_Model):
    volume_name: str = Field(..., alias="volumeName")
    path: str
    key: str
    optional: bool | None = None


class PodCertificateProjection(_Model):
    signer_name: str = Field(..., alias="signerName")
    key_type: str = Field(..., alias="keyType")
    certificate_chain_path: str | None = Field(None, alias="certificateChainPath")
    credential_bundle_path: str | None = Field(None, alias="credentialBundlePath")
    key_path: str | None = Field(None, alias="keyPath")
    max_expiration_seconds: int | None = Field(None, alias="maxExpirationSeconds")
    user_annotations: dict[str, str] | None = Field(None, alias="userAnnotations")


def _container():
    from hera.workflows.models import Container

    return Container


def _resources():
    from hera.workflows.models import ResourceRequirements

    return ResourceRequirements


def _object_meta():
    from hera.workflows.models import ObjectMeta

    return ObjectMeta


def executor_plugin_models() -> type[BaseModel]:
    """Built on demand: the sidecar holds hera's Container model."""

    class ExecutorPluginSidecar(_Model):
        container: _container()  # type: ignore[valid-type]
        automount_service_account_token: bool | None = Field(
            None, alias="automountServiceAccountToken"
        )

    class ExecutorPluginSpec(_Model):
        sidecar: ExecutorPluginSidecar

    class ExecutorPlugin(_Model):
        metadata: _object_meta()  # type: ignore[valid-type]
        spec: ExecutorPluginSpec

    return ExecutorPlugin


@functools.cache
def newer_fields(model_name: str) -> list[tuple[str, str, Any]]:
    """(python name, Argo name, annotation) of the fields hera's `model_name` lacks."""
    restart_rules = (
        "restart_policy_rules",
        "restartPolicyRules",
        list[ContainerRestartRule] | None,
    )
    pod_resources = ("pod_resources", "podResources", _resources() | None)
    resource_claims = ("resource_claims", "resourceClaims", list[PodResourceClaim] | None)
    table: dict[str, list[tuple[str, str, Any]]] = {
        "Container": [restart_rules],
        "ContainerNode": [restart_rules],
        "ScriptTemplate": [restart_rules],
        "UserContainer": [restart_rules],
        "HTTPArtifact": [("save_stream_via_file", "saveStreamViaFile", bool | None)],
        "S3Artifact": [("addressing_style", "addressingStyle", str | None)],
        "S3ArtifactRepository": [("addressing_style", "addressingStyle", str | None)],
        "EnvVarSource": [("file_key_ref", "fileKeyRef", FileKeySelector | None)],
        "VolumeProjection": [
            ("pod_certificate", "podCertificate", PodCertificateProjection | None)
        ],
        "Template": [
            ("pending_timeout", "pendingTimeout", str | None),
            pod_resources,
            resource_claims,
        ],
        "WorkflowSpec": [
            ("executor_plugins", "executorPlugins", list[executor_plugin_models()] | None),
            pod_resources,
            resource_claims,
        ],
    }
    return table.get(model_name, [])
