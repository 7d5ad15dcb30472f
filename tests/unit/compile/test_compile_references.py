"""`{{...}}` references resolved as Argo's validator does; the broader cases are in tests/golden/lint."""

from pathlib import Path

from hcl_builders import a, b, decl, module, problems

from gp import operations
from gp.compile.module import compile_module, validate_module


def c(*body, image="alpine", line=1):
    return b("container", a("image", image), *body, line=line)


def echo(*body):
    """A container template "echo" that needs a message."""
    return b(
        "container",
        "echo",
        a("image", "alpine"),
        b("parameter", "message"),
        a("args", ["{{inputs.parameters.message}}"]),
        *body,
    )


def wt(*body, label="wt", kind="workflow_template", line=1):
    return decl(kind, label, *body, line=line)


def test_a_template_ref_outside_the_module_is_left_alone():
    out = problems(
        wt(
            b("step", "lib", a("template_ref", {"name": "elsewhere", "template": "gen"})),
            b(
                "step",
                "use",
                a("template", "echo"),
                a("depends", "lib"),
                a(
                    "arguments",
                    {"message": "{{tasks.lib.outputs.parameters.anything}} {{tasks.lib.status}}"},
                ),
            ),
            echo(),
        )
    )
    assert out == []


def test_a_global_output_of_an_unknown_template_ref_may_exist():
    out = problems(
        wt(
            a("on_exit", "report"),
            b("step", "lib", a("template_ref", {"name": "elsewhere", "template": "gen"})),
            b(
                "container",
                "report",
                a("image", "alpine"),
                a("args", ["{{workflow.outputs.parameters.size}}"]),
            ),
        )
    )
    assert out == []


def test_inline_templates_see_their_own_inputs_and_are_checked_as_templates():
    inline = {
        "inputs": {"parameters": [{"name": "m"}]},
        "container": {
            "image": "alpine",
            "args": ["{{inputs.parameters.m}}", "{{inputs.parameters.x}}"],
        },
    }
    out = problems(wt(b("dag", "main", b("task", "a", a("inline", inline, line=4)))))
    assert out == [
        'main.gp.hcl:1:1: task "a" calls an inline template without its input parameter "m", which has no default',
        "main.gp.hcl:4:3: {{inputs.parameters.x}} does not resolve: an inline template declares no input "
        'parameter "x"',
    ]


def test_a_step_with_an_exit_hook_may_pass_its_own_outputs_to_it():
    gen = b("container", "gen", a("image", "alpine"))
    hook = {
        "exit": {
            "template": "echo",
            "arguments": {
                "parameters": [{"name": "message", "value": "{{steps.work.outputs.result}}"}]
            },
        }
    }
    hooked = b("step", "work", a("template", "gen"), a("hooks", hook))
    assert problems(wt(a("entrypoint", "main"), b("steps", "main", hooked), gen, echo())) == []
    plain = b(
        "step",
        "work",
        a("template", "echo"),
        a("arguments", {"message": "{{steps.work.outputs.result}}"}, line=7),
    )
    assert problems(wt(a("entrypoint", "main"), b("steps", "main", plain), echo())) == [
        'main.gp.hcl:7:3: {{steps.work.outputs.result}} does not resolve: step "work" cannot read its own '
        "outputs (only its exit hook can)"
    ]


def test_a_dependency_cycle_does_not_stop_the_check():
    out = problems(
        wt(
            b(
                "step",
                "a",
                a("template", "echo"),
                a("depends", "b"),
                a("arguments", {"message": "{{tasks.b.status}}"}),
            ),
            b(
                "step",
                "b",
                a("template", "echo"),
                a("depends", "a"),
                a("arguments", {"message": "{{tasks.a.status}}"}),
            ),
            echo(),
        )
    )
    assert out == ["main.gp.hcl:1:3: dependency cycle: a -> b -> a"]


def test_a_workflow_manifest_is_a_workflow_its_parameters_must_be_declared():
    content = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "run"},
        "spec": {
            "entrypoint": "main",
            "templates": [
                {
                    "name": "main",
                    "container": {"image": "alpine", "args": ["{{workflow.parameters.tile}}"]},
                }
            ],
        },
    }
    out = problems(decl("manifest", "run", a("content", content, line=2)))
    assert out == [
        'main.gp.hcl:2:3: {{workflow.parameters.tile}} does not resolve: no workflow parameter "tile" '
        "is declared in arguments"
    ]


def test_the_same_reference_in_a_template_is_only_a_warning_and_compiles():
    tmpl = wt(
        b(
            "container",
            "main",
            a("image", "alpine"),
            a("args", ["{{workflow.parameters.tile}}"], line=2),
        ),
        a("entrypoint", "main"),
    )
    diags = [(d.severity, str(d)) for d in validate_module(module(tmpl))]
    assert diags == [
        (
            "warning",
            "main.gp.hcl:2:3: {{workflow.parameters.tile}} may not resolve: no workflow "
            'parameter "tile" is declared in arguments; a workflow submitted from this '
            "template must pass it",
        )
    ]
    assert len(compile_module(module(tmpl))) == 1


