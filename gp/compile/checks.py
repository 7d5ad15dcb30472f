"""The checks of `gp validate` on schedules, cron references, scripts and Argo's API schema."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from datetime import date
from typing import Any

from croniter import croniter

from gp.compile.compiler import CompiledBlock
from gp.compile.context import Ctx, Path, quote
from gp.compile.cron_dst import dst_events
from gp.compile.cron_time import CronError
from gp.compile.cron_time import parse as parse_cron
from gp.compile.objects import TEMPLATE_KINDS
from gp.compile.schema import FieldKind, SchemaNode, node, object_model
from gp.config.fieldpath import ItemName, parse_path
from gp.suggest import closest, did_you_mean, hint

DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
# Argo's cron library also takes `@every <Go duration>`.
EVERY = re.compile(r"^@every\s+((\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$")


CRON_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31"),
    ("month", "1-12 or JAN-DEC"),
    ("day-of-week", "0-7 or SUN-SAT"),
)
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")


def schedule_problem(expr: str) -> str | None:
    """Why a schedule is invalid, naming the field at fault; None when it is valid."""
    expr = expr.strip()
    if expr.startswith("@"):
        if expr in DESCRIPTORS or EVERY.match(expr):
            return None
        return f"unknown descriptor; expected one of {', '.join(DESCRIPTORS)} or @every <duration>"
    fields = expr.split()
    if len(fields) != 5:
        return (
            f"expected five cron fields (minute hour day-of-month month day-of-week) or a "
            f"descriptor such as @hourly, found {len(fields)}"
        )
    if croniter.is_valid(expr):
        try:
            parse_cron(expr)  # what Argo's controller parses it with
        except CronError as e:
            return f"Argo's cron parser (robfig/cron) refuses it: {e}"
        return None
    for i, (name, allowed) in enumerate(CRON_FIELDS):
        alone = ["*"] * 5
        alone[i] = fields[i]
        if not croniter.is_valid(" ".join(alone)):
            return f"the {name} field {quote(fields[i])} is not valid (allowed: {allowed})"
    return "the fields do not make a valid cron expression together"


def valid_timezone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class CronTargets:
    """The module's templates by address and by name, built once: each cron's check looked
    through the list of every object, which made a module's checks quadratic in its size."""

    def __init__(self, results: list[CompiledBlock]):
        self.by_address: dict[str, CompiledBlock] = {}
        self.by_name: dict[str, list[CompiledBlock]] = {}
        for x in results:
            if x.kind in TEMPLATE_KINDS:
                self.by_address.setdefault(x.decl.address, x)  # the first, as a scan finds it
                self.by_name.setdefault(x.ref.name, []).append(x)


