"""Calls: every input of a called template that has no default must be passed, by the step or
task that calls it, or for the entrypoint and exit handler by the workflow's arguments."""

from __future__ import annotations

from gp.compile.argo_vars import TemplateFacts, as_map, entries
from gp.compile.context import Ctx, Path, quote
from gp.suggest import closest


def arguments_of(item: dict) -> dict:
    return as_map(item.get("arguments"))


def check_call(ctx: Ctx, callee: TemplateFacts | None, item: dict, path: Path, what: str) -> None:
    """A step or task passes every input of what it calls that has no default, each with a value."""
    name = str(item.get("name"))
    args = arguments_of(item)
    params = entries(args.get("parameters"))
    for j, p in enumerate(params):
        if p.get("value") is None and p.get("valueFrom") is None:
            ctx.error(
                f"{what} {quote(name)} passes parameter {quote(str(p.get('name')))} without a value",
                ctx.pos_of((*path, "arguments", "parameters", j)),
            )
    if callee is None:
        return
    passed = [str(p.get("name")) for p in params]
    for kind, needed, given in (
        ("parameter", callee.needed_params, passed),
        (
            "artifact",
            callee.needed_artifacts,
            [str(x.get("name")) for x in entries(args.get("artifacts"))],
        ),
    ):
        for missing in needed:
            if missing not in given:
                close = [
                    g for g in given if g not in callee.in_params and g not in callee.in_artifacts
                ]
                ctx.error(
                    f"{what} {quote(name)} calls {callee.label} without its input {kind} "
                    f"{quote(missing)}, which {_NO_DEFAULT[kind]}{_close(missing, close)}",
                    ctx.pos_of((*path, "arguments")),
                )


def check_spec_calls(
    ctx: Ctx, spec: dict, facts: dict[str, TemplateFacts], template_validation: bool, path: Path
) -> None:
    """The entrypoint of a workflow or cron, and every exit handler, take the spec's arguments."""
    if "workflowTemplateRef" in spec:
        return
    args = arguments_of(spec)
    given = {
        "parameter": {str(p.get("name")) for p in entries(args.get("parameters"))},
        "artifact": {str(a.get("name")) for a in entries(args.get("artifacts"))},
    }
    calls = [("onExit", "exit handler")]
    if not template_validation:  # a template's entrypoint gets its arguments at submit time
        calls.append(("entrypoint", "entrypoint"))
    for key, what in calls:
        callee = facts.get(str(spec.get(key)))
        if callee is None:
            continue
        for kind, needed in (
            ("parameter", callee.needed_params),
            ("artifact", callee.needed_artifacts),
        ):
            for missing in needed:
                if missing not in given[kind]:
                    ctx.error(
                        f"the workflow's arguments give no {kind} {quote(missing)}, an input of "
                        f"{what} {callee.label} which {_NO_DEFAULT[kind]}",
                        ctx.pos_of((*path, key)),
                    )


_NO_DEFAULT = {
    "parameter": "has no default",
    "artifact": "is not optional and has no location of its own",
}


def _close(name: str, options: list[str]) -> str:
    found = closest(name, options)
    return f" (it passes {quote(found)}: a typo?)" if found else ""
