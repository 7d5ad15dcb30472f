"""Each rule of `gp validate` (LANGUAGE.md), with its message and position."""

import pytest
from hcl_builders import a, b, decl, module, problems, ref

from gp.compile.module import validate_module


def c(*body, line=1):
    return b("container", a("image", "alpine"), *body, line=line)


def wt(*body, label="wt", line=1, **kw):
    return decl("workflow_template", label, *body, line=line, **kw)


def cron(*body, label="nightly", line=1):
    return decl("cron_workflow", label, *body, line=line)


def test_a_valid_module_has_no_problems():
    assert problems(wt(b("step", "a", c()), b("step", "b", a("depends", "a"), c()))) == []


def test_object_names_are_dns_subdomains():
    assert problems(wt(a("name", "Bad_Name", line=2), b("container", "x", a("image", "i")))) == [
        'main.gp.hcl:2:3: WorkflowTemplate name "Bad_Name" is not a valid DNS-1123 subdomain: use lowercase '
        "letters, digits, '-' and '.', starting and ending with a letter or digit"
    ]


def test_object_name_lengths():
    long63 = "x" * 63
    assert problems(wt(b("container", "x", a("image", "i")), label=long63)) == []
    assert problems(wt(b("container", "x", a("image", "i")), label="x" * 64, line=3)) == [
        f'main.gp.hcl:3:1: WorkflowTemplate name "{"x" * 64}" is 64 characters long; at most 63 are allowed'
    ]
    cron_name = "n" * 53
    out = problems(
        cron(a("schedule", "@daily"), a("workflow_template", "ghost"), label=cron_name, line=5),
        wt(a("entrypoint", "x"), b("container", "x", a("image", "i")), label="ghost"),
    )
    assert out == [
        f'main.gp.hcl:5:1: CronWorkflow name "{cron_name}" is 53 characters long; at most 52 are allowed'
    ]


def test_template_and_task_names():
    assert problems(wt(b("step", "d_x", c(), line=4))) == [
        'main.gp.hcl:4:1: task name "d_x" must match ^[a-zA-Z0-9][-a-zA-Z0-9]*$',
        'main.gp.hcl:4:1: template name "d_x" must match ^[a-zA-Z0-9][-a-zA-Z0-9]*$',
    ]


def test_duplicates():
    out = problems(
        wt(b("step", "a", c(), line=2), b("step", "a", c(), line=3), line=1),
        wt(
            b("container", "t", a("image", "i")),
            label="wt",
            address="workflow_template.again",
            line=9,
        ),
    )
    assert out == [
        'main.gp.hcl:3:1: duplicate task "a"',
        'main.gp.hcl:3:1: duplicate template "a"',
        "main.gp.hcl:9:1: WorkflowTemplate/pipeline/wt is declared twice: by workflow_template.wt (main.gp.hcl:1:1) "
        "and workflow_template.again",
    ]


def test_unknown_field_names_the_closest():
    assert problems(
        wt(a("pod_gcc", {}, line=2, col=5), b("step", "a", c(a("imagee", "x", line=4))))
    ) == [
        'main.gp.hcl:2:5: unknown field "pod_gcc" in workflow_template "wt"; did you mean "pod_gc"?',
        'main.gp.hcl:4:3: unknown field "imagee" in container; did you mean "image"?',
    ]


def test_unknown_nested_key_and_block():
    assert problems(
        wt(a("pod_gc", {"strategyy": "x"}, line=2), b("tolerashun", line=3), b("step", "a", c()))
    ) == [
        'main.gp.hcl:2:3: unknown field "strategyy" in PodGC; did you mean "strategy"?',
        'main.gp.hcl:3:1: unknown block "tolerashun" in workflow_template "wt"; did you mean "toleration"?',
    ]


def test_type_errors():
    assert problems(
        wt(a("parallelism", "many", line=2), a("archive_logs", [1], line=3), b("step", "a", c()))
    ) == [
        'main.gp.hcl:2:3: "parallelism" expects a whole number, got a string',
        'main.gp.hcl:3:3: "archive_logs" expects a bool, got a list',
    ]


def test_step_needs_exactly_one_body():
    assert problems(
        wt(
            b("step", "h", line=2),
            b("step", "i", a("template", "i2"), c(), line=3),
            b("container", "i2", a("image", "x")),
        )
    ) == [
        'main.gp.hcl:2:1: step "h" must hold exactly one of container, script, resource, suspend, http, template '
        "or template_ref",
        'main.gp.hcl:3:1: step "i" must hold exactly one of container, script, resource, suspend, http, template '
        "or template_ref",
    ]


def test_depends_syntax():
    assert problems(
        wt(
            b("step", "a", c()),
            b("step", "b", a("depends", "a &&", line=3), c()),
            b("step", "d", a("depends", "a.Finished", line=4), c()),
        )
    ) == [
        'main.gp.hcl:3:3: task "b": invalid depends "a &&": unexpected end of expression at character 5',
        'main.gp.hcl:4:3: task "d": invalid depends "a.Finished": unknown task result \'Finished\' (one of '
        "Succeeded, Failed, Errored, Skipped, Omitted, Daemoned, AnySucceeded, AllFailed) at character 3",
    ]


