"""`environment` blocks: one root module, several targets, each its own stack.

    environment "dev" {
      provider "kubernetes" { namespace = "pipeline-dev" }
      variables = { schedule = "*/15 * * * *" }
    }
    environment "prod" {
      provider "kubernetes" { namespace = "pipeline"  context = "prod" }
      promote_from = "dev"
    }

The environment's stack is ``<stack>-<name>`` (the block's ``stack`` sets another, e.g. to keep
the stack a module had before it declared environments). Its ``variables`` are a variables file
for it: after ``*.auto.vars.hcl``, before ``--var-file`` and ``--var``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gp.config import ast
from gp.config.decls import Decl, Declarations, attr_map, check_allowed
from gp.config.model import Environment, ProviderConfig
from gp.config.names import DNS_LABEL, stack_problem
from gp.config.variables import RawValue
from gp.errors import ConfigError, Diagnostic, EnvironmentRequired, SourcePos
from gp.suggest import did_you_mean

_ATTRS = ("variables", "promote_from", "default", "stack")


def _block(decl: Decl) -> ast.BlockNode:
    assert isinstance(decl.node, ast.BlockNode)
    return decl.node


def _at(file: str, node: Any) -> SourcePos:
    return SourcePos(file, *ast.pos_of(node))


def _literal(decl: Decl, name: str, kind: type, diags: list[Diagnostic]) -> Any:
    attrs = attr_map(_block(decl).body, decl.file, [])
    attr = attrs.get(name)
    if attr is None:
        return None
    value = attr.expr
    if isinstance(value, ast.Literal) and isinstance(value.value, kind):
        return value.value
    what = "true or false" if kind is bool else "a string in quotes"
    diags.append(
        Diagnostic(
            f'environment "{_block(decl).labels[0]}": {name} must be {what}', _at(decl.file, attr)
        )
    )
    return None


def chosen(decls: Declarations, wanted: str | None) -> str | None:
    """The environment this load is for: ``wanted``, else the default one; None for a module
    without environments. Raises ConfigError for a name the module does not declare, for
    ``wanted`` on a module without environments, and when none can be chosen."""
    names = list(decls.environments)
    if not names:
        if wanted is not None:
            raise ConfigError(
                f"--env {wanted}: this module declares no environments (add environment "
                f'"{wanted}" {{ provider ... }} blocks, or leave out --env)'
            )
        return None
    if wanted is not None:
        if wanted not in decls.environments:
            raise ConfigError(
                f'unknown environment "{wanted}"; this module declares {", ".join(names)}'
                + did_you_mean(wanted, names)
            )
        return wanted
    defaults = [n for n, d in decls.environments.items() if _literal(d, "default", bool, [])]
    if defaults:
        return defaults[0]
    raise EnvironmentRequired(names, decls.environments[names[0]].pos)


def variables_of(decl: Decl, diags: list[Diagnostic]) -> dict[str, RawValue]:
    """The environment's ``variables``: an object written out (`{ name = value, ... }`),
    each value read as a variables file's would be."""
    attrs = attr_map(_block(decl).body, decl.file, [])
    attr = attrs.get("variables")
    if attr is None:
        return {}
    expr = attr.expr
    if not isinstance(expr, ast.ObjectExpr):
        diags.append(
            Diagnostic(
                f'environment "{_block(decl).labels[0]}": variables must be an object written '
                "out, { name = value, ... }",
                _at(decl.file, expr),
            )
        )
        return {}
    out: dict[str, RawValue] = {}
    for key, value in expr.items:
        name = key.name if isinstance(key, ast.Name) else None
        if isinstance(key, ast.Literal) and isinstance(key.value, str):
            name = key.value
        if name is None:
            diags.append(Diagnostic("a variable's name must be written out", _at(decl.file, key)))
            continue
        out[name] = RawValue("file", expr=value, pos=_at(decl.file, value))
    return out


ProviderOf = Callable[[Decl], ProviderConfig]


