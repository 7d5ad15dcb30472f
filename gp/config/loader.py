"""The public entry point: a root directory (plus variable values) -> ``model.Module``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gp._version import __version__
from gp.config import ast, refactors
from gp.config import environments as envs
from gp.config.decls import PROVIDER_KINDS, Decl, attr_map, check_allowed
from gp.config.evaluator import Frame
from gp.config.instance import ModuleInstance
from gp.config.marks import has_marks, marked_texts, strip
from gp.config.memo import BlockMemo
from gp.config.model import Environment, Module, Output, ProviderConfig
from gp.config.names import stack_from_folder, stack_problem
from gp.config.parse import ParseHook, parse_files
from gp.config.providers import setting_problems
from gp.config.reads import Reads
from gp.config.session import CompileObject, LoadSession
from gp.config.variables import RawValue, VarArg, collect, order_args
from gp.config.version import unmet
from gp.errors import ConfigError, Diagnostic, SourcePos
from gp.suggest import did_you_mean

_GP_ATTRS = ("stack", "required_version")


def load_module(
    root_dir: Path,
    *,
    var_files: Iterable[Path] = (),
    vars: Iterable[tuple[str, str]] = (),
    var_order: Sequence[VarArg] | None = None,
    env: Mapping[str, str] | None = None,
    compile_object: CompileObject | None = None,
    cache_dir: Path | None = None,
    on_parse: ParseHook | None = None,
    partial: bool = False,
    reads: Reads | None = None,
    environment: str | None = None,
    blocks: BlockMemo | None = None,
) -> Module:
    """Load, evaluate and flatten the module in ``root_dir``.

    ``var_order`` keeps ``--var-file``/``--var`` interleaved as typed: a sequence of
    ("file", path) and ("var", "name=value"); when None, ``var_files`` come before ``vars``.
    ``env`` defaults to ``os.environ`` (for ``GP_VAR_*``). Raises DiagnosticsError with every
    problem found; with ``partial``, errors in the evaluation (not in parsing) are returned in
    ``Module.diagnostics`` instead, with what did evaluate, so `gp validate` can go on to
    check the objects and report everything at once. ``reads`` records every file and folder
    the load looked at (``gp.config.reads``). ``environment`` chooses one of the module's
    environments (gp.config.environments); a module that has them needs one, or a default.
    ``blocks`` remembers object blocks' evaluations from one load to the next
    (``gp.config.memo``).
    """
    root_dir = Path(root_dir)
    reads = reads if reads is not None else Reads()
    if not reads.is_dir(root_dir):
        raise ConfigError(f'Module directory "{root_dir}" does not exist')
    session = LoadSession(
        root_dir,
        cache_dir=cache_dir,
        on_parse=on_parse,
        compile_object=compile_object,
        reads=reads,
        blocks=blocks,
    )
    decls = session.declarations(root_dir)
    if decls is None:
        session.raise_if_errors()
    assert decls is not None
    if not reads.glob(root_dir, "*.gp.hcl"):
        raise ConfigError(f'No *.gp.hcl files in "{root_dir}"')
    chosen_env = envs.chosen(decls, environment)
    own_values = (
        envs.variables_of(decls.environments[chosen_env], []) if chosen_env is not None else {}
    )
    raw = collect(
        root_dir,
        order_args(var_files, vars, var_order),
        os.environ if env is None else env,
        session.diags,
        on_parse,
        session.reads,
        environment=own_values,
    )
    for name, given in own_values.items():
        if name not in decls.variables:
            session.diags.append(
                Diagnostic(
                    f'environment "{chosen_env}" sets the variable "{name}", which the module '
                    f"does not declare{did_you_mean(name, list(decls.variables))}",
                    given.pos,
                )
            )
    for name, value in raw.items():
        if value.source == "cli" and name not in decls.variables:
            session.diags.append(
                Diagnostic(
                    f'Value for undeclared variable "{name}"'
                    + did_you_mean(name, list(decls.variables))
                )
            )
    inputs = {
        name: _raw_input(name, value) for name, value in raw.items() if name in decls.variables
    }
    root = ModuleInstance(session, decls, "", inputs, (root_dir.resolve(),))
    stack, required_version = _gp_settings(root, session)
    environments = _environments(root, session, stack)
    if chosen_env is not None and chosen_env in environments:
        stack = environments[chosen_env].stack
        session.provider = environments[chosen_env].provider
    else:
        session.provider = _provider(root, session)
    session.stack = stack
    for name in decls.variables:
        with session.collecting():
            root.var(name, None, None)
    for name in decls.locals:
        with session.collecting():
            root.local(name, None, None)
    objects = root.all_objects()
    moved, removed = root.all_refactors()
    moved, problems = refactors.check(moved, removed, [o.address for o in objects])
    session.diags.extend(problems)
    outputs = _outputs(root, session)
    if not partial:
        session.raise_if_errors()
    module = Module(
        root_dir=root_dir,
        stack=stack,
        provider=session.provider,
        objects=objects,
        outputs=outputs,
        required_version=required_version,
        sensitive_values=frozenset(v for v in session.sensitive_values if v),
        diagnostics=tuple(session.errors()),
        moved=tuple(moved),
        removed=tuple(removed),
        environments=environments,
        environment=chosen_env,
    )
    session.release()
    return module


def _raw_input(name: str, value: RawValue):
    def evaluate(literal: bool) -> tuple[Any, Frame, Any]:
        from gp.config.evaluator import Evaluator
        from gp.config.instance import OnlyNames

        if value.pos is not None:  # from a variables file: its own positions say where
            ev = Evaluator(value.pos.file, OnlyNames({}, "variable values"), {})
            return ev.eval(value.expression(literal)), ev.frame, value.pos
        # --var and GP_VAR_ text has no file: name the variable and where its value came from.
        origin = f"GP_VAR_{name}" if value.source == "env" else f"--var {name}"
        try:
            ev = Evaluator(origin, OnlyNames({}, "variable values"), {})
            return ev.eval(value.expression(literal)), ev.frame, None
        except ConfigError as err:
            raise ConfigError(
                f'Invalid value for variable "{name}" from {origin}: {err.message} '
                "(non-string variables take HCL values, e.g. 8080, true, "
                '["a", "b"], {k = "v"})'
            ) from None

    return evaluate


def _gp_settings(root: ModuleInstance, session: LoadSession) -> tuple[str, str | None]:
    stack, required = stack_from_folder(root.dir.resolve().name), None
    blocks = root.decls.gp_blocks
    for extra in blocks[1:]:
        session.diags.append(Diagnostic('Only one "gp" block is allowed', extra.pos))
    if not blocks:
        return stack, required
    decl = blocks[0]
    attrs = attr_map(decl.node.body, decl.file, session.diags)
    check_allowed(attrs, _GP_ATTRS, '"gp" block', decl.file, session.diags)
    for name in ("stack", "required_version"):
        if name not in attrs:
            continue
        with session.collecting():
            ev = root.evaluator(decl.file)
            value = ev.eval(attrs[name].expr)
            if has_marks(value):
                raise ev.error(
                    f"{name} cannot be sensitive: it is shown in every plan", attrs[name].expr
                )
            if not isinstance(value, str) or not value:
                raise ev.error(f"{name} must be a non-empty string", attrs[name].expr)
            if name == "stack":
                problem = stack_problem(value)
                if problem:
                    raise ev.error(problem, attrs[name].expr)
                stack = value
                continue
            required = value
            problem = unmet(value, __version__)
            if problem:
                raise ev.error(problem, attrs[name].expr)
    return stack, required


def _environments(root: ModuleInstance, session: LoadSession, stack: str) -> dict[str, Environment]:
    if not root.decls.environments:
        return {}
    for decl in root.decls.providers:
        session.diags.append(
            Diagnostic(
                "A module with environments has its provider blocks inside them: move this "
                "one into an environment block",
                decl.pos,
            )
        )
    return envs.environments(
        root.decls, stack, lambda decl: _provider_block(root, session, decl), session.diags
    )


def _provider(root: ModuleInstance, session: LoadSession) -> ProviderConfig:
    found = root.decls.providers
    for extra in found[1:]:
        session.diags.append(
            Diagnostic(
                f"Only one provider block is allowed; the first is at {found[0].pos}", extra.pos
            )
        )
    if not found:
        return ProviderConfig("kubernetes", {})
    return _provider_block(root, session, found[0])


def _provider_block(root: ModuleInstance, session: LoadSession, decl: Decl) -> ProviderConfig:
    kind = decl.node.labels[0]
    if kind not in PROVIDER_KINDS:
        session.diags.append(
            Diagnostic(
                f'Unknown provider "{kind}"{did_you_mean(kind, PROVIDER_KINDS)}; expected '
                '"kubernetes" or "directory"',
                decl.pos,
            )
        )
        return ProviderConfig("kubernetes", {}, decl.pos)
    attrs = attr_map(decl.node.body, decl.file, session.diags)
    settings: dict[str, Any] = {}
    for name, attr in attrs.items():
        with session.collecting():
            ev = root.evaluator(decl.file)
            # Provider settings go to the client, never to a report: a secret may be used here.
            value = strip(ev.eval(attr.expr))
            if value is not None:  # null means not set: the default applies
                settings[name] = value
    unset = {name: None for name in attrs if name not in settings}  # named, so checked
    for name, problem in setting_problems(kind, {**unset, **settings}):
        pos = decl.pos
        if name in attrs:  # a bad value is shown at the value, a bad name at the name
            node = attrs[name].expr if name in settings else attrs[name]
            pos = SourcePos(decl.file, *ast.pos_of(node))
        session.diags.append(Diagnostic(problem, pos))
    return ProviderConfig(kind, settings, decl.pos)


def provider_override(kind: str, settings: Mapping[str, Any]) -> ProviderConfig:
    """A provider a program gives (``gp.Stack(provider=...)``) in place of the module's block,
    checked as the block is: a known kind, its own settings, a valid namespace. Relative paths
    are relative to the root module, as in the block."""
    kept = {
        k: str(v) if isinstance(v, os.PathLike) else v for k, v in settings.items() if v is not None
    }
    problems = setting_problems(kind, {**dict.fromkeys(settings), **kept})
    if problems:
        raise ConfigError(problems[0][1])
    return ProviderConfig(kind, kept)


def _outputs(root: ModuleInstance, session: LoadSession) -> dict[str, Output]:
    out: dict[str, Output] = {}
    for name, decl in root.decls.outputs.items():
        with session.collecting():
            ev = root.evaluator(decl.file)
            value = root.output(name, ev, decl.node)
            session.sensitive_values.update(marked_texts(value))
            out[name] = Output(name, strip(value), has_marks(value), decl.pos)
    return out


__all__ = ["load_module", "parse_files"]
