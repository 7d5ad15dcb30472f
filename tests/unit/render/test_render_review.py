"""Plan review: grouped blocks, the shape of created objects, huge values, the markdown comment
with its Mermaid diagrams and size limit, and the DAG summary in the JSON plan."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

from render_builders import make, manifest, ref, update_template

from gp.planner.plan import Action, FieldDiff, ResourceChange
from gp.render.json import plan_json
from gp.render.markdown import render_plan_markdown
from gp.render.text import render_plan

sys.path.insert(0, str(Path(__file__).parents[1] / "planner"))
from test_planner_dag import case_plan, chain


def test_changed_item_shows_only_its_changed_fields_in_its_block():
    p = case_plan("template-body")
    out = render_plan(p, color=False)
    assert (
        '      ~ template "sen2cor-280" {\n'
        '          ~ container.image = "geo/sen2cor:2.8.0" -> "geo/sen2cor:2.8.1"\n'
        "        }\n"
    ) in out
    assert "L2A_Process" not in out  # its unchanged command stays hidden


def test_removed_item_is_one_block_with_its_fields():
    out = render_plan(case_plan("remove"), color=False)
    assert (
        '          - task "all-failed" {\n'
        '              - template = "all-failed" -> null\n'
        '              - depends  = "sen2cor-255.Failed" -> null\n'
        "            }\n"
    ) in out
    assert (
        '      - template "all-failed" {\n'
        '          - script.image   = "python:3.12-alpine" -> null\n'
        '          - script.command = ["python"] -> null\n'
        "          - script.source  = \"print('failed')\\n\" -> null\n"
        "        }\n"
    ) in out


def _create(spec: dict) -> ResourceChange:
    return ResourceChange(
        "workflow_template.sen2cor",
        ref("WorkflowTemplate", "sen2cor"),
        Action.CREATE,
        None,
        None,
        manifest("WorkflowTemplate", "sen2cor", spec),
        None,
    )


def test_create_shows_its_shape_and_verbose_every_field():
    p = make([_create(chain(["2.9.0", "2.8.0"]))])
    out = render_plan(p, color=False)
    assert (
        '  + WorkflowTemplate "pipeline/sen2cor" {\n'
        '      + template "main" (dag, entrypoint) {\n'
        '          + task "preprocess" (script python:3.12-alpine)\n'
        '          + task "sen2cor-290" (container geo/sen2cor:2.9.0) after preprocess.Succeeded\n'
        '          + task "sen2cor-280" (container geo/sen2cor:2.8.0) after sen2cor-290.Failed\n'
        '          + task "all-failed" (script python:3.12-alpine) after sen2cor-280.Failed\n'
        '          + task "finalize" (script python:3.12-alpine) after sen2cor-290.Succeeded || sen2cor-280.Succeeded\n'
        "        }\n"
        "        # (its shape; gp plan --verbose shows all 38 fields)\n"
        "    }\n"
    ) in out
    verbose = render_plan(p, color=False, verbose=True)
    assert (
        '          + task "sen2cor-290" {\n'
        '              + template = "sen2cor-290"\n'
        '              + depends  = "preprocess.Succeeded"\n'
        "            }\n"
    ) in verbose
    assert '          + container.image   = "geo/sen2cor:2.9.0"\n' in verbose


def test_a_huge_string_is_shown_by_size_and_hash():
    script = "print('x')\n" * (4 * 1024 * 1024 // 11)
    digest = hashlib.sha256(script.encode()).hexdigest()[:12]
    spec = {
        "entrypoint": "main",
        "templates": [{"name": "main", "script": {"image": "py", "source": script}}],
    }
    verbose = render_plan(make([_create(spec)]), color=False, verbose=True)
    assert f"+ script.source = (4.0 MB string, sha256 {digest})" in verbose
    assert len(verbose) < 5000
    change = replace(
        update_template(),
        fields=(FieldDiff('spec.templates["main"].script.source', script, script + "x\n"),),
    )
    out = render_plan(make([change]), color=False)
    assert re.search(
        r"~ script\.source = \(4\.0 MB string, sha256 \w{12}\) -> \(4\.0 MB string, sha256 \w{12}\)",
        out,
    )
    assert len(out) < 5000


def test_markdown_has_a_mermaid_diagram_per_changed_dag_styled():
    md = render_plan_markdown(case_plan("rename"))
    summary = md.index("### Pipeline changes")
    diagram = md.index("```mermaid\nflowchart LR\n")
    details = md.index("<details>")
    assert summary < diagram < details
    assert '  t1["~ sen2cor-290 → sen2cor-291"]\n' in md
    assert "  class t1,t2,t5 changed\n" in md
    md = render_plan_markdown(case_plan("add"))
    assert '  t1["+ notify"]\n' in md and "  class t1 added\n  class t6 changed\n" in md
    assert "  t0 --> t1\n" in md and "  t1 --> t6\n" in md
    assert "  linkStyle 0,8 stroke:#1a7f37,stroke-width:2px\n" in md


def test_markdown_drops_diagrams_before_cutting_the_summary():
    p = case_plan("rename")
    full = render_plan_markdown(p)
    without = full.split("```mermaid")[0]
    # Room for the summary but not for the diagram (400: the room kept for the notice).
    md = render_plan_markdown(p, limit=len(without) + 400 + 100)
    assert "```mermaid" not in md
    assert "! task sen2cor-290 renamed to sen2cor-291" in md
    assert "1 of 1 DAG diagram was left out" in md
    assert "1 of 1 object diffs were left out" in md
    assert len(md) <= len(without) + 500


def test_markdown_stays_under_the_limit_with_many_diagrams():
    changes = [
        replace(case_plan("rename").changes[0], address=f"workflow_template.w{i:03}")
        for i in range(60)
    ]
    md = render_plan_markdown(make(changes))
    assert len(md) <= 65_536
    kept = md.count("```mermaid")
    assert 0 < kept < 60 and f"{60 - kept} of 60 DAG diagrams were left out" in md
    assert md.count("renamed to sen2cor-291") == 60  # every summary kept


def test_markdown_cuts_a_summary_that_alone_passes_the_limit_and_says_so():
    changes = [
        replace(case_plan("rename").changes[0], address=f"workflow_template.w{i:03}")
        for i in range(300)
    ]
    md = render_plan_markdown(make(changes))
    assert len(md) <= 65_536 and "```mermaid" not in md
    assert "the pipeline summary was cut" in md and md.count("```") % 2 == 0


def test_json_carries_the_dag_summary():
    data = plan_json(case_plan("rename"))
    (dag,) = data["resource_changes"][0]["dag_changes"]
    assert (dag["template"], dag["status"], dag["style"]) == ("main", "changed", "dag")
    renamed = next(t for t in dag["tasks"] if t["status"] == "renamed")
    assert renamed == {
        "name": "sen2cor-291",
        "status": "renamed",
        "renamed_from": "sen2cor-290",
        "reason": "image geo/sen2cor:2.9.0 -> geo/sen2cor:2.9.1; sen2cor-280 and finalize now depend on it",
    }
    assert {"from": "preprocess", "to": "sen2cor-291", "condition": "", "status": "added"} in dag[
        "edges"
    ]
    assert {
        "from": "sen2cor-290",
        "to": "sen2cor-280",
        "condition": "Failed",
        "status": "removed",
    } in dag["edges"]


def test_json_masks_secrets_in_reasons():
    p = case_plan("rename")
    data = plan_json(p, sensitive=["geo/sen2cor:2.9.1"])
    reasons = [t["reason"] for d in data["resource_changes"][0]["dag_changes"] for t in d["tasks"]]
    assert not any("2.9.1" in r for r in reasons) and any("(sensitive value)" in r for r in reasons)


def test_create_shape_of_a_steps_template_names_each_group():
    from test_planner_dag import steps

    out = render_plan(make([_create(steps([["a"], ["b", "c"]]))]), color=False)
    assert (
        '      + template "main" (steps, entrypoint) {\n'
        '          + step "a" (container whalesay:a) in group 1\n'
        '          + step "b" (container whalesay:b) in group 2\n'
        '          + step "c" (container whalesay:c) in group 2\n'
        "        }\n"
    ) in out


def test_the_documented_dag_changes_example_is_what_gp_gives():
    doc = (Path(__file__).parents[3] / "docs" / "plan-json.md").read_text()
    example = next(
        json.loads(block)
        for block in re.findall(r"```json\n(.*?)```", doc, re.S)
        if '"template": "main"' in block
    )
    (actual,) = plan_json(case_plan("rename"))["resource_changes"][0]["dag_changes"]
    assert {k: actual[k] for k in ("template", "status", "style")} == {
        k: example[k] for k in ("template", "status", "style")
    }
    assert all(task in actual["tasks"] for task in example["tasks"])
    assert all(edge in actual["edges"] for edge in example["edges"])
    assert set(actual) == set(example)