def environments(
    decls: Declarations, stack: str, provider_of: ProviderOf, diags: list[Diagnostic]
) -> dict[str, Environment]:
    """Every environment block, checked: its name, its one provider block, promote_from,
    one default at most, and a stack of its own."""
    out: dict[str, Environment] = {}
    for name, decl in decls.environments.items():
        body = _block(decl).body
        attrs = attr_map(body, decl.file, diags)
        check_allowed(attrs, _ATTRS, f'environment "{name}"', decl.file, diags)
        if not DNS_LABEL.match(name) or len(name) > 30:
            diags.append(
                Diagnostic(
                    f'environment "{name}": a name is lowercase letters, digits and "-" '
                    "(at most 30), as it is part of the stack's name",
                    decl.pos,
                )
            )
        providers = []
        for inner in body.blocks:
            if inner.type == "provider" and len(inner.labels) == 1:
                providers.append(inner)
            else:
                diags.append(
                    Diagnostic(
                        f'Unexpected block "{inner.type}" in environment "{name}"; it takes '
                        'one provider "KIND" { ... } block',
                        _at(decl.file, inner),
                    )
                )
        if not providers:
            diags.append(
                Diagnostic(
                    f'environment "{name}" needs a provider block: provider "kubernetes" '
                    '{ namespace = "..." } or provider "directory" { path = "..." }',
                    decl.pos,
                )
            )
            continue
        for extra in providers[1:]:
            diags.append(
                Diagnostic(f'environment "{name}" takes one provider block', _at(decl.file, extra))
            )
        own = _literal(decl, "stack", str, diags)
        env_stack = own or f"{stack}-{name}"
        problem = stack_problem(env_stack)
        if problem:
            diags.append(Diagnostic(f'environment "{name}": {problem}', decl.pos))
        variables_of(decl, diags)
        out[name] = Environment(
            name=name,
            provider=provider_of(Decl(decl.file, providers[0])),
            stack=env_stack,
            promote_from=_literal(decl, "promote_from", str, diags),
            default=bool(_literal(decl, "default", bool, diags)),
            pos=decl.pos,
        )
    _check_links(out, diags)
    _check_targets(out, decls.dir, diags)
    return out


def target_of(provider: ProviderConfig, root: Path) -> tuple[str, ...]:
    """Where a provider writes, as far as its settings say (gp.environments also follows
    kubeconfig contexts to their API servers)."""
    settings = provider.settings
    if provider.kind == "directory":
        path = Path(str(settings.get("path", ""))).expanduser()
        return ("directory", str((path if path.is_absolute() else root / path).resolve()))
    config = settings.get("kubeconfig")
    where = str((root / Path(str(config)).expanduser()).resolve()) if config else ""
    return ("kubernetes", where, str(settings.get("context") or ""), provider.namespace)


def _check_targets(envs: dict[str, Environment], root: Path, diags: list[Diagnostic]) -> None:
    seen: dict[tuple[str, ...], Environment] = {}
    for env in envs.values():
        key = target_of(env.provider, root)
        if key in seen:
            diags.append(
                Diagnostic(
                    f'environments "{seen[key].name}" and "{env.name}" have the same target '
                    f"({_target_words(key)}): each environment needs its own",
                    env.pos,
                )
            )
        seen.setdefault(key, env)


def _target_words(key: tuple[str, ...]) -> str:
    if key[0] == "directory":
        return f"the folder {key[1]}"
    return f"namespace {key[3]} of the same cluster"


def _check_links(envs: dict[str, Environment], diags: list[Diagnostic]) -> None:
    defaults = [e for e in envs.values() if e.default]
    for extra in defaults[1:]:
        diags.append(
            Diagnostic(
                f'environment "{extra.name}": only one environment can be the default; '
                f'"{defaults[0].name}" is already',
                extra.pos,
            )
        )
    stacks: dict[str, str] = {}
    for env in envs.values():
        if env.stack in stacks:
            diags.append(
                Diagnostic(
                    f'environment "{env.name}" has the stack "{env.stack}" of environment '
                    f'"{stacks[env.stack]}"; each environment is a stack of its own',
                    env.pos,
                )
            )
        stacks.setdefault(env.stack, env.name)
        source = env.promote_from
        if source is None:
            continue
        if source == env.name:
            diags.append(Diagnostic(f'environment "{env.name}" promotes from itself', env.pos))
        elif source not in envs:
            diags.append(
                Diagnostic(
                    f'environment "{env.name}": promote_from names no environment: '
                    f'"{source}"{did_you_mean(source, list(envs))}',
                    env.pos,
                )
            )
    for env in envs.values():
        seen, at = [env.name], env.promote_from
        while at in envs and at not in seen:
            seen.append(at)
            at = envs[at].promote_from
        if at == env.name and len(seen) > 1 and env.name == min(seen):
            chain = " <- ".join([*seen, at])
            diags.append(Diagnostic(f"the environments promote from each other: {chain}", env.pos))