def test_depends_unknown_task_and_cycle():
    assert problems(
        wt(
            b("step", "prep", c()),
            b("step", "b", a("depends", "prep.Failed && (c || perp)", line=3), c()),
            b("step", "c", a("depends", "!b.Succeeded", line=4), c()),
        )
    ) == [
        "main.gp.hcl:3:3: dependency cycle: b -> c -> b",
        'main.gp.hcl:3:3: task "b" depends on unknown task "perp"; did you mean "prep"?',
    ]


def test_fan_out_results_need_a_fan_out():
    ok = wt(
        b("step", "a", a("with_items", [1, 2]), c()),
        b("step", "b", a("depends", "a.AnySucceeded"), c()),
    )
    assert problems(ok) == []
    bad = wt(b("step", "a", c()), b("step", "b", a("depends", "a.AllFailed", line=3), c()))
    assert problems(bad) == [
        'main.gp.hcl:3:3: task "b" uses a.AllFailed, but task "a" does not fan out (no with_items, with_param '
        "or with_sequence)"
    ]


def test_continue_on_with_depends_and_mixed_forms():
    assert problems(
        wt(
            b("step", "a", c()),
            b("step", "b", a("depends", "a"), a("continue_on", {"failed": True}, line=3), c()),
            b("step", "e", a("depends", "a"), a("dependencies", ["a"], line=4), c()),
        )
    ) == [
        'main.gp.hcl:3:3: task "b" sets continue_on together with depends; Argo ignores continue_on there: use '
        "depends conditions such as A.Failed instead",
        'main.gp.hcl:4:3: task "e" sets both depends and dependencies; use one',
    ]


def test_references_must_exist():
    out = problems(
        wt(
            a("entrypoint", "mian", line=2),
            a("on_exit", "bye", line=3),
            b("step", "a", c()),
            b("step", "g", a("template", "nope", line=5)),
            b("step", "r", a("template_ref", {"name": "lib", "template": "missing"}, line=6)),
            b("step", "ext", a("template_ref", {"name": "elsewhere", "template": "any"})),
        ),
        wt(b("container", "present", a("image", "i")), label="lib"),
    )
    assert out == [
        'main.gp.hcl:2:3: entrypoint refers to template "mian", which does not exist; did you mean "main"?',
        'main.gp.hcl:3:3: on_exit refers to template "bye", which does not exist',
        'main.gp.hcl:5:3: task "g" refers to template "nope", which does not exist',
        'main.gp.hcl:6:3: task "r": template_ref names template "missing", which lib does not have',
    ]


def test_duplicate_step_names_across_groups_of_a_steps_template():
    out = problems(
        wt(
            b(
                "steps",
                "main",
                b("step", "one", a("template", "say"), line=3),
                b(
                    "parallel",
                    b("step", "two", a("template", "say"), line=5),
                    b("step", "one", a("template", "say"), line=6),
                    line=4,
                ),
                line=2,
            ),
            b("container", "say", a("image", "alpine"), line=8),
        )
    )
    assert out == ['main.gp.hcl:6:1: duplicate step "one"']


def test_hooks_must_name_a_template_of_the_spec():
    out = problems(
        wt(
            b("hook", "exit", a("template", "bye", line=3), line=2),
            b("step", "a", c(), b("hook", "running", a("template", "sya", line=6), line=5), line=4),
            b("container", "say", a("image", "alpine"), line=8),
        )
    )
    assert out == [
        'main.gp.hcl:3:3: workflow hook "exit" refers to template "bye", which does not exist',
        'main.gp.hcl:6:3: task "a" hook "running" refers to template "sya", which does not exist; '
        'did you mean "say"?',
    ]


def test_cron_schedules_time_zones_and_template():
    out = problems(
        cron(
            a(
                "schedules",
                ["61 * * * *", "0 0 1 1 1 1", "@fortnightly", "@every 5m", "@hourly"],
                line=2,
            ),
            a("timezone", "Mars/Base", line=3),
            a("workflow_template", "ghost", line=4),
        ),
    )
    assert out == [
        'main.gp.hcl:2:3: invalid schedule "0 0 1 1 1 1": expected five cron fields (minute hour day-of-month month '
        "day-of-week) or a descriptor such as @hourly, found 6",
        'main.gp.hcl:2:3: invalid schedule "61 * * * *": the minute field "61" is not valid (allowed: 0-59)',
        'main.gp.hcl:2:3: invalid schedule "@fortnightly": unknown descriptor; expected one of @yearly, @annually, '
        "@monthly, @weekly, @daily, @midnight, @hourly or @every <duration>",
        'main.gp.hcl:3:3: unknown time zone "Mars/Base": expected an IANA name such as America/Toronto',
        'main.gp.hcl:4:3: workflow_template "ghost" is not declared in this module',
    ]


