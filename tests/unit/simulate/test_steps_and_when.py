"""Steps templates and the `when` evaluator against Argo's rules (steps.go, govaluate)."""

import pytest

from gp.errors import NotModelledError
from gp.simulate.when import WhenError, evaluate
from tests.unit.simulate.builders import pod, run


def steps_template(groups, templates=(), **spec):
    names = {s["template"] for g in groups for s in g} - {t["name"] for t in templates}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "wf"},
        "spec": {
            "entrypoint": "main",
            "templates": [
                {"name": "main", "steps": groups},
                *[pod(n) for n in sorted(names)],
                *templates,
            ],
            **spec,
        },
    }


def test_groups_run_in_sequence_and_a_failure_stops_the_template():
    m = steps_template(
        [
            [{"name": "a", "template": "t"}, {"name": "b", "template": "t"}],
            [{"name": "c", "template": "t"}],
        ]
    )
    ok = run(m)
    assert ok.phase == "Succeeded" and ok.find("a").started < ok.find("c").started
    r = run(m, {"b": "Failed"})
    assert r.find("[0]").phase == "Failed" and r.find("c") is None and r.phase == "Failed"


def test_continue_on_lets_the_next_group_run():
    m = steps_template(
        [
            [{"name": "a", "template": "t", "continueOn": {"failed": True}}],
            [{"name": "c", "template": "t"}],
        ]
    )
    r = run(m, {"a": "Failed"})
    assert r.find("c").phase == "Succeeded" and r.phase == "Succeeded"


def test_step_when_reads_a_previous_step_output():
    m = steps_template(
        [
            [{"name": "flip", "template": "t"}],
            [
                {
                    "name": "heads",
                    "template": "t",
                    "when": "{{steps.flip.outputs.result}} == heads",
                },
                {
                    "name": "tails",
                    "template": "t",
                    "when": "{{steps.flip.outputs.result}} == tails",
                },
            ],
        ]
    )
    r = run(m, outputs={"flip": {"result": "tails"}})
    assert r.find("heads").phase == "Skipped" and r.find("tails").phase == "Succeeded"


@pytest.mark.parametrize(
    "text,value",
    [
        ("1 == 1", True),
        ("1 == 1.0", True),
        ("'1' == 1", False),
        ("a == a", True),
        ("a != b", True),
        ("2 < 10", True),
        ("'2' < '10'", False),
        ("!(1 > 2) && true", True),
        ("false || 3 >= 3", True),
        ("T11UNQ =~ '^T[0-9]+'", True),
        ("abc !~ 'b'", False),
        ("1 + 2 == 3", True),
        ("-1 < 0", True),
        ("", True),
        ("false && (1 > abc)", False),
    ],
)
def test_when_values(text, value):
    assert evaluate(text) is value


@pytest.mark.parametrize(
    "text", ["abc > 3", "1 && true", "!abc", "(1 == 1", "5", "2.9.0 == x", "a-b == a-b"]
)
def test_when_errors(text):
    with pytest.raises(WhenError):
        evaluate(text)


@pytest.mark.parametrize("text", ["a ? b : c", "a IN (1, 2)", "len(x) > 1", "'2024-01-01' == x"])
def test_when_not_modelled(text):
    with pytest.raises(NotModelledError):
        evaluate(text)
