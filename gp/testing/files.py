"""`*.gptest.hcl` files -> ``TestCase`` values, evaluated by gp/config like a module's files.

Each file is evaluated on its own: its variables (defaults only) and locals, and its `test`
blocks, which take `for_each` or `count` as object blocks do. `pipeline` is not evaluated: it
is an address such as `module.sen2cor.workflow_template.chain`, whose index keys may be
expressions (`module.schedule[each.key].cron_workflow.tile`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gp.config import ast
from gp.config.decls import Decl, attr_map, check_allowed, gather_tests
from gp.config.evaluator import Evaluator
from gp.config.expansion import expand
from gp.config.fmt import TEST_SUFFIX
from gp.config.instance import ModuleInstance
from gp.config.parse import parse_files
from gp.config.session import LoadSession, at
from gp.errors import ConfigError, Diagnostic, DiagnosticsError, SourcePos
from gp.simulate.model import NODE_PHASES, OUTCOME_PHASES, WORKFLOW_PHASES

TEST_GLOB = f"*{TEST_SUFFIX}"
_TEST_ATTRS = ("pipeline", "arguments", "outcomes", "outputs", "for_each", "count")
_EXPECT_ATTRS = ("phase", "tasks", "order")


@dataclass(frozen=True)
class Expect:
    phase: str | None = None
    tasks: Mapping[str, str] = field(default_factory=dict)
    order: tuple[tuple[str, ...], ...] = ()  # chains: each task starts before the next


@dataclass(frozen=True)
class TestCase:
    name: str
    pos: SourcePos
    pipeline: str  # the address of a template or cron of the module
    pipeline_pos: SourcePos
    arguments: Mapping[str, str] = field(default_factory=dict)
    outcomes: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    outputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    expect: Expect = Expect()


def test_files(root_dir: Path) -> list[Path]:
    """The module's test files: beside it, then under its tests/ folder."""
    found = sorted(p for p in root_dir.glob(TEST_GLOB) if p.is_file())
    return found + sorted(p for p in (root_dir / "tests").glob(TEST_GLOB) if p.is_file())


def load_tests(root_dir: Path, cache_dir: Path | None = None) -> list[TestCase]:
    """Every test of the module's test files; raises DiagnosticsError listing every problem,
    and ConfigError when there is no test at all (a run of nothing is not a pass)."""
    cases: list[TestCase] = []
    diags: list[Diagnostic] = []
    paths = test_files(Path(root_dir))
    if not paths:
        raise ConfigError(
            f"no tests: gp test looked for {TEST_GLOB} files in {root_dir} and "
            f"{Path(root_dir) / 'tests'} and found none"
        )
    for path in paths:
        try:
            files = parse_files([path], cache_dir)
        except DiagnosticsError as e:
            diags.extend(e.diagnostics)
            continue
        session = LoadSession(Path(root_dir), cache_dir=cache_dir)
        decls, tests = gather_tests(Path(root_dir), files, session.diags)
        inst = ModuleInstance(session, decls, "", {}, (Path(root_dir).resolve(),))
        for decl in tests:
            with session.collecting():
                cases.extend(_cases(inst, decl))
        diags.extend(session.errors())
    diags.extend(_duplicates(cases, Path(root_dir)))
    if diags:
        raise DiagnosticsError(diags)
    if not cases:
        raise ConfigError(
            f"no tests: {', '.join(str(p) for p in paths)} declare no test block",
            SourcePos(str(paths[0]), 1, 1),
        )
    return cases


def _duplicates(cases: list[TestCase], root_dir: Path) -> list[Diagnostic]:
    """A test name used twice (in one file or two): `gp test NAME` and the report could not
    tell them apart. Said at the second, naming the first."""
    first: dict[str, SourcePos] = {}
    out = []
    for case in cases:
        seen = first.setdefault(case.name, case.pos)
        if seen is not case.pos:
            where = f"{os.path.relpath(seen.file, root_dir)}:{seen.line}:{seen.col}"
            out.append(
                Diagnostic(f'test "{case.name}" is declared twice: here and at {where}', case.pos)
            )
    return out


