"""One way to ask for a rendering: a format's name gives a renderer, and every renderer draws
the same three things (a plan, what an apply did, what a stack owns).

gp.Plan, gp.ApplyResult and gp.StackState render through here, and so do the CLI and the UI,
standing on those public types; Terraform's jsonformat keeps one renderer for the same reason.
A renderer returns a string, or rich ``Text`` that ``to_string`` turns into plain or coloured
text.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, TypeAlias

from gp.errors import GPError
from gp.planner.plan import Mode
from gp.redact import escape_controls, mask_text, secrets_of
from gp.suggest import did_you_mean

if TYPE_CHECKING:
    # Each format's module (and rich) is imported when that format is drawn: `gp plan` piped
    # to a file loads neither the HTML nor the markdown renderer.
    from rich.text import Text

    from gp.planner.applied import ApplyReport
    from gp.planner.plan import PlanData, Target
    from gp.planner.stack_record import StackRecord
    from gp.render.summary import Styled

Drawn: TypeAlias = "Text | Styled | str"


class Renderer(Protocol):
    def plan(self, plan: PlanData, sensitive: Iterable[str], verbose: bool) -> Drawn: ...

    def applied(self, report: ApplyReport, plan: PlanData, sensitive: Iterable[str]) -> Drawn: ...

    def owned(self, record: StackRecord, target: Target | None) -> Drawn: ...


class TextRenderer:
    """What `gp plan` and `gp apply` print on a terminal."""

    def plan(self, plan: PlanData, sensitive: Iterable[str], verbose: bool) -> Drawn:
        from gp.render.summary import Styled, summary, summary_only

        if summary_only(plan):  # "No changes.": drawn without loading rich
            return Styled(summary(plan) + "\n", "bold")
        from gp.render import text as render_text

        return render_text.plan_text(plan, sensitive, verbose)

    def applied(self, report: ApplyReport, plan: PlanData, sensitive: Iterable[str]) -> Drawn:
        destroy = plan.mode is Mode.DESTROY
        from gp.render import text as render_text

        return render_text.apply_text(report, secrets_of(plan.secrets, sensitive), destroy)

    def owned(self, record: StackRecord, target: Target | None) -> Drawn:
        from gp.render.stack import stack_text

        return stack_text(record, (), target)


class JsonRenderer:
    """Machine-readable: docs/plan-json.md."""

    def plan(self, plan: PlanData, sensitive: Iterable[str], verbose: bool) -> Drawn:
        from gp.render import json as render_json

        return render_json.render_plan_json(plan, sensitive)

    def applied(self, report: ApplyReport, plan: PlanData, sensitive: Iterable[str]) -> Drawn:
        secrets = secrets_of(plan.secrets, sensitive)
        doc = {
            "ok": report.ok and not report.lock_lost,
            "applied": [c.address for c in report.applied],
            "failed": {c.address: mask_text(why, secrets) for c, why in report.failed},
            "not_attempted": [c.address for c in report.not_attempted],
            "stopped": report.stopped,
            "lock_lost": report.lock_lost,
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def owned(self, record: StackRecord, target: Target | None) -> Drawn:
        from gp.render import json as render_json

        return render_json.render_owned(record, target)


class MarkdownRenderer:
    """For a pull request's comment."""

    def plan(self, plan: PlanData, sensitive: Iterable[str], verbose: bool) -> Drawn:
        from gp.render import markdown as render_markdown

        return render_markdown.render_plan_markdown(plan, sensitive, verbose=verbose)

    def applied(self, report: ApplyReport, plan: PlanData, sensitive: Iterable[str]) -> Drawn:
        text = TextRenderer().applied(report, plan, sensitive)
        return f"```\n{to_string(text, color=False).rstrip()}\n```\n"

    def owned(self, record: StackRecord, target: Target | None) -> Drawn:
        from gp.render.stack import stack_markdown

        return stack_markdown(record, target=target)


class HtmlRenderer:
    """For a notebook's output cell."""

    def plan(self, plan: PlanData, sensitive: Iterable[str], verbose: bool) -> Drawn:
        from gp.render import html as render_html

        return render_html.plan_html(plan, sensitive)

    def applied(self, report: ApplyReport, plan: PlanData, sensitive: Iterable[str]) -> Drawn:
        from gp.render import html as render_html

        return render_html.apply_html(report, plan, sensitive)

    def owned(self, record: StackRecord, target: Target | None) -> Drawn:
        from gp.render import html as render_html
        from gp.render.stack import stack_text

        return render_html.pre(to_string(stack_text(record, (), target), color=False))


RENDERERS: dict[str, Renderer] = {
    "text": TextRenderer(),
    "json": JsonRenderer(),
    "markdown": MarkdownRenderer(),
    "html": HtmlRenderer(),
}


def renderer(fmt: str) -> Renderer:
    found = RENDERERS.get(fmt)
    if found is None:
        raise GPError(
            f"unknown format {fmt!r}{did_you_mean(fmt, RENDERERS)}; formats: {', '.join(RENDERERS)}"
        )
    return found


def to_string(drawn: Drawn, *, color: bool) -> str:
    """The text a renderer drew: plain, or with the terminal's colour escapes."""
    if isinstance(drawn, str):
        return drawn
    if not color:
        return escape_controls(drawn.plain)
    from gp.render.terminal import TerminalConsole

    out = io.StringIO()
    TerminalConsole(
        file=out,
        force_terminal=True,
        force_jupyter=False,
        color_system="standard",
        soft_wrap=True,
        highlight=False,
    ).print(drawn, end="")
    return out.getvalue()
