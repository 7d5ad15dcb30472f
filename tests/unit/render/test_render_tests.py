"""`gp test`'s text report: what each backend said about a node that ended in Error."""

from gp import testing
from gp.errors import SourcePos
from gp.render.tests import render_text
from gp.simulate import NodeResult, SimulatedRun
from gp.testing import Check, Mismatch

POD_ERROR = 'Pod "rt-test-x-A-1" is invalid: metadata.name: Invalid value'


def _run(message: str) -> SimulatedRun:
    return SimulatedRun(
        "Error",
        (
            NodeResult("", "rt", "DAG", "Error", 0),
            NodeResult("A", "A", "Pod", "Error", 1, (), message),
        ),
    )


def test_the_engine_s_error_message_is_shown_in_text_not_only_in_json():
    case = testing.TestCase(
        "refused", SourcePos("t.gptest.hcl", 1, 1), "workflow_template.rt", SourcePos("t", 1, 1)
    )
    result = testing.TestResult(
        case,
        (Check("simulator", _run("pod names must be lowercase")), Check("engine", _run(POD_ERROR))),
    )
    text = render_text(testing.TestReport((result,)))
    assert f'[engine] "A" Error: {POD_ERROR}' in text
    assert "[simulator]" not in text  # the simulator's reasons show in its failing run


def test_a_failing_run_lists_each_error_node_with_its_message():
    case = testing.TestCase(
        "refused", SourcePos("t.gptest.hcl", 1, 1), "workflow_template.rt", SourcePos("t", 1, 1)
    )
    check = Check(
        "simulator",
        _run("pod names must be lowercase"),
        (Mismatch("phase", "", "Succeeded", "Error"),),
    )
    text = render_text(testing.TestReport((testing.TestResult(case, (check,)),)))
    assert "A  Error  (started at step 1)  pod names must be lowercase" in text
