"""Run pages: /runs, /runs/<name>, the run form, stop, retry and resubmit, the live event stream.

The actions (run, stop, resubmit, logs) are the Python API's, as the CLI's `gp run`,
`gp stop`, `gp resubmit` and `gp logs` are: gp.Stack and gp.Run over the UI's inputs. The
pages that list and follow runs read them through gp.runs.actions with the UI's cached module and
provider, because the live page polls: a Stack would compile and connect again for every
poll. Both mask with the API's rule (gp.api.runs.masked). This module only turns requests
into those calls and their values into pages.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from gp import operations
from gp.api import Stack
from gp.api.runs import masked
from gp.compile.objects import PIPELINE_KINDS, CompiledObject, ObjectRef
from gp.errors import GPError, RunRefused, UnreachableError
from gp.redact import MASK, mask_text, secrets_of
from gp.render.graph import dags_of
from gp.runs import actions, listing
from gp.runs.dag import rows_of
from gp.runs.history import STATUSES
from gp.runs.why import failure_reason
from gp.ui.dags import run_dag
from gp.ui.source import form_parameters, shown_manifest

PAGE = 50


def engine_of(loaded):
    """(a RunContext, None) or (None, why there is no engine)."""
    try:
        return operations.run_context(loaded.compiled, loaded.provider), None
    except GPError as err:
        return None, err.message


def _secrets(loaded):
    return secrets_of(loaded.compiled.module.sensitive_values)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(seconds), 60)
    return f"{m}m{s:02d}s" if m else f"{s}s"


def _masked(run, secrets):
    """A run with every value that may hold a secret masked, as gp.Run shows it."""
    return masked(run, secrets)


def _stack(ui) -> Stack:
    """The stack the UI serves, as the Python API holds it (read again by each call)."""
    return Stack.from_inputs(ui.source.inputs)


def pipeline_runs(ui, request, loaded, obj) -> dict:
    ctx, why = engine_of(loaded)
    if ctx is None:
        return {"no_engine": why, "runs": []}
    secrets = _secrets(loaded)
    try:
        found = listing.runs(ctx, obj.address, limit=10)
    except UnreachableError as err:  # the DAG and the YAML above need no cluster
        return {"no_engine": mask_text(err.message, secrets), "runs": []}
    return {"no_engine": None, "runs": [_masked(r, secrets) for r in found]}


def last_runs(ui, loaded, crons) -> dict:
    ctx, why = engine_of(loaded)
    if ctx is None:
        return {"no_engine": why, "last": {}}
    try:
        found = listing.runs(ctx)
    except UnreachableError as err:
        return {"no_engine": mask_text(err.message, _secrets(loaded)), "last": {}}
    last = {}
    for run in found:  # newest first: the first of each cron is its last
        if run.cron and run.cron not in last:
            last[run.cron] = run
    return {"no_engine": None, "last": last}


def runs_list(ui, request, form) -> dict:
    loaded = ui.source.load()
    ctx, why = engine_of(loaded)
    q = request.query_params
    pipeline, phase = q.get("pipeline") or None, q.get("phase") or None
    start = max(0, int(q.get("start", "0") or 0)) if (q.get("start") or "0").isdigit() else 0
    pipelines = [o.address for o in loaded.compiled.objects if o.ref.kind in PIPELINE_KINDS]
    context = {
        "title": "Runs",
        "stack": loaded.compiled.module.stack,
        "no_engine": why,
        "runs": [],
        "pipelines": pipelines,
        "phases": STATUSES,
        "pipeline": pipeline,
        "phase": phase,
        "start": start,
        "total": 0,
        "page": PAGE,
    }
    if ctx is None:
        return context
    secrets = _secrets(loaded)
    try:
        found = listing.runs(ctx, pipeline, phase)
    except UnreachableError as err:
        context["no_engine"] = mask_text(err.message, secrets)
        return context
    context.update(
        runs=[_masked(r, secrets) for r in found[start : start + PAGE]], total=len(found)
    )
    keep = {k: v for k, v in (("pipeline", pipeline), ("phase", phase)) if v}
    context["newer"] = f"/runs?{urlencode({**keep, 'start': start - PAGE})}" if start > 0 else None
    context["older"] = (
        f"/runs?{urlencode({**keep, 'start': start + PAGE})}" if start + PAGE < len(found) else None
    )
    return context


def _state(run, now) -> dict:
    rows = rows_of(run, now)
    return {
        "phase": run.phase,
        "message": run.message or "",
        "why": failure_reason(run),
        "done": run.done,
        "started": run.started_at or "—",
        "tasks": {
            r.name: {
                "key": r.key,
                "phase": r.phase,
                "duration": _duration(r.seconds),
                "message": r.message or "",
            }
            for r in rows
            if r.depth == 0
        },
        "rows": {
            r.key: {"phase": r.phase, "duration": _duration(r.seconds), "message": r.message or ""}
            for r in rows
        },
    }


def _drawn(ui, run, phases) -> list:
    """The run's DAG from the spec it executes: tasks not started yet are drawn too."""
    obj = CompiledObject(
        run.name,
        ObjectRef("argoproj.io/v1alpha1", "Workflow", run.namespace, run.name),
        {"kind": "Workflow", "spec": dict(run.spec)},
    )
    templates = {str(t.get("name")): t for t in run.spec.get("templates") or []}
    entry = run.spec.get("entrypoint")
    dags = dags_of(obj)
    dags.sort(key=lambda d: d.template != entry)
    return [
        (d.template, run_dag(ui.layouts, d, templates, phases, f"{run.name}: {d.template}"))
        for d in dags[:1]
    ]