def check_cron(r: CompiledBlock, targets: CronTargets, today: date | None = None) -> None:
    spec = r.manifest.get("spec") or {}
    ctx = r.ctx
    valid: list[tuple[int, str]] = []
    for i, expr in enumerate(spec.get("schedules") or []):
        problem = schedule_problem(expr) if isinstance(expr, str) else "a schedule is a string"
        if problem:
            ctx.error(
                f"invalid schedule {quote(str(expr))}: {problem}",
                ctx.pos_of(("spec", "schedules", i)),
            )
        else:
            valid.append((i, expr))
    policy = spec.get("concurrencyPolicy")
    if policy is not None and policy not in CONCURRENCY_POLICIES:
        ctx.error(
            f"concurrency_policy {quote(str(policy))} is not one of {', '.join(CONCURRENCY_POLICIES)}"
            f"{did_you_mean(str(policy), CONCURRENCY_POLICIES)}",
            ctx.pos_of(("spec", "concurrencyPolicy")),
        )
    tz = spec.get("timezone")
    if tz is not None and not valid_timezone(str(tz)):
        ctx.error(
            f"unknown time zone {quote(str(tz))}: expected an IANA name such as America/Toronto",
            ctx.pos_of(("spec", "timezone")),
        )
    elif tz and today is not None:
        for i, expr in valid:
            for event in dst_events((expr,), str(tz), today):
                ctx.warn(
                    f"schedule {quote(expr)}: {event.text(str(tz))}; schedule it outside the "
                    'hours the clocks change, or use timezone = "UTC", if it must run once '
                    "every day",
                    ctx.pos_of(("spec", "schedules", i)),
                )
    ref = r.cron_ref
    if ref is None:
        return
    namespace = (r.manifest.get("metadata") or {}).get("namespace")
    if ref.address is not None:
        target = targets.by_address.get(ref.address)
        if target is None:
            ctx.error(
                f"workflow_template refers to {ref.address}, which is not a template of this module",
                ref.pos,
            )
        elif target.kind == "WorkflowTemplate" and target.ref.namespace != namespace:
            # Argo resolves a workflowTemplateRef in the cron's own namespace only.
            ctx.error(
                f"workflow_template refers to {ref.address} in namespace {quote(str(target.ref.namespace))}, "
                f"but this CronWorkflow is in namespace {quote(str(namespace))} and Argo looks the "
                "template up there only: put both in one namespace, or make the template a "
                "cluster_workflow_template",
                ref.pos,
            )
        return
    kinds = ("ClusterWorkflowTemplate",) if ref.cluster else TEMPLATE_KINDS
    if not any(
        x.kind in kinds and x.ref.namespace in (None, namespace)
        for x in targets.by_name.get(ref.name, ())
    ):
        ctx.error(f"workflow_template {quote(ref.name)} is not declared in this module", ref.pos)


# What validation against the models found: (where, message) of each problem.
SchemaErrors = Callable[[str, dict[str, Any]], list[tuple[tuple, str]]]


def check_schema(r: CompiledBlock, errors_of: SchemaErrors | None = None) -> None:
    """Validate against hera's models of Argo's API; they ignore unknown keys, so look for those
    first. ``errors_of`` validates in place of ``schema_errors`` (a memo of it)."""
    kind = r.kind
    try:
        root = node(kind)
    except AttributeError:
        return  # an unknown kind was already reported
    if r.decl.kind == "manifest":
        unknown_keys(r.manifest, root, (), r.ctx)
    for path, message in (errors_of or schema_errors)(kind, r.manifest):
        r.ctx.error(f"{format_path(r.manifest, path)}: {message}", r.ctx.pos_of(path))


def schema_errors(kind: str, manifest: dict[str, Any]) -> list[tuple[tuple, str]]:
    """What pydantic finds validating ``manifest`` against hera's model of ``kind``."""
    from pydantic import ValidationError

    try:
        object_model(kind).model_validate(manifest)
    except ValidationError as e:
        return [(tuple(err["loc"]), str(err["msg"])) for err in e.errors()]
    return []


def unknown_keys(data: Any, node: SchemaNode, path: Path, ctx: Ctx) -> None:
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        f = node.by_argo_name(str(key))
        if f is None:
            where = format_path(None, path) or "the object"
            ctx.error(
                f"unknown field {quote(str(key))} in {where} ({node.name})"
                f"{did_you_mean(str(key), [x.argo_name for x in node.fields.values()])}",
                ctx.pos_of((*path, key)),
            )
            continue
        sub = (*path, f.argo_name)
        if f.child is None:
            continue
        if f.kind == FieldKind.MODEL:
            unknown_keys(value, f.child, sub, ctx)
        elif f.kind == FieldKind.MAP_OF_MODEL and isinstance(value, dict):
            for k, v in value.items():
                unknown_keys(v, f.child, (*sub, k), ctx)
        elif f.kind == FieldKind.LIST_OF_MODEL and isinstance(value, list):
            for i, v in enumerate(value):
                unknown_keys(v, f.child, (*sub, i), ctx)
        elif f.kind == FieldKind.LIST_OF_LIST_OF_MODEL and isinstance(value, list):
            for i, group in enumerate(value):
                for j, v in enumerate(group if isinstance(group, list) else []):
                    unknown_keys(v, f.child, (*sub, i, j), ctx)


