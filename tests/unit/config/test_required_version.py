from __future__ import annotations

import pytest

from gp import __version__
from gp.config.version import unmet
from gp.errors import DiagnosticsError


@pytest.mark.parametrize(
    "constraint, version, ok",
    [
        (">= 0.1", "0.1.0", True),
        (">= 0.2", "0.1.0", False),
        (">= 0.1, < 1", "0.9.3", True),
        (">= 0.1, < 1", "1.0.0", False),
        ("~> 0.1", "0.9.0", True),
        ("~> 0.1", "1.0.0", False),
        ("~> 0.1.2", "0.1.9", True),
        ("~> 0.1.2", "0.2.0", False),
        ("0.1.0", "0.1.0", True),
        ("!= 0.1.0", "0.1.0", False),
    ],
)
def test_constraints(constraint, version, ok):
    assert (unmet(constraint, version) is None) is ok


def test_bad_constraint_is_explained():
    assert "is not a version constraint" in unmet(">= banana", "0.1.0")


def test_module_requiring_a_newer_gp_fails_at_the_attribute(load):
    with pytest.raises(DiagnosticsError) as err:
        load({"main.gp.hcl": 'gp {\n  required_version = ">= 99"\n}\n'})
    (diag,) = err.value.diagnostics
    assert diag.message == f"this module requires gp >= 99, and this is gp {__version__}"
    assert (diag.pos.line, diag.pos.col) == (2, 22)


def test_module_accepting_this_gp_loads(load):
    module = load({"main.gp.hcl": 'gp {\n  required_version = "~> 0.1"\n}\n'})
    assert module.required_version == "~> 0.1"
