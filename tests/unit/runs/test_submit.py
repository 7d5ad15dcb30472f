from gp.runs.submit import (
    Origin,
    Submission,
    Version,
    build_workflow,
    label_value,
    template_digest,
    user_annotations,
)

ORIGIN = Origin(
    "geo",
    'workflow_template.tiles["a"]',
    "me@host",
    Version("abc123def456", "sha256:" + "0" * 64, "f" * 40, dirty=True),
)


def test_a_template_run_references_it_and_carries_gps_labels():
    wf = build_workflow(
        Submission(
            "pipeline", template="sen2cor", parameters={"tile": "T1"}, annotations={"note": "x"}
        ),
        ORIGIN,
    )
    assert wf["spec"] == {
        "workflowTemplateRef": {"name": "sen2cor"},
        "arguments": {"parameters": [{"name": "tile", "value": "T1"}]},
    }
    meta = wf["metadata"]
    assert meta["generateName"] == "sen2cor-" and meta["namespace"] == "pipeline"
    assert meta["labels"]["gp.dev/stack"] == "geo"
    # brackets and quotes are not allowed in label values: a digest stands in, the
    # annotation keeps the address exactly
    assert (
        meta["labels"]["gp.dev/address"]
        == label_value('workflow_template.tiles["a"]')
        != 'workflow_template.tiles["a"]'
    )
    assert meta["annotations"]["gp.dev/address"] == 'workflow_template.tiles["a"]'
    assert meta["labels"]["gp.dev/version"] == "abc123def456"
    assert meta["labels"]["gp.dev/commit"] == "f" * 40
    assert meta["annotations"]["gp.dev/git-dirty"] == "true"
    assert meta["annotations"]["note"] == "x"


def test_a_cluster_template_and_an_exact_name():
    wf = build_workflow(Submission("ns", template="shared", cluster_scope=True, name="r1"), ORIGIN)
    assert wf["spec"]["workflowTemplateRef"] == {"name": "shared", "clusterScope": True}
    assert wf["metadata"]["name"] == "r1" and "generateName" not in wf["metadata"]


def test_a_cron_runs_its_workflow_spec_once_with_parameters_overridden():
    cron = {
        "metadata": {"name": "nightly"},
        "spec": {
            "workflowSpec": {
                "workflowTemplateRef": {"name": "t"},
                "arguments": {
                    "parameters": [{"name": "tile", "value": "A"}, {"name": "day", "value": "1"}]
                },
            },
            "workflowMetadata": {"labels": {"team": "geo"}},
        },
    }
    wf = build_workflow(Submission("ns", cron=cron, parameters={"tile": "B"}), ORIGIN)
    assert wf["spec"]["arguments"]["parameters"] == [
        {"name": "tile", "value": "B"},
        {"name": "day", "value": "1"},
    ]
    assert wf["metadata"]["labels"]["workflows.argoproj.io/cron-workflow"] == "nightly"
    assert wf["metadata"]["labels"]["team"] == "geo"
    assert cron["spec"]["workflowSpec"]["arguments"]["parameters"][0]["value"] == "A"  # not mutated


def test_digest_ignores_metadata_and_follows_the_spec():
    a = {"metadata": {"name": "x"}, "spec": {"entrypoint": "main"}}
    b = {"metadata": {"name": "y", "labels": {"k": "v"}}, "spec": {"entrypoint": "main"}}
    assert (
        template_digest(a)
        == template_digest(b)
        != template_digest({"spec": {"entrypoint": "other"}})
    )


def test_resubmit_keeps_only_the_users_annotations():
    assert user_annotations(
        {"gp.dev/address": "a", "workflows.argoproj.io/x": "y", "sim.gp.dev/scenario": "{}"}
    ) == {"sim.gp.dev/scenario": "{}"}


def test_run_commands_on_the_directory_provider_say_it_has_no_engine(capsys):
    from pathlib import Path

    from gp.cli.main import main

    example = Path(__file__).resolve().parents[3] / "examples" / "sen2cor"
    for args in (
        ["run", "module.sen2cor.workflow_template.chain"],
        ["runs"],
        ["watch", "x"],
        ["logs", "x"],
        ["stop", "x"],
        ["resubmit", "x"],
    ):
        assert main([*args, "-C", str(example), "--no-color"]) == 1
        err = capsys.readouterr().err
        assert "Error: the directory provider has no engine to run pipelines" in err, (args, err)
