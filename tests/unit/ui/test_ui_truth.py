"""What the pages owe a reviewer (directory provider): a pipeline whose live object differs
says so with a link to the plan; /plan shows each object's diff whole, folded per object; the
stack page gives each object its own last apply."""

from __future__ import annotations

import re
import time
from html import unescape

from ui_helpers import apply, client_for

from gp.cli.main import main

WT = "workflow_template.sen2cor-nightly"


def test_a_pipeline_whose_module_differs_from_the_live_one_says_so(workspace):
    root = workspace / "examples/nightly"
    client = client_for(root)
    page = unescape(client.get(f"/pipelines/{WT}").text)
    assert f"{WT} is not applied yet" in page  # before any apply
    apply(root)
    assert "live-differs" not in client.get(f"/pipelines/{WT}").text
    main_file = root / "main.gp.hcl"
    main_file.write_text(main_file.read_text().replace("2.9.0", "2.9.1"))
    page = unescape(client.get(f"/pipelines/{WT}").text)
    assert "The live WorkflowTemplate differs from the module." in page
    assert f"{WT} differs from the module: the DAG below is the module's" in page
    assert '<a href="/plan">See the plan</a>' in page


def test_the_plan_shows_every_diff_whole_and_folded_per_object(workspace):
    root = workspace / "examples/sen2cor"
    apply(root)
    main_file = root / "main.gp.hcl"
    main_file.write_text(main_file.read_text().replace('"2.9.0"', '"2.9.1"'))
    page = client_for(root).get("/plan").text
    articles = re.findall(r'<article class="change (\w+)"[^>]*>\s*<details open><summary>', page)
    assert articles == ["update"]
    css = client_for(root).get("/static/ui.css").text
    assert "article.change pre.lines { max-height: none;" in css


def test_last_applied_is_each_objects_own(workspace):
    root = workspace / "examples/nightly"
    apply(root)
    time.sleep(1.1)  # the record keeps seconds: the second apply is a later second
    main_file = root / "main.gp.hcl"
    main_file.write_text(main_file.read_text().replace("2.9.0", "2.9.1"))
    assert main(["apply", "-C", str(root), "--auto-approve", "--target", WT]) == 0
    rows = client_for(root).get("/?states=1").text
    applied = dict(
        re.findall(
            r'<a href="/pipelines/([^"]+)">[^<]*</a></td>\s*<td[^>]*>[^<]*</td>\s*'
            r'<td><span[^>]*>[^<]*</span></td>\s*<td class="muted">([^<]*)</td>',
            rows,
        )
    )
    cron, template = applied["cron_workflow.nightly-sen2cor"], applied[WT]
    assert re.match(r"\d{4}-\d\d-\d\dT", cron) and re.match(r"\d{4}-\d\d-\d\dT", template)
    assert template > cron  # the template was applied again, the cron was not