def run_page(ui, request, form) -> dict:
    loaded = ui.source.load()
    ctx, why = engine_of(loaded)
    ident = request.path_params["ident"]
    context = {"title": ident, "stack": loaded.compiled.module.stack, "no_engine": why, "run": None}
    if ctx is None:
        return context
    secrets = _secrets(loaded)
    run = _masked(actions.get(ctx, ident), secrets)  # its nodes too: the rows' messages and outputs
    rows = rows_of(run, ui.now())
    phases = {r.name: r.phase for r in rows if r.depth == 0}
    outputs = {n.display_name: dict(n.outputs) for n in run.nodes if n.outputs}
    context.update(
        run=run,
        rows=rows,
        dags=_drawn(ui, run, phases),
        outputs=outputs,
        why=failure_reason(run),
        duration=_duration(_seconds(run, ui.now())),
        events=f"/runs/{run.namespace}/{run.name}/events",
        rows_shown=rows,
    )
    context["fmt_duration"] = _duration
    return context


def _seconds(run, now):
    from gp.runs.model import seconds_between

    return seconds_between(run.started_at, run.finished_at, now)


async def events(request: Request) -> Response:
    """Server-sent events: the run's phases whenever they change, until it is done."""
    ui = request.app.state.ui
    refused = await ui.guard.check(request)
    if refused is not None:
        return ui.guard.finish(request, refused)
    loaded = await run_in_threadpool(ui.source.load)
    ctx, why = engine_of(loaded)
    if ctx is None:
        return ui.guard.finish(request, Response(why, status_code=404))
    ident = request.path_params["ident"]
    secrets = _secrets(loaded)
    try:  # a name that is not a run's, or no such run: an answer, not a stream that never ends
        await run_in_threadpool(actions.get, ctx, ident)
    except GPError as err:
        from gp.ui.app import error_status

        status = error_status(err, request.method)
        return ui.guard.finish(
            request, Response(mask_text(err.message, secrets), status_code=status)
        )

    async def stream():
        last = None
        while True:
            try:
                run = await run_in_threadpool(actions.get, ctx, ident)
            except GPError as err:
                yield f"event: problem\ndata: {json.dumps(mask_text(err.message, secrets))}\n\n"
                return
            state = _state(_masked(run, secrets), ui.now())
            state["duration"] = _duration(_seconds(run, ui.now()))
            text = json.dumps(state, sort_keys=True)
            if text != last:
                last = text
                yield f"event: run\ndata: {text}\n\n"
            if run.done or await request.is_disconnected():
                return
            await asyncio.sleep(ui.poll)

    response = StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
    return ui.guard.finish(request, response)


def _params(form, sensitive: frozenset[str] = frozenset()) -> dict[str, str]:
    """The form's parameters. A textarea sends CRLF line ends: the value's are LF. A sensitive
    one left empty (or holding the mask) is left out, so the run takes the template's default:
    the form never sends the mask as a value."""
    out = {}
    for key, value in (form or {}).items():
        if not key.startswith("p:"):
            continue
        text = str(value).replace("\r\n", "\n")
        if key[2:] in sensitive and text in ("", MASK):
            continue
        out[key[2:]] = text
    return out