def _cases(inst: ModuleInstance, decl: Decl) -> list[TestCase]:
    block = decl.node
    label = block.labels[0]
    diags = inst.session.diags
    attrs = attr_map(block.body, decl.file, diags)
    check_allowed(attrs, _TEST_ATTRS, f'test "{label}"', decl.file, diags)
    expects = [b for b in block.body.blocks if b.type == "expect"]
    for other in block.body.blocks:
        if other.type != "expect":
            raise ConfigError(
                f'Unexpected block "{other.type}" in test "{label}"; expected "expect"',
                at(decl.file, other),
            )
    if len(expects) != 1:
        where = at(decl.file, expects[1]) if len(expects) > 1 else decl.pos
        raise ConfigError('A test needs exactly one "expect" block', where)
    if "pipeline" not in attrs:
        raise ConfigError(
            f'test "{label}" needs pipeline (a template address, e.g. workflow_template.NAME)',
            decl.pos,
        )
    expansion = expand(inst.evaluator(decl.file), attrs, decl.file, f'test "{label}"')
    out = []
    for i, bindings in enumerate(expansion.bindings):
        ev = inst.evaluator(decl.file, dict(bindings))
        pipeline = attrs["pipeline"].expr
        out.append(
            TestCase(
                name=label + expansion.suffix(i),
                pos=decl.pos,
                pipeline=_address(ev, pipeline),
                pipeline_pos=at(decl.file, _root(pipeline)),
                arguments=_strings(ev, attrs.get("arguments"), "arguments"),
                outcomes=_outcomes(ev, attrs.get("outcomes")),
                outputs={
                    k: _string_map(ev, v, attrs["outputs"].expr, f'outputs["{k}"]')
                    for k, v in _map(ev, attrs.get("outputs"), "outputs").items()
                },
                expect=_expect(inst, ev, decl.file, expects[0]),
            )
        )
    return out


def _address(ev: Evaluator, node: ast.Expr) -> str:
    parts: list[str] = []
    while True:
        if isinstance(node, ast.GetAttr):
            parts.append("." + node.name)
            node = node.obj
        elif isinstance(node, ast.Index):
            key = ev.eval(node.key)
            parts.append(
                f"[{key}]"
                if isinstance(key, int) and not isinstance(key, bool)
                else f"[{json.dumps(str(key), ensure_ascii=False)}]"
            )
            node = node.obj
        elif isinstance(node, ast.Name):
            parts.append(node.name)
            return "".join(reversed(parts))
        else:
            raise ev.error(
                "pipeline must be the address of a template, such as "
                "workflow_template.NAME or module.NAME.workflow_template.NAME",
                node,
            )


def _root(node: ast.Expr) -> ast.Expr:
    while isinstance(node, (ast.GetAttr, ast.Index)):
        node = node.obj
    return node


def _map(ev: Evaluator, attr: ast.Attribute | None, what: str) -> dict[str, Any]:
    if attr is None:
        return {}
    value = ev.eval(attr.expr)
    if not isinstance(value, dict):
        raise ev.error(f"{what} must be a map", attr.expr)
    return value


def _text(ev: Evaluator, value: Any, node: Any, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise ev.error(f"{what} must be a string, number or bool", node)


def _string_map(ev: Evaluator, value: Any, node: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ev.error(f"{what} must be a map", node)
    return {k: _text(ev, v, node, f'{what}["{k}"]') for k, v in value.items()}


def _strings(ev: Evaluator, attr: ast.Attribute | None, what: str) -> dict[str, str]:
    return _string_map(ev, _map(ev, attr, what), attr.expr if attr else None, what) if attr else {}


def _phase(ev: Evaluator, value: Any, node: Any, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ev.error(f'{what}: "{value}" is not one of {", ".join(allowed)}', node)
    return value


def _outcomes(ev: Evaluator, attr: ast.Attribute | None) -> dict[str, str | tuple[str, ...]]:
    out: dict[str, str | tuple[str, ...]] = {}
    for task, value in _map(ev, attr, "outcomes").items():
        what = f'outcomes["{task}"]'
        if isinstance(value, list):
            if not value:
                raise ev.error(f"{what}: a list of attempts cannot be empty", attr.expr)
            out[task] = tuple(_phase(ev, v, attr.expr, OUTCOME_PHASES, what) for v in value)
        else:
            out[task] = _phase(ev, value, attr.expr, OUTCOME_PHASES, what)
    return out


def _expect(inst: ModuleInstance, ev: Evaluator, file: str, block: ast.BlockNode) -> Expect:
    attrs = attr_map(block.body, file, inst.session.diags)
    check_allowed(attrs, _EXPECT_ATTRS, "expect", file, inst.session.diags)
    if block.body.blocks:
        raise ConfigError(
            f'Unexpected block "{block.body.blocks[0].type}" in expect',
            at(file, block.body.blocks[0]),
        )
    phase = None
    if "phase" in attrs:
        phase = _phase(
            ev, ev.eval(attrs["phase"].expr), attrs["phase"].expr, WORKFLOW_PHASES, "expect.phase"
        )
    tasks = {}
    for task, value in _map(ev, attrs.get("tasks"), "expect.tasks").items():
        tasks[task] = _phase(ev, value, attrs["tasks"].expr, NODE_PHASES, f'expect.tasks["{task}"]')
    order: tuple[tuple[str, ...], ...] = ()
    if "order" in attrs:
        node = attrs["order"].expr
        value = ev.eval(node)
        chains = (
            value
            if isinstance(value, list) and value and all(isinstance(v, list) for v in value)
            else [value]
        )
        if not all(
            isinstance(c, list) and len(c) >= 2 and all(isinstance(t, str) for t in c)
            for c in chains
        ):
            raise ev.error(
                "expect.order must be a list of at least two task names (each starts before "
                "the next), or a list of such lists",
                node,
            )
        order = tuple(tuple(c) for c in chains)
    return Expect(phase, tasks, order)
