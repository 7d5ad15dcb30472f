"""A whole module -> compiled objects, with every problem `gp validate` knows of found at once."""

from __future__ import annotations

from gp.compile.checks import check_cron, check_ignore_changes, check_schema, check_scripts
from gp.compile.compiler import Compiled, compile_decl
from gp.compile.objects import CompiledObject
from gp.compile.rules import LocalTemplates, check_duplicate_objects, check_object_name, check_workflow_spec, \
    workflow_specs
from gp.config.marks import MASK, MIN_MASKED
from gp.config.model import Module
from gp.errors import Diagnostic, DiagnosticsError, SourcePos


def compile_all(module: Module) -> tuple[list[Compiled], list[Diagnostic]]:
    results = [compile_decl(d, module.provider, module.stack) for d in module.objects]
    check_duplicate_objects(results)
    local = LocalTemplates.of(results)
    for r in results:
        if not r.manifest:
            continue
        # Once an object has compile errors, the schema would mostly repeat them (a dropped value
        # shows up again as "Field required"), so its schema check waits for a clean compile.
        clean = not r.ctx.diags
        check_object_name(r)
        for spec, path in workflow_specs(r):
            check_workflow_spec(spec, path, r.ctx, local)
            check_scripts(spec, path, r.ctx)
        if r.kind == "CronWorkflow":
            check_cron(r, results)
        check_ignore_changes(r)
        if clean:
            check_schema(r)
    diags = [_masked(d, module.sensitive_values) for r in results for d in r.ctx.diags]
    return results, sort_diagnostics(diags)


def _masked(diag: Diagnostic, secrets: frozenset[str]) -> Diagnostic:
    """Messages may quote names and values; a sensitive value (or one derived from it) never
    shows. Texts too short to replace without garbling the message are left (documented)."""
    message = diag.message
    for secret in sorted((s for s in secrets if len(s) >= MIN_MASKED), key=len, reverse=True):
        message = message.replace(secret, MASK)
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