def test_expression_tags_and_untracked_roots_are_not_checked():
    out = problems(
        wt(
            b(
                "container",
                "main",
                a("image", "alpine"),
                a(
                    "args",
                    [
                        "{{=inputs.parameters.nope}}",
                        "{{ = tasks.x.outputs.result }}",
                        "{{retries}}",
                        "{{lastRetry.status}}",
                        "{{item}}",
                        "{{node.name}}",
                        "{{outputs.parameters.x.path}}",
                        "{{workflow.creationTimestamp.RFC3339}}",
                        "{{workflow.scheduledTime}}",
                        "{{workflow.duration}}",
                        "no tag {{ at all",
                    ],
                ),
            )
        )
    )
    assert out == []


def test_a_with_param_loop_accepts_any_item_field_and_items_do_not_leak_between_tasks():
    out = problems(
        wt(
            b(
                "step",
                "a",
                a("template", "echo"),
                a("with_param", '[{"x": 1}]'),
                a("arguments", {"message": "{{item.x}} {{item.anything.deep}}"}),
            ),
            b(
                "step",
                "b",
                a("template", "echo"),
                a("arguments", {"message": "{{item.x}}"}, line=5),
            ),
            echo(),
        )
    )
    assert out == [
        'main.gp.hcl:5:3: {{item.x}} does not resolve: task "b" does not loop (no with_items, '
        "with_param or with_sequence)"
    ]


def test_in_a_steps_template_items_stay_in_scope_for_later_steps_as_in_argo():
    out = problems(
        wt(
            a("entrypoint", "main"),
            b(
                "steps",
                "main",
                b(
                    "step",
                    "a",
                    a("template", "echo"),
                    a("with_items", [{"k": 1}]),
                    a("arguments", {"message": "{{item.k}}"}),
                ),
                b("step", "b", a("template", "echo"), a("arguments", {"message": "{{item.k}}"})),
            ),
            echo(),
        )
    )
    assert out == []


def test_daemon_ip_and_aggregated_results():
    out = problems(
        wt(
            b("step", "db", a("template", "db")),
            b(
                "step",
                "c",
                a("template", "echo"),
                a("with_items", ["a"]),
                a("arguments", {"message": "{{item}}"}),
            ),
            b(
                "step",
                "use",
                a("template", "echo"),
                a("depends", "db && c"),
                a(
                    "arguments",
                    {"message": "{{tasks.db.ip}} {{tasks.c.outputs.parameters}} {{tasks.c.ip}}"},
                    line=9,
                ),
            ),
            b("container", "db", a("image", "postgres"), a("daemon", True)),
            echo(),
        )
    )
    assert out == [
        'main.gp.hcl:9:3: {{tasks.c.ip}} does not resolve: task "c" runs template "echo", which is '
        "not a daemon; only daemons have an ip"
    ]


def test_objects_with_evaluation_errors_are_not_reference_checked(tmp_path: Path):
    """A parameter whose default failed to evaluate must not show up again as "not passed"."""
    (tmp_path / "main.gp.hcl").write_text(
        'provider "directory" {\n  path = "d"\n}\n'
        'workflow_template "t" {\n'
        '  container "echo" {\n'
        '    parameter "m" {\n      default = var.nope\n    }\n'
        '    image = "alpine"\n    args = ["{{inputs.parameters.m}}"]\n  }\n'
        '  step "a" {\n    template = "echo"\n  }\n}\n'
        'workflow_template "u" {\n  container "x" {\n    image = "alpine"\n'
        '    args = ["{{inputs.parameters.zz}}"]\n  }\n}\n'
    )
    _, diags = operations.validate(operations.Inputs(tmp_path))
    messages = [d.message for d in diags]
    assert messages[0] == 'Unknown variable "var.nope"'
    assert len(messages) == 2 and messages[1].startswith(
        "{{inputs.parameters.zz}} does not resolve"
    )


def test_values_of_the_wrong_shape_are_left_to_the_schema_check():
    content = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "odd"},
        "spec": {
            "arguments": {"parameters": [{"name": ["x"]}]},
            "templates": [
                {"name": "d", "dag": "oops"},
                {"name": "s", "steps": {"a": 1}},
                {
                    "name": "c",
                    "container": {"image": "alpine"},
                    "inputs": {"parameters": True},
                    "outputs": {"parameters": [{"name": {"x": 1}}]},
                },
                {
                    "name": "w",
                    "dag": {
                        "tasks": [
                            {
                                "name": "t",
                                "template": "c",
                                "withItems": 5,
                                "arguments": {"parameters": [{"name": ["p"], "value": "v"}]},
                            }
                        ]
                    },
                },
            ],
        },
    }
    out = problems(decl("manifest", "odd", a("content", content, line=2)))
    assert out and all(line.startswith("main.gp.hcl:2:3: ") for line in out)
    assert not any("does not resolve" in line for line in out)
