"""`gp test` reports -> text or JSON. Never prints."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # types only: rendering a report never needs the test-file loader
    from gp.simulate import SimulatedRun
    from gp.testing import Check, TestReport

Shown = Callable[[str], str]  # how a file path is shown (relative to the working directory)


def _where(result, shown: Shown) -> str:
    pos = result.case.pos
    return f"{shown(pos.file)}:{pos.line}"


def _dag(run: SimulatedRun) -> list[str]:
    nodes = [n for n in run.nodes if n.name and n.type != "StepGroup"]
    width = max((len(n.name) for n in nodes), default=0)
    return [
        f"{n.name.ljust(width)}  {n.phase}"
        + (f"  (started at step {n.started})" if n.started else "")
        + (f"  {n.message}" if n.phase == "Error" and n.message else "")
        for n in nodes
    ]


def _error_messages(check: Check) -> list[str]:
    """Why nodes ended in Error, as the backend said (Argo's own words on the engine)."""
    if check.run is None:
        return []
    lines = [
        f'[{check.backend}] "{n.name}" Error: {n.message}'
        for n in check.run.nodes
        if n.name and n.phase == "Error" and n.message
    ]
    if check.run.phase == "Error" and check.run.message and not lines:
        lines.append(f"[{check.backend}] workflow Error: {check.run.message}")
    return lines


def _check_lines(check: Check, label: bool) -> list[str]:
    lines = []
    prefix = f"[{check.backend}] " if label else ""
    if check.error:
        return [f"{prefix}{check.error}"]
    for m in check.mismatches:
        if m.what == "phase":
            lines.append(f"{prefix}workflow phase: expected {m.expected}, got {m.got}")
        elif m.what == "task":
            lines.append(f'{prefix}task "{m.name}": expected {m.expected}, got {m.got}')
        else:
            lines.append(f"{prefix}order: expected {m.expected}; {m.got}")
    if check.mismatches and check.run is not None:
        lines.append(
            f"{prefix}simulated run (workflow {check.run.phase}):"
            if check.backend == "simulator"
            else f"{prefix}run (workflow {check.run.phase}):"
        )
        lines.extend("  " + line for line in _dag(check.run))
    return lines


def _summary(check: Check) -> str:
    seconds = f"{check.seconds * 1000:.1f} ms" if check.seconds < 1 else f"{check.seconds:.1f} s"
    what = check.run.phase if check.run is not None else "no run"
    return f"{check.backend}: {'pass' if check.ok else 'FAIL'}, workflow {what}, {seconds}"


def first_failure(report: TestReport, shown: Shown = str) -> str:
    """The first failing test in one line, as a plan quotes it: 'test "B fails"
    (diamond.gptest.hcl:14): task "D": expected Omitted, got Succeeded'; "" when all pass."""
    for result in report.results:
        if result.ok:
            continue
        check = next(c for c in result.checks if not c.ok)
        lines = _check_lines(check, False)
        return f'test "{result.case.name}" ({_where(result, shown)}): {lines[0] if lines else "failed"}'
    return ""


def render_text(report: TestReport, shown: Shown = str) -> str:
    out = []
    for result in report.results:
        status = "PASS" if result.ok else "FAIL"
        out.append(f"{status}  {result.case.name}  ({_where(result, shown)})")
        several = len(result.checks) > 1
        if several:  # side by side: what each backend made of the test, and where they differ
            out.append("      " + " | ".join(_summary(c) for c in result.checks))
            out.extend(f"      disagree: {line}" for line in result.disagreements)
            for check in result.checks:
                if check.backend != "simulator":
                    out.extend(f"      {line}" for line in _error_messages(check))
        if not result.ok:
            for check in result.checks:
                out.extend("      " + line for line in _check_lines(check, several))
    out.append(f"{report.passed} passed, {report.failed} failed")
    return "\n".join(out) + "\n"


def _run_json(run: SimulatedRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "phase": run.phase,
        "order": list(run.order),
        "nodes": [
            {
                "name": n.name,
                "display_name": n.display_name,
                "type": n.type,
                "phase": n.phase,
                "started": n.started,
                "message": n.message,
            }
            for n in run.nodes
            if n.name
        ],
    }


def report_json(report: TestReport, shown: Shown = str) -> dict[str, Any]:
    tests = []
    for result in report.results:
        pos = result.case.pos
        tests.append(
            {
                "name": result.case.name,
                "file": shown(pos.file),
                "line": pos.line,
                "column": pos.col,
                "pipeline": result.case.pipeline,
                "passed": result.ok,
                "disagreements": list(result.disagreements),
                "backends": [
                    {
                        "backend": c.backend,
                        "passed": c.ok,
                        "error": c.error or None,
                        "seconds": round(c.seconds, 6),
                        "mismatches": [
                            {"what": m.what, "name": m.name, "expected": m.expected, "got": m.got}
                            for m in c.mismatches
                        ],
                        "run": _run_json(c.run),
                    }
                    for c in result.checks
                ],
            }
        )
    return {
        "format_version": "1.0",
        "passed": report.passed,
        "failed": report.failed,
        "tests": tests,
    }


def render_json(report: TestReport, shown: Shown = str) -> str:
    return json.dumps(report_json(report, shown), indent=2) + "\n"
