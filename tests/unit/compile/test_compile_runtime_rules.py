"""What Argo refuses only at run time, reported by `gp validate` (compile/runtime.py).

Each rule is held against the real controller in
tests/integration/test_engine_runtime_rules.py; here, positions, exceptions and edge cases.
"""

from fractions import Fraction

import pytest
from hcl_builders import a, b, decl, problems

from gp.compile import kube_names as kn
from gp.compile.quantity import QuantityError, parse_quantity
from gp.compile.runtime import pod_refusals
from gp.simulate import Scenario, simulate


def c(*body, line=1):
    return b("container", a("image", "alpine"), a("command", ["sh"]), *body, line=line)


def wt(*body, label="wt", **kw):
    return decl("workflow_template", label, *body, **kw)


def test_a_step_with_capitals_names_the_template_and_the_fix():
    out = problems(wt(b("step", "A", c(), line=4)))
    assert len(out) == 1
    assert out[0].startswith('main.gp.hcl:4:1: template "A" runs in pods named <workflow>-A-<hash>')
    assert 'Rename the template to "a"' in out[0]


def test_capitals_in_task_names_are_fine_only_the_template_is_in_the_pod_name():
    step = b("step", "A", a("template", "say"))
    assert problems(wt(step, b("container", "say", a("image", "alpine")))) == []


def test_the_entry_template_alone_runs_as_the_workflow_s_pod_and_may_have_capitals():
    # The root node's pod takes the bare Workflow name (pod_name.go): no template name in it.
    assert problems(wt(a("entrypoint", "Main"), b("container", "Main", a("image", "alpine")))) == []


def test_a_retried_entry_template_runs_as_an_attempt_pod_and_may_not():
    out = problems(
        wt(
            a("entrypoint", "Main"),
            b("container", "Main", a("image", "alpine"), a("retry_strategy", {"limit": 1})),
        )
    )
    assert any('template "Main" runs in pods' in p for p in out), out


def test_an_entry_template_run_by_template_ref_from_another_object_may_not():
    target = wt(a("entrypoint", "Main"), b("container", "Main", a("image", "alpine")), label="lib")
    user = wt(b("step", "go", a("template_ref", {"name": "lib", "template": "Main"})), label="user")
    out = problems(target, user)
    assert any('template "Main" runs in pods' in p for p in out), out


def test_argo_placeholders_are_judged_at_run_time_not_here():
    step = b(
        "step",
        "a",
        c(),
        b("parameter", "tile", a("value", "T10UDV")),
        b("metadata", a("labels", {"tile": "{{inputs.parameters.tile}}"})),
    )
    assert problems(wt(step)) == []


def test_a_mount_of_a_spec_volume_or_a_claim_template_resolves():
    spec_volume = wt(
        b("volume", "data", a("empty_dir", {})),
        b("step", "a", c(b("volume_mount", a("name", "data"), a("mount_path", "/d")))),
    )
    assert problems(spec_volume) == []


def test_the_128_character_limit_on_step_names():
    out = problems(wt(b("step", "s" * 129, c())))
    assert any("is 129 characters, longer than Argo's 128 characters" in p for p in out), out
    assert problems(wt(b("step", "s" * 128, c()))) == []


def test_sidecar_name_rules():
    def refusals(*sidecars):
        tmpl = {"name": "t", "container": {"image": "i"}, "sidecars": list(sidecars)}
        return [r.message for r in pod_refusals(tmpl, {})]

    assert refusals({"name": "ok", "image": "i"}) == []
    assert (
        "two containers of the pod share it"
        in refusals({"name": "x", "image": "i"}, {"name": "x", "image": "i"})[0]
    )
    assert "a container Argo adds" in refusals({"name": "init", "image": "i"})[0]
    assert "has no image" in refusals({"name": "x"})[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Fraction(1, 2)),
        ("1Gi", Fraction(1024**3)),
        ("1.5", Fraction(3, 2)),
        ("2e3", Fraction(2000)),
        (2, Fraction(2)),
        ("128974848", Fraction(128974848)),
    ],
)
def test_quantities(text, value):
    assert parse_quantity(text) == value


def test_a_malformed_quantity_is_left_to_the_schema_check():
    with pytest.raises(QuantityError):
        parse_quantity("1.2.3Gi")


def test_kubernetes_name_rules():
    assert kn.port_name("http") is None
    assert kn.port_name("123") == "must contain at least one letter"
    assert kn.port_name("a--b") == "must not contain consecutive hyphens"
    assert kn.label_key("example.com/Key_1") is None
    assert kn.label_value("x" * 64) == "must be no more than 63 characters"
    assert kn.env_name("A B") is None  # relaxed rule: any printable ASCII but '='


def test_the_simulator_ends_a_refused_pod_in_error_as_the_engine_does():
    pipeline = {
        "kind": "WorkflowTemplate",
        "metadata": {"name": "linear"},
        "spec": {
            "entrypoint": "main",
            "templates": [
                {"name": "main", "dag": {"tasks": [{"name": "A", "template": "A"}]}},
                {"name": "A", "container": {"image": "alpine"}},
            ],
        },
    }
    run = simulate(Scenario(pipeline))
    assert run.phase == "Error"
    node = run.find("A")
    assert node is not None and node.phase == "Error"
    assert "pod names must be lowercase" in node.message


def test_the_simulator_fails_a_workflow_whose_metadata_labels_argo_refuses():
    pipeline = {
        "kind": "WorkflowTemplate",
        "metadata": {"name": "w"},
        "spec": {
            "entrypoint": "t",
            "workflowMetadata": {"labels": {"team": "a b"}},
            "templates": [{"name": "t", "container": {"image": "alpine"}}],
        },
    }
    run = simulate(Scenario(pipeline))
    assert (run.phase, run.nodes) == ("Error", ())
    assert 'label "team"' in run.message