def _sensitive_parameters(ui, address: str) -> frozenset[str]:
    loaded = ui.source.load()
    obj = loaded.object(address)
    if obj is None:
        return frozenset()
    from gp.render.mask import mask_value

    shown = mask_value(shown_manifest(obj), _secrets(loaded))
    return frozenset(p["name"] for p in form_parameters(shown, obj.ref.kind) if p["sensitive"])


# What to do about a refused run, in the form's words (never a command-line flag).
UI_WORDS = {
    "parameter": "fill in {name}",
    "drift": "apply first (the Plan page shows how it differs), or tick “run even if the live "
    "template differs from the module” to run the live version anyway",
}


def submit(ui, request, form) -> Response | dict:
    """Run it; a refused run shows the pipeline page again, with the values given and why."""
    from gp.ui import pages

    address = request.path_params["address"]
    values = _params(form, _sensitive_parameters(ui, address))
    allow = (form or {}).get("allow_drift") == "on"
    try:
        run = _stack(ui).run(address, values, allow_drift=allow)
    except RunRefused as err:
        context = pages.pipeline(ui, request, form)
        context.update(
            refused=err.say(UI_WORDS).lines,
            given=values,
            allow_drift=allow,
            template="pipeline.html",
            status=400,
        )
        return context
    return RedirectResponse(f"/runs/{run.namespace}/{run.name}", status_code=303)


def stop(ui, request, form) -> Response:
    run = _stack(ui).get_run(request.path_params["ident"])
    run.stop(terminate=(form or {}).get("terminate") == "on")
    return RedirectResponse(f"/runs/{run.namespace}/{run.name}", status_code=303)


def resubmit(ui, request, form) -> Response:
    run = _stack(ui).get_run(request.path_params["ident"]).resubmit(_params(form))
    return RedirectResponse(f"/runs/{run.namespace}/{run.name}", status_code=303)


def retry(ui, request, form) -> Response:
    run = _stack(ui).get_run(request.path_params["ident"]).retry()
    return RedirectResponse(f"/runs/{run.namespace}/{run.name}", status_code=303)


def logs(ui, request, form) -> dict:
    """A task's logs: a panel swapped into the run page (htmx), or the whole page when the link
    is opened on its own (a new tab, no script)."""
    task = request.query_params.get("task") or None
    run = _stack(ui).get_run(request.path_params["ident"])
    return {
        "lines": [(line.task, line.text) for line in run.log_lines(task)],
        "task": task,
        "full": request.headers.get("HX-Request") != "true",
        "title": f"Logs of {task or run.name}",
        "namespace": run.namespace,
        "name": run.name,
    }


def _by_post(what: str, back: str):
    """The answer to a GET of an action's address: the action is a button, never a link."""

    def answer(ui, request, form) -> dict:
        where = back.format(**request.path_params)
        raise HTTPException(405, f"{what} is a button on {where}, not a page to open.")

    answer.__name__ = f"get_{what.split()[0].lower()}"
    return answer


def routes(page) -> list[Route]:
    run_page_of = "the run's page (/runs/{ident})"
    return [
        Route("/runs", page("runs.html")(runs_list), methods=["GET"]),
        Route("/runs/{ident:path}/events", events, methods=["GET"]),
        Route("/runs/{ident:path}/logs", page("logs.html")(logs), methods=["GET"]),
        Route("/runs/{ident:path}/stop", page()(stop), methods=["POST"]),
        Route("/runs/{ident:path}/stop", page()(_by_post("Stop", run_page_of)), methods=["GET"]),
        Route("/runs/{ident:path}/resubmit", page()(resubmit), methods=["POST"]),
        Route("/runs/{ident:path}/retry", page()(retry), methods=["POST"]),
        Route(
            "/runs/{ident:path}/resubmit",
            page()(_by_post("Resubmit", run_page_of)),
            methods=["GET"],
        ),
        Route("/runs/{ident:path}", page("run.html")(run_page), methods=["GET"]),
        Route("/pipelines/{address:path}/run", page()(submit), methods=["POST"]),
        Route(
            "/pipelines/{address:path}/run",
            page()(_by_post("Running a pipeline", "the form of /pipelines/{address}")),
            methods=["GET"],
        ),
    ]
