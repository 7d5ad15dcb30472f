"""A whole module -> compiled objects, with every problem `gp validate` knows of found at once."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import UTC, date, datetime

from gp.compile.check_context import Checked, CheckMemo, Context
from gp.compile.checks import (
    CronTargets,
    check_cron,
    check_ignore_changes,
    check_schema,
    check_scripts,
)
from gp.compile.compiler import CompiledBlock, CompileOne, compile_decl
from gp.compile.cron_refs import ModuleTemplates, Submitted, check_cron_arguments
from gp.compile.objects import CompiledObject
from gp.compile.references import ReferenceCheck, TemplateIndex
from gp.compile.rules import (
    TemplateNames,
    check_duplicate_objects,
    check_object_name,
    check_workflow_spec,
    workflow_specs,
)
from gp.compile.runtime_check import check_runtime, ref_targets
from gp.compile.sensitive import warn_plain
from gp.config.model import Block, Module
from gp.errors import Diagnostic, DiagnosticsError, SourcePos
from gp.redact import mask_text


def compile_all(
    module: Module,
    today: date | None = None,
    compile_one: CompileOne | None = None,
    checks: CheckMemo | None = None,
) -> tuple[list[CompiledBlock], list[Diagnostic]]:
    """Every object compiled and checked. ``today`` dates the warnings about a cron's next
    daylight-saving transitions (the UTC date now when not given). ``compile_one`` compiles
    each object in place of ``compile_decl`` (a memo of it); ``checks`` keeps each object's
    findings while it and what they read are the same (``check_context``)."""
    today = today or datetime.now(UTC).date()
    one = compile_one or compile_decl
    results = [one(d, module.provider, module.stack) for d in module.objects]
    check_duplicate_objects(results)
    local = TemplateNames.of(results)
    index = TemplateIndex(results)
    unsure = _touched_by_evaluation_errors(module)
    cron_targets = CronTargets(results)
    run_by_ref = ref_targets(r.manifest for r in results if r.manifest)
    context = Context(results) if checks is not None else None
    checked: dict[int, Submitted] = {}
    ran: ReferenceCheck | None
    for r in results:
        if not r.manifest:
            continue
        # Once an object has compile errors, the schema would mostly repeat them (a dropped value
        # shows up again as "Field required"), so its schema check waits for a clean compile.
        # So does the reference check: a parameter block that failed would make its uses unknown.
        clean = not any(d.severity == "error" for d in r.ctx.diags)
        flags = (clean, r.decl.pos in unsure, today.isoformat())
        around = context.of(r) if context is not None else []
        known = checks.recall(r, around, flags) if checks is not None else None
        if known is not None:
            r.ctx.diags.extend(known.diags)
            if known.submitted is not None:
                checked[id(r)] = known
            continue
        before, ran = len(r.ctx.diags), None
        check_object_name(r)
        warn_plain(r.manifest, r.sensitive_paths, r.ctx)
        for spec, path in workflow_specs(r):
            check_workflow_spec(spec, path, r.ctx, local)
            check_runtime(spec, path, r.ctx, r.kind, r.ref.name, run_by_ref)
            check_scripts(spec, path, r.ctx)
            if clean and r.decl.pos not in unsure:
                meta = r.manifest.get("metadata") or {}
                ran = ReferenceCheck(spec, path, r.ctx, r.kind, meta, index)
                ran.run()
                checked[id(r)] = ran
        if r.kind == "CronWorkflow":
            check_cron(r, cron_targets, today)
        check_ignore_changes(r)
        if clean:
            check_schema(r, checks.schema_errors if checks is not None else None)
        if checks is not None:
            submit = tuple(ran.submit_time) if ran is not None else None
            checks.keep(r, around, flags, Checked(tuple(r.ctx.diags[before:]), submit))
    templates = ModuleTemplates(results)
    for r in results:
        template = templates.run_by(r) if r.kind == "CronWorkflow" and id(r) in checked else None
        if template is not None and id(template) in checked:
            check_cron_arguments(r, template, checked[id(template)])
    diags = [_masked(d, module.sensitive_values) for r in results for d in r.ctx.diags]
    return results, sort_diagnostics(diags)


def checked(
    module: Module, compile_one: CompileOne | None = None, checks: CheckMemo | None = None
) -> tuple[list[CompiledBlock], int, list[Diagnostic]]:
    """The compile results, the object count and validate's diagnostics.

    An attribute that failed to evaluate is missing from its block, so the compiler may then
    say the block lacks it ("needs workflow_template"); such findings, made at the position of
    a block holding a failed attribute, would only echo the real error and are dropped.
    """
    results, compile_diags = compile_all(module, compile_one=compile_one, checks=checks)
    echoed = set()
    blocks = (
        sorted({pos for obj in module.objects for pos in _block_positions(obj.body)})
        if module.diagnostics
        else []
    )
    for diag in module.diagnostics:
        if diag.pos:
            before = [p for p in blocks if p.file == diag.pos.file and p <= diag.pos]
            if before:
                echoed.add(before[-1])  # the innermost block opened before the failure
    kept = [d for d in compile_diags if d.pos not in echoed]
    return results, len(module.objects), sort_diagnostics([*module.diagnostics, *kept])


def _block_positions(block: Block) -> Iterator[SourcePos]:
    yield block.pos
    for child in block.blocks:
        yield from _block_positions(child)


def _touched_by_evaluation_errors(module: Module) -> set[SourcePos]:
    """Objects holding an attribute that failed to evaluate (a partial load): each error belongs to
    the object that starts last before it in its file. Their references are not checked."""
    starts: dict[str, list[SourcePos]] = {}
    for d in module.objects:
        starts.setdefault(d.pos.file, []).append(d.pos)
    for positions in starts.values():
        positions.sort()
    out: set[SourcePos] = set()
    for diag in module.diagnostics:
        if diag.pos is None:
            continue
        candidates = starts.get(diag.pos.file, [])
        k = bisect.bisect_right(candidates, diag.pos)
        if k:
            out.add(candidates[k - 1])
    return out


def _masked(diag: Diagnostic, secrets: frozenset[str]) -> Diagnostic:
    """Messages may quote names and values; a sensitive value (or one derived from it) never
    shows. Texts too short to replace without garbling the message are left (documented)."""
    message = mask_text(diag.message, secrets)
    return diag if message == diag.message else Diagnostic(message, diag.pos, diag.severity)


def sort_diagnostics(diags: list[Diagnostic]) -> list[Diagnostic]:
    unique = list(dict.fromkeys(diags))
    return sorted(unique, key=lambda d: (d.pos is None, d.pos or SourcePos("", 0, 0), d.message))


def validate_module(module: Module) -> list[Diagnostic]:
    """Every problem in the module's objects, each at the attribute or block that caused it."""
    return compile_all(module)[1]


def compile_module(module: Module) -> list[CompiledObject]:
    """The module's objects, in declaration order; raises DiagnosticsError listing all problems."""
    results, diags = compile_all(module)
    errors = [d for d in diags if d.severity == "error"]
    if errors:
        raise DiagnosticsError(errors)
    return [r.to_object() for r in results]
