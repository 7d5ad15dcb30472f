"""A cron that runs a workflow template of this module is checked as Argo checks it: as a workflow.

Argo validates such a cron by merging its arguments with the template's and validating the
template's templates as those of a workflow, so what a template may leave to submit time (an
undeclared `workflow.parameters.X`, an entrypoint input without default, a parameter without a
value) the cron must give.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Protocol

from gp.compile.argo_vars import TemplateFacts, as_map, entries
from gp.compile.compiler import CompiledBlock
from gp.compile.context import quote
from gp.compile.objects import TEMPLATE_KINDS
from gp.errors import SourcePos


class Submitted(Protocol):
    """What a template's reference check left to submit time (a ReferenceCheck, or its kept
    findings): the parameters a cron running it must pass."""

    @property
    def submit_time(self) -> Sequence[tuple[str, SourcePos | None]]: ...


def _parameters(spec: dict) -> list[dict]:
    return entries(as_map(spec.get("arguments")).get("parameters"))


class ModuleTemplates:
    """The module's (cluster) workflow templates by address and by name, for the crons that run one."""

    def __init__(self, results: list[CompiledBlock]):
        self.by_address = {r.decl.address: r for r in results if r.kind in TEMPLATE_KINDS}
        self.by_name: dict[tuple[str, str], CompiledBlock] = {}
        for r in results:
            if r.kind in TEMPLATE_KINDS:
                self.by_name.setdefault((r.kind, r.ref.name), r)

    def run_by(self, cron: CompiledBlock) -> CompiledBlock | None:
        """The template a cron runs, when it is one of this module's."""
        ref = cron.cron_ref
        if ref is None:
            return None
        if ref.address is not None:
            return self.by_address.get(ref.address)
        found = None if ref.cluster else self.by_name.get(("WorkflowTemplate", ref.name))
        return found or self.by_name.get(("ClusterWorkflowTemplate", ref.name))


def check_cron_arguments(cron: CompiledBlock, template: CompiledBlock, check: Submitted) -> None:
    """``check`` is the template's own reference check, which noted what it left to submit time."""
    ref = cron.cron_ref
    assert ref is not None
    wf = as_map(as_map(cron.manifest.get("spec")).get("workflowSpec"))
    tspec = as_map(template.manifest.get("spec"))
    given = {str(p.get("name")) for p in _parameters(wf)}
    block = (
        "cluster_workflow_template"
        if template.kind == "ClusterWorkflowTemplate"
        else "workflow_template"
    )
    what = f"{block} {quote(template.ref.name)}"
    reported: set[str] = set()
    for name, pos in check.submit_time:
        param = name[len("workflow.parameters.") :]
        if param not in given and param not in reported:
            reported.add(param)
            at = f" (at {PurePath(pos.file).name}:{pos.line}:{pos.col})" if pos else ""
            cron.ctx.error(
                f"{what} uses {{{{{name}}}}}{at}, but neither it nor this cron declares "
                f"parameter {quote(param)}; add it to the cron's arguments",
                ref.pos,
            )
    for p in _parameters(tspec):
        if (
            p.get("value") is None
            and p.get("valueFrom") is None
            and str(p.get("name")) not in given
        ):
            cron.ctx.error(
                f"{what} declares parameter {quote(str(p.get('name')))} without a value, and this cron "
                "does not pass one",
                ref.pos,
            )
    entry = wf.get("entrypoint") or tspec.get("entrypoint")
    if not entry:
        # Argo validates the run the cron makes, and a run needs a template to start from.
        cron.ctx.error(
            f"neither this cron nor {what} sets an entrypoint, so Argo cannot run it: set "
            "entrypoint on the template (or in the cron's workflow_spec)",
            ref.pos,
        )
        return
    tmpl = next((t for t in entries(tspec.get("templates")) if t.get("name") == entry), None)
    if tmpl is None:
        return
    facts = TemplateFacts.of(tmpl)
    merged = given | {str(p.get("name")) for p in _parameters(tspec)}
    for param in facts.needed_params:
        if param not in merged:
            cron.ctx.error(
                f"the entrypoint {facts.label} of {what} needs input parameter {quote(param)}, which has "
                "no default and is in neither the template's arguments nor this cron's",
                ref.pos,
            )
