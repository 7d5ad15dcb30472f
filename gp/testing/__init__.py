"""testing: `gp test`, pipeline logic tests from `*.gptest.hcl` files run on a backend
(the simulator offline; a real Argo engine through the same ``Backend`` protocol)."""

from gp.testing.files import Expect, TestCase, load_tests, test_files
from gp.testing.runner import (
    Check,
    Mismatch,
    SimulatorBackend,
    TestBackend,
    TestReport,
    TestResult,
    run_tests,
    scenario_for,
    select,
)

__all__ = [
    "Check",
    "Expect",
    "Mismatch",
    "SimulatorBackend",
    "TestBackend",
    "TestCase",
    "TestReport",
    "TestResult",
    "load_tests",
    "run_tests",
    "scenario_for",
    "select",
    "test_files",
]
