"""`gp logs`: the main containers' logs of a run, merged in time order, prefixed by task."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from gp.errors import GPError, RunError
from gp.runs.actions import RunContext, get
from gp.runs.model import RunSnapshot

NODE_NAME_ANNOTATION = "workflows.argoproj.io/node-name"
MAIN = "main"
_POLL_S = 1.0
# After the run ends, a followed log silent this long is read to its end.
_FOLLOW_ATTEMPTS = 3
_QUIET_S = 2.0


@dataclass(frozen=True, order=True)
class LogLine:
    """One line of a task's main-container log (``gp.LogLine``)."""

    time: str  # RFC 3339 from the kubelet, "" when the line had none
    task: str  # the node's display name: `sen2cor-290`, `resize(3:b.tif)`
    text: str


def split_timestamp(line: str) -> tuple[str, str]:
    stamp, sep, rest = line.partition(" ")
    if sep and len(stamp) >= 20 and stamp[4] == "-" and stamp[10] == "T":
        return stamp, rest
    return "", line


def _task_of(pod: dict, run: RunSnapshot) -> str:
    node_name = ((pod.get("metadata") or {}).get("annotations") or {}).get(NODE_NAME_ANNOTATION, "")
    for node in run.nodes:
        if node.name == node_name:
            return node.display_name
    return node_name[len(run.name) + 1 :] if node_name.startswith(run.name) else node_name


def _matches(task: str, wanted: str | None) -> bool:
    return wanted is None or task == wanted or task.split("(", 1)[0] == wanted


def _started(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Running", "Succeeded", "Failed")


def _pods(ctx: RunContext, run: RunSnapshot, task: str | None) -> list[tuple[str, dict]]:
    pods = ctx.engine.list_pods(run.namespace, run.name)
    chosen = [(_task_of(p, run), p) for p in pods]
    return [(t, p) for t, p in chosen if _matches(t, task)]


def _check_task(run: RunSnapshot, task: str | None) -> None:
    if task is None:
        return
    names = {n.display_name for n in run.nodes} | {
        n.display_name.split("(", 1)[0] for n in run.nodes
    }
    from gp.runs.dag import spec_rows

    names |= {r.name for r in spec_rows(run.spec)}
    if task not in names:
        raise RunError(
            f"{run.name} has no task {task!r} (tasks: {', '.join(sorted(names)) or 'none'})"
        )


def _gone(run: RunSnapshot, pods: list[tuple[str, dict]], task: str | None) -> list[str]:
    """The tasks (of ``task``) whose pod ran but no longer exists: deleted, or removed by
    Argo's pod garbage collection."""
    have = {
        ((p.get("metadata") or {}).get("annotations") or {}).get(NODE_NAME_ANNOTATION)
        for _, p in pods
    }
    return sorted(
        {
            n.display_name
            for n in run.nodes
            if n.type == "Pod"
            and n.started_at
            and _matches(n.display_name, task)
            and n.name not in have
        }
    )


def _gone_error(run: RunSnapshot, gone: list[str]) -> RunError:
    pods = "pod" if len(gone) == 1 else "pods"
    verb = "is" if len(gone) == 1 else "are"
    return RunError(
        f"the {pods} of {', '.join(gone)} in {run.name} {verb} gone (deleted, or removed by "
        "Argo's pod garbage collection): the log cannot be read"
    )


def logs(ctx: RunContext, ident: str, task: str | None = None) -> list[LogLine]:
    """Every line so far, in time order. The tasks whose pod is gone: a RunError when no
    line could be read, else a line saying so."""
    run = get(ctx, ident)
    _check_task(run, task)
    lines = []
    pods = _pods(ctx, run, task)
    gone = _gone(run, pods, task)
    if gone and not any(_started(p) for _, p in pods):
        raise _gone_error(run, gone)
    lines += [LogLine("", t, "(log not available: its pod is gone)") for t in gone]
    for name, pod in pods:
        if not _started(pod):
            continue
        text = ctx.engine.pod_log(run.namespace, pod["metadata"]["name"], MAIN)
        for raw in text.splitlines():
            stamp, rest = split_timestamp(raw)
            lines.append(LogLine(stamp, name, rest))
    return sorted(lines, key=lambda ln: (ln.time, ln.task))


def follow(ctx: RunContext, ident: str, task: str | None = None) -> Iterator[LogLine]:
    """Lines as they are written, from every pod as it starts, until the run is done and its
    logs have gone quiet (a simulated node never ends a followed log by itself)."""
    run = get(ctx, ident)
    _check_task(run, task)
    if run.done:
        pods = _pods(ctx, run, task)
        gone = _gone(run, pods, task)
        if gone and not any(_started(p) for _, p in pods):
            raise _gone_error(run, gone)
    lines: queue.Queue = queue.Queue()
    readers: dict[str, tuple[threading.Thread, list]] = {}

    def read(name: str, pod: str, handle: list) -> None:
        # A container that has just started may not be served yet (the node has not opened
        # its log): ask again a few times before saying the log is not available.
        for attempt in range(_FOLLOW_ATTEMPTS):
            try:
                stream = ctx.engine.follow_pod_log(run.namespace, pod, MAIN)
                break
            except GPError as exc:
                if attempt + 1 == _FOLLOW_ATTEMPTS:
                    lines.put(LogLine("", name, f"(log not available: {exc.message})"))
                    return
                time.sleep(_POLL_S)
        handle.append(stream)
        try:
            for raw in stream:
                stamp, rest = split_timestamp(raw)
                lines.put(LogLine(stamp, name, rest))
        except GPError as exc:
            lines.put(LogLine("", name, f"(log not available: {exc.message})"))

    quiet_since = None
    while True:
        for name, pod in _pods(ctx, run, task):
            pod_name = pod["metadata"]["name"]
            if pod_name not in readers and _started(pod):
                handle: list = []
                thread = threading.Thread(target=read, args=(name, pod_name, handle), daemon=True)
                readers[pod_name] = (thread, handle)
                thread.start()
        deadline = time.monotonic() + _POLL_S
        got = False
        while time.monotonic() < deadline:
            try:
                yield lines.get(timeout=max(0.01, deadline - time.monotonic()))
                got = True
            except queue.Empty:
                break
        if run.done:
            alive = [r for r in readers.values() if r[0].is_alive()]
            quiet_since = None if got else (quiet_since or time.monotonic())
            if not alive or (
                quiet_since is not None and time.monotonic() - quiet_since >= _QUIET_S
            ):
                for _, handle in alive:
                    for stream in handle:
                        stream.close()
                while not lines.empty():
                    yield lines.get()
                return
        run = get(ctx, f"{run.namespace}/{run.name}")
