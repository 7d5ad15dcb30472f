"""Cluster-side mistakes a user makes, each a clear error that names the fix."""

from __future__ import annotations

import pytest

from life_helpers import TEMPLATE, Run, write_module

pytestmark = pytest.mark.integration


def test_a_missing_namespace_is_named_with_the_fix(tmp_path, dev_cluster, capsys):
    root = write_module(tmp_path / "stack", dev_cluster.kubeconfig(), "no-such-namespace",
                        TEMPLATE.format(image="alpine:3.20"))
    code, out, err = Run(capsys, root)("plan")
    assert code == 1
    assert err == ('Error: namespace "no-such-namespace" does not exist on the cluster; create it '
                   "(kubectl create namespace no-such-namespace) or set the provider's namespace\n")