@pytest.mark.parametrize(
    "expr, field",
    [
        ("0 24 * * *", 'hour field "24"'),
        ("0 0 32 * *", 'day-of-month field "32"'),
        ("0 0 * 13 *", 'month field "13"'),
        ("0 0 * * MON-FOO", 'day-of-week field "MON-FOO"'),
    ],
)
def test_cron_schedule_names_the_field_at_fault(expr, field):
    (msg,) = problems(cron(a("schedule", expr, line=2), a("workflow_template", "t", line=3)))[:1]
    assert msg.startswith(f'main.gp.hcl:2:3: invalid schedule "{expr}": the {field} is not valid')


def test_cron_concurrency_policy_is_one_of_argos():
    out = problems(cron(a("schedule", "@daily"), a("concurrency_policy", "Forbidden", line=2)))
    assert (
        'main.gp.hcl:2:3: concurrency_policy "Forbidden" is not one of Allow, Forbid, Replace; '
        'did you mean "Forbid"?' in out
    )


def test_cron_reference_to_an_undeclared_address():
    out = problems(
        cron(
            a("schedule", "@daily"),
            a("workflow_template", ref("workflow_template.gone", "gone"), line=2),
        )
    )
    assert out == [
        "main.gp.hcl:2:3: workflow_template refers to workflow_template.gone, which is not a template "
        "of this module"
    ]


def test_cron_needs_schedule_and_workflow():
    assert problems(cron(line=7)) == [
        'main.gp.hcl:7:1: cron_workflow "nightly" needs schedule or schedules',
        'main.gp.hcl:7:1: cron_workflow "nightly" needs workflow_template or a workflow_spec block',
    ]


def test_manifest_is_checked_against_the_schema():
    content = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "m"},
        "spec": {"templatez": [], "podGC": {"strategy": 1}},
    }
    assert problems(decl("manifest", "m", a("content", content, line=2))) == [
        "main.gp.hcl:2:3: spec.podGC.strategy: Input should be a valid string",
        'main.gp.hcl:2:3: unknown field "templatez" in spec (WorkflowSpec); did you mean "templates"?',
    ]


def test_manifest_kind_and_api_version():
    assert problems(
        decl("manifest", "n", a("content", {"apiVersion": "v1", "kind": "ConfigMap"}, line=2))
    ) == [
        "main.gp.hcl:2:3: manifest content has kind 'ConfigMap'; expected one of ClusterWorkflowTemplate, "
        "CronWorkflow, Workflow, WorkflowEventBinding, WorkflowTemplate",
        "main.gp.hcl:2:3: manifest content must have apiVersion argoproj.io/v1alpha1, not 'v1'",
    ]


def test_all_errors_at_once_across_objects():
    out = problems(
        wt(a("pod_gcc", 1, line=2), b("step", "a", c())),
        cron(a("schedule", "bad", line=12), a("workflow_template", "wt"), line=11),
    )
    assert [o.split(": ")[0] for o in out] == ["main.gp.hcl:2:3", "main.gp.hcl:12:3"]


def test_sensitive_values_never_show_in_messages():
    m = module(
        cron(a("schedule", "s3cret-schedule", line=2), a("workflow_template", "wt")),
        wt(b("step", "a", c())),
    )
    m.sensitive_values = frozenset({"s3cret-schedule"})
    (d,) = validate_module(m)
    assert "s3cret" not in d.message and "(sensitive value)" in d.message


def test_block_written_for_an_attribute():
    assert problems(wt(b("step", "a", b("container", a("image", "x"), b("args", line=3))))) == [
        'main.gp.hcl:3:1: "args" is an attribute, not a block: write args = ...'
    ]


def test_labels_on_blocks():
    assert problems(
        wt(
            b("pod_gc", "x", line=2),
            b("hook", line=3),
            b("toleration", "t", line=4),
            b("step", "a", c()),
        )
    ) == [
        'main.gp.hcl:2:1: block "pod_gc" takes no labels',
        'main.gp.hcl:3:1: block "hook" needs one label, the key in hooks',
        'main.gp.hcl:4:1: block "toleration" takes no labels',
    ]


def test_cluster_template_takes_no_namespace():
    out = problems(
        decl(
            "cluster_workflow_template",
            "lib",
            a("namespace", "x", line=2),
            b("container", "c", a("image", "i")),
        )
    )
    assert out == [
        "main.gp.hcl:2:3: ClusterWorkflowTemplate is cluster-scoped; it takes no namespace"
    ]


def test_ownership_labels_cannot_be_written():
    out = problems(
        wt(a("labels", {"app.kubernetes.io/managed-by": "helm"}, line=2), b("step", "a", c()))
    )
    assert out == [
        'main.gp.hcl:2:3: label "app.kubernetes.io/managed-by" is set by gp itself and cannot be written'
    ]
