"""Cluster-side mistakes a user makes, each a clear error that names the fix."""

from __future__ import annotations

import pytest
from life_helpers import TEMPLATE, Run, write_module

pytestmark = pytest.mark.integration


def test_a_missing_namespace_is_named_with_the_fix(tmp_path, dev_cluster, capsys):
    root = write_module(
        tmp_path / "stack",
        dev_cluster.kubeconfig(),
        "no-such-namespace",
        TEMPLATE.format(image="alpine:3.20"),
    )
    code, _out, err = Run(capsys, root)("plan")
    assert code == 1
    assert err == (
        'Error: namespace "no-such-namespace" does not exist on the cluster; create it '
        "(kubectl create namespace no-such-namespace) or set the provider's namespace\n"
    )


def test_an_object_too_large_says_what_to_do_not_rerun(module, gp, cluster):
    """The API server refuses a request body over 3 MiB with 413: a rerun gets the same answer."""
    big = "echo " + "x" * 200 + "\n"
    script = big * (3_500_000 // len(big))
    module(
        TEMPLATE.format(image="alpine:3.20"),
        'workflow_template "huge" {\n  step "a" {\n    script {\n      image = "alpine:3.20"\n'
        '      command = ["sh"]\n      source = <<-EOT\n' + script + "      EOT\n    }\n  }\n}\n",
    )
    code, _out, err = gp("apply", "--auto-approve")
    assert code == 1, err
    text = " ".join(err.split())
    assert "workflow_template.huge" in text and "(HTTP 413)" in text
    assert "Rerun to converge" not in text
    assert (
        "Running gp again will not fix this: an object is larger than the API server accepts "
        "(about 1.5 MiB): make it smaller, e.g. move long scripts into a ConfigMap or split the "
        "template."
    ) in text
    assert "huge" not in cluster.names("WorkflowTemplate")
