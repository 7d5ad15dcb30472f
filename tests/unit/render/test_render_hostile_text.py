"""Text from the cluster (a cron's gp.dev/address, a run's gp.dev/submitted-by, a record's
applied_by, a server's error) is data: no markup in the markdown plan, no control on a terminal."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from markdown_it import MarkdownIt
from render_builders import make, update_template

from gp.planner.plan import CronUse, RunImpact
from gp.planner.stack_record import RecordEntry, StackRecord
from gp.render.formats import renderer, to_string
from gp.render.runs import run_text, runs_table
from gp.render.stack import stack_markdown
from gp.render.terminal import TerminalConsole
from gp.runs.dag import rows_of
from gp.runs.model import run_from_workflow

HOSTILE = (
    "@octocat [click](https://evil.example) ![x](https://evil.example/i.png) **LGTM** <b>hi</b>"
)
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[31mred\r"


def _plan():
    cron = CronUse("pipeline", "nightly", "other", HOSTILE + ESCAPES, False)
    return make(
        [update_template()],
        runs=(RunImpact("workflow_template.sen2cor", ("run-1",), (cron,)),),
        warnings=(f"the CronWorkflow pipeline/nightly ({HOSTILE}) runs sen2cor",),
        errors=(f"server said: {HOSTILE}",),
    )


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def _outside_code(html: str) -> str:
    return re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.S)


def _assert_inert(markdown: str) -> None:
    html = _html(markdown)
    assert "<a " not in html and "<img" not in html and "<strong>LGTM" not in html, html
    assert "<b>" not in html
    assert "@octocat" not in _outside_code(html)  # a mention only outside code
    assert "#123" not in _outside_code(html)  # nor a reference to an issue
    assert "\x1b" not in markdown and "\r" not in markdown


def test_the_markdown_plan_shows_cluster_text_as_text():
    text = renderer("markdown").plan(_plan(), (), False)
    assert isinstance(text, str)
    _assert_inert(text)


def test_the_stack_listing_in_markdown_shows_its_record_as_text():
    record = StackRecord("s", {}, applied_at="2024-01-01T00:00:00Z", applied_by=HOSTILE + ESCAPES)
    entries = {"workflow_template.a": RecordEntry(update_template().ref, {}, ())}
    _assert_inert(stack_markdown(StackRecord("s", entries, record.applied_at, record.applied_by)))


def test_the_text_plan_shows_control_characters_escaped_with_and_without_colour():
    for color in (False, True):
        text = to_string(renderer("text").plan(_plan(), (), False), color=color)
        assert "^[[2J" in text
        assert "\x1b[2J" not in text and "\x1b]0;" not in text and "\r" not in text
        if not color:
            assert "\x1b" not in text


def _printed(renderable, color: bool) -> str:
    import io

    out = io.StringIO()
    console = TerminalConsole(
        file=out, force_terminal=True, color_system="standard" if color else None, width=300
    )
    console.print(renderable)
    return out.getvalue()


def test_runs_on_the_terminal_show_control_characters_escaped():
    wf = {
        "metadata": {
            "name": "etl-1",
            "namespace": "pipeline",
            "annotations": {
                "gp.dev/address": "workflow_template.etl" + ESCAPES,
                "gp.dev/submitted-by": "mallory" + ESCAPES,
            },
        },
        "status": {"phase": "Failed", "message": "boom" + ESCAPES},
    }
    run = run_from_workflow(wf)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    for color in (False, True):
        for drawn in (runs_table([run], now), run_text(run, rows_of(run, now), now)):
            shown = _printed(drawn, color)
            assert "^[[2J" in shown and "\x1b[2J" not in shown and "\x1b]0" not in shown
            assert "\r" not in shown


def test_quoted_text_opens_no_block_in_a_list_item():
    from gp.render.mdtext import prose

    for text in ("- x", "12) x", "3. x", "# h", "> q", "+ y", "=== z", "```"):
        html = _html(f"- {prose(text)}")
        assert html.count("<li>") == 1, (text, html)
        for tag in ("<ol", "<ul>\n<li><ul", "<h1", "<blockquote", "<pre", "<h2"):
            assert tag not in html.replace("<ul>\n<li>", "", 1), (text, html)