def format_path(data: Any, path: Path) -> str:
    """`spec.templates["build"].container.image`: list entries by name where they have one."""
    out = ""
    for part in path:
        if isinstance(part, int):
            name = (
                data[part].get("name")
                if isinstance(data, list) and part < len(data) and isinstance(data[part], dict)
                else None
            )
            out += f'["{name}"]' if isinstance(name, str) else f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        try:
            data = data[part] if data is not None else None
        except (KeyError, IndexError, TypeError):
            data = None
    return out


def check_ignore_changes(r: CompiledBlock) -> None:
    """Each `ignore_changes` path must name a field the object can have, in Argo's spelling:
    a path that matches nothing would silently ignore nothing."""
    life = r.decl.lifecycle
    try:
        root = node(r.kind)
    except AttributeError:
        return  # an unknown kind was already reported
    for i, text in enumerate(life.ignore_changes):
        if text == "all":
            continue
        problem = path_problem(parse_path(text), root)
        if problem:
            pos = life.positions[i] if i < len(life.positions) else r.decl.pos
            r.ctx.error(f"ignore_changes {quote(text)}: {problem}", pos)


def path_problem(path: tuple, node: SchemaNode | None) -> str | None:
    """Why ``path`` cannot lead to a field under ``node``; None when it can."""
    i, where = 0, ""
    while i < len(path):
        seg = path[i]
        if node is None:
            return None  # free data (a map's keys, a plugin's body): any key may exist
        if isinstance(seg, int) or isinstance(seg, ItemName):
            return f"{where or 'the object'} ({node.name}) has fields, not entries: expected a field name, not [{seg!r}]"
        f = node.by_argo_name(seg)
        if f is None:
            snake = node.lookup(seg)
            offer = hint(
                snake.argo_name
                if snake
                else closest(seg, [x.argo_name for x in node.fields.values()])
            )
            return f"{quote(seg)} is not a field of {where or 'the object'} ({node.name}){offer}"
        i += 1
        where = _path_text(path[:i])
        entries = {
            FieldKind.MAP_OF_MODEL: 1,
            FieldKind.LIST_OF_MODEL: 1,
            FieldKind.LIST_OF_LIST_OF_MODEL: 2,
            FieldKind.LIST: 1,
        }
        if f.kind in (FieldKind.MAP, FieldKind.ANY):
            return None
        if f.kind in entries:
            i += entries[f.kind]
            where = _path_text(path[:i])
            node = f.child
            if f.kind is FieldKind.LIST and i < len(path):
                return f"{where} is a list of values; its entries have no fields"
        elif f.kind is FieldKind.MODEL:
            node = f.child
        elif i < len(path):
            return f"{where} is a value; it has no field {quote(str(path[i]))}"
    return None


def _path_text(path: tuple) -> str:
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif isinstance(seg, ItemName):
            out += f"[{quote(seg)}]"
        else:
            out += f".{seg}" if out else seg
    return out


def check_scripts(spec: dict, path: Path, ctx: Ctx) -> None:
    """A script with source but no command: Argo accepts it, and the pod then fails to start it.

    Argo passes the source file as the last argument to the container's command; with none, the
    image's entrypoint gets it (or, with no entrypoint, the file itself is run, which is not
    executable). Argo's validator leaves this alone, so it is a warning, not an error.
    """
    defaults = ((spec.get("templateDefaults") or {}).get("script") or {}).get("command")
    if defaults:
        return
    for i, tmpl in enumerate(spec.get("templates") or []):
        script = tmpl.get("script") if isinstance(tmpl, dict) else None
        if isinstance(script, dict) and script.get("source") and not script.get("command"):
            ctx.warn(
                f"script template {quote(str(tmpl.get('name')))} has no command: Argo gives the source file "
                'to the container\'s command, so set command to its interpreter (e.g. ["python"] or '
                '["bash"])',
                ctx.pos_of((*path, "templates", i, "script")),
            )
