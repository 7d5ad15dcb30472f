"""One instance of a module: its variables, locals, outputs and child modules, evaluated lazily.

``ModuleInstance`` is the evaluator's ``Resolver``: a reference such as ``local.x`` evaluates
the local on first use (memoised in the session, so dependency order falls out of the
references and a cycle is reported with its path). Object blocks are in ``objects_eval``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gp.config import ast
from gp.config.decls import Declarations, attr_map, check_allowed
from gp.config.evaluator import Evaluator, Frame
from gp.config.functions import build_functions
from gp.config.marks import (
    has_marks,
    is_marked,
    mark,
    marked_texts,
    remark,
    strip,
    unmark_deep,
)
from gp.config.model import OBJECT_KINDS, Moved, ObjectDecl, Removed
from gp.config.modules import instantiate
from gp.config.objects_eval import ObjectBlocks
from gp.config.refactors import instance_blocks
from gp.config.session import LoadSession, Result, at
from gp.config.types import Type, TypeConvError, TypeSpecError, convert, parse_type
from gp.errors import ConfigError, SourcePos
from gp.redact import mask_message
from gp.suggest import did_you_mean

# An input for a variable: (literal) -> (value, frame, position of the value or None).
InputFn = Callable[[bool], tuple[Any, Frame, SourcePos | None]]
_VARIABLE_ATTRS = ("type", "default", "description", "sensitive", "nullable")
_OUTPUT_ATTRS = ("value", "description", "sensitive", "depends_on")
_MODULE_META = ("source", "count", "for_each", "depends_on", "providers")


class OnlyNames:
    """A resolver for places that may name nothing but ``allowed`` (e.g. a validation)."""

    def __init__(self, allowed: dict[tuple[str, str], Any], what: str):
        self.allowed, self.what = allowed, what

    def lookup(self, root: str, steps: list[str], node: ast.Name, ev: Evaluator) -> tuple[Any, int]:
        if steps and (root, steps[0]) in self.allowed:
            return self.allowed[(root, steps[0])], 1
        raise ev.error(f"References are not allowed in {self.what}", node)


class ModuleInstance:
    def __init__(
        self,
        session: LoadSession,
        decls: Declarations,
        prefix: str,
        inputs: dict[str, InputFn],
        chain: tuple[Path, ...],
    ):
        self.session = session
        self.decls = decls
        self.dir = decls.dir
        self.prefix = prefix  # "" or e.g. 'module.tiles["a"].'
        self.inputs = inputs
        self.chain = chain
        self.functions = build_functions(decls.dir, session.reads)
        self.objects = ObjectBlocks(self)

    def all_objects(self) -> list[ObjectDecl]:
        """Every object declared here and in the child modules, in declaration order."""
        return self.objects.all_objects()

    def all_refactors(self) -> tuple[list[Moved], list[Removed]]:
        """The `moved` and `removed` blocks here and in every child module instance."""
        moved, removed = instance_blocks(self.decls, self.prefix, self.session.diags)
        for name in self.decls.modules:
            with self.session.collecting():
                found = self.module_instances(name, None, None)
                children = (
                    found
                    if isinstance(found, list)
                    else list(found.values())
                    if isinstance(found, dict)
                    else [found]
                )
                for child in children:
                    more = child.all_refactors()
                    moved += more[0]
                    removed += more[1]
        return moved, removed

    def evaluator(
        self, file: str, bindings: dict[str, Any] | None = None, frame: Frame | None = None
    ) -> Evaluator:
        return Evaluator(file, self, self.functions, bindings, frame)

    # --- the resolver ---------------------------------------------------------------------

    def lookup(self, root: str, steps: list[str], node: ast.Name, ev: Evaluator) -> tuple[Any, int]:
        if root in ("var", "local", "path") and not steps:
            raise ev.error(
                f'The "{root}" object cannot be used directly; name one of its '
                f"attributes, like {root}.NAME",
                node,
            )
        if root == "var":
            return self.var(steps[0], ev, node), 1
        if root == "local":
            return self.local(steps[0], ev, node), 1
        if root == "path":
            return self._path(steps[0], ev, node), 1
        if root == "module":
            return self.module_ref(steps, ev, node)
        if root in OBJECT_KINDS:
            return self.objects.object_ref(root, steps, ev, node)
        if root == "each":
            raise ev.error('"each" can only be used in a block that sets for_each', node)
        if root == "count":
            raise ev.error('"count" can only be used in a block that sets count', node)
        roots = ["var", "local", "module", "path", *OBJECT_KINDS, *ev.bindings]
        raise ev.error(
            f'Unknown reference "{root}"' + did_you_mean(root, [r for r in roots if r[0] != "\0"]),
            node,
        )

    def _path(self, name: str, ev: Evaluator, node: Any) -> str:
        # Absolute, so "${path.module}/x" works with file(), which resolves from the module.
        if name == "module":
            return str(self.dir.resolve())
        if name == "root":
            return str(self.session.root_dir.resolve())
        if name == "cwd":
            return str(Path.cwd())
        raise ev.error(f'Unknown reference "path.{name}"; expected path.module or path.root', node)

    # --- variables ------------------------------------------------------------------------

    def var(self, name: str, ev: Evaluator | None, node: Any) -> Any:
        if name not in self.decls.variables:
            if ev is None:
                raise ConfigError(f'Unknown variable "var.{name}"')
            raise ev.error(
                f'Unknown variable "var.{name}"'
                + did_you_mean(name, list(self.decls.variables), prefix="var."),
                node,
            )
        return self.session.lazy(
            f"{self.prefix}var.{name}", lambda: self._var_value(name), ev, node
        )

    def _var_value(self, name: str) -> Result:
        decl = self.decls.variables[name]
        block = decl.node
        diags = self.session.diags
        attrs = attr_map(block.body, decl.file, diags)
        check_allowed(attrs, _VARIABLE_ATTRS, f'variable "{name}"', decl.file, diags)
        static = Evaluator(decl.file, OnlyNames({}, "a variable declaration"), self.functions)
        var_type = self._var_type(attrs, static)
        sensitive = self._static_bool(attrs, "sensitive", False, static)
        nullable = self._static_bool(attrs, "nullable", True, static)
        frame = Frame()
        literal = var_type is None or var_type.kind == "string"
        pos: SourcePos | None = decl.pos
        if name in self.inputs:
            value, input_frame, where = self.inputs[name](literal)
            frame.merge(input_frame)
            pos = where or pos
        elif "default" in attrs:
            value = static.eval(attrs["default"].expr)
            pos = at(decl.file, attrs["default"])
        else:
            raise ConfigError(f'No value for required variable "{name}"', decl.pos)
        if (
            strip(value) is None
            and "default" in attrs
            and name in self.inputs
            and nullable is False
        ):
            value = static.eval(attrs["default"].expr)
        if sensitive:
            value = mark(value)
            self.session.sensitive_values.update(marked_texts(value))
        if var_type is not None:
            value = self._convert(name, value, var_type, pos)
        if strip(value) is None and not nullable:
            raise ConfigError(
                f'Invalid value for variable "{name}": the value must not be null', pos
            )
        self._validate(name, decl, value)
        return Result(value, frame)

    @staticmethod
    def _convert(name: str, value: Any, var_type: Type, pos: SourcePos | None) -> Any:
        """``value`` converted to the variable's type, its marks kept where its parts went."""
        plain, paths = unmark_deep(value)
        try:
            converted = convert(plain, var_type)
        except TypeConvError as e:
            reason = mask_message(str(e), marked_texts(value)) if paths else str(e)
            raise ConfigError(
                f'Invalid value for variable "{name}": '
                f"{reason or 'the value does not have the type required'}",
                pos,
            ) from None
        if _has_set(var_type) and paths:
            return mark(converted)  # a set reorders and merges its elements: mark it whole
        return remark(converted, paths)

    def _var_type(self, attrs: dict[str, ast.Attribute], static: Evaluator) -> Type | None:
        if "type" not in attrs:
            return None
        try:
            return parse_type(attrs["type"].expr, static.eval)
        except TypeSpecError as e:
            raise static.error(e.message, e.node) from None
        except TypeConvError as e:
            raise static.error(f"Invalid default in optional(): {e}", attrs["type"].expr) from None

    @staticmethod
    def _static_bool(
        attrs: dict[str, ast.Attribute], name: str, default: bool, ev: Evaluator
    ) -> bool:
        if name not in attrs:
            return default
        value = ev.eval(attrs[name].expr)
        if not isinstance(value, bool):
            raise ev.error(f'"{name}" must be true or false', attrs[name].expr)
        return value

    def _validate(self, name: str, decl, value: Any) -> None:
        for rule in decl.node.body.blocks:
            if rule.type != "validation":
                raise ConfigError(
                    f'Unexpected block "{rule.type}" in variable "{name}"', at(decl.file, rule)
                )
            attrs = attr_map(rule.body, decl.file, self.session.diags)
            if "condition" not in attrs or "error_message" not in attrs:
                raise ConfigError(
                    "A validation block needs condition and error_message", at(decl.file, rule)
                )
            ev = Evaluator(
                decl.file,
                OnlyNames({("var", name): value}, "a validation condition"),
                self.functions,
            )
            ok = ev.eval(attrs["condition"].expr)
            ok = ok.value if is_marked(ok) else ok
            if not isinstance(ok, bool):
                raise ev.error(
                    "A validation condition must be true or false", attrs["condition"].expr
                )
            if not ok:
                ev.redact = True
                message = ev.eval(attrs["error_message"].expr)
                if has_marks(message):
                    # Computed from a secret other than by interpolation: as Terraform does, the
                    # message is not shown at all.
                    message = (
                        "The error message included a sensitive value, so it will not be displayed."
                    )
                raise ConfigError(
                    f'Invalid value for variable "{name}": {message}',
                    at(decl.file, attrs["condition"]),
                )

    # --- locals and outputs ---------------------------------------------------------------

    def local(self, name: str, ev: Evaluator | None, node: Any) -> Any:
        if name not in self.decls.locals:
            raise ev.error(
                f'Unknown local value "local.{name}"'
                + did_you_mean(name, list(self.decls.locals), prefix="local."),
                node,
            )
        decl = self.decls.locals[name]

        def compute() -> Result:
            inner = self.evaluator(decl.file)
            value = inner.eval(decl.node.expr)
            self.session.sensitive_values.update(marked_texts(value))
            return Result(value, inner.frame)

        return self.session.lazy(f"{self.prefix}local.{name}", compute, ev, node)

    def output(self, name: str, ev: Evaluator | None, node: Any) -> Any:
        decl = self.decls.outputs[name]

        def compute() -> Result:
            attrs = attr_map(decl.node.body, decl.file, self.session.diags)
            check_allowed(attrs, _OUTPUT_ATTRS, f'output "{name}"', decl.file, self.session.diags)
            if "value" not in attrs:
                raise ConfigError(f'Output "{name}" has no value', decl.pos)
            inner = self.evaluator(decl.file)
            value = inner.eval(attrs["value"].expr)
            if "sensitive" in attrs and inner.child({}).eval(attrs["sensitive"].expr) is True:
                value = mark(value)
            return Result(value, inner.frame)

        return self.session.lazy(f"{self.prefix}output.{name}", compute, ev, node)

    def outputs_value(self, ev: Evaluator | None, node: Any) -> dict[str, Any]:
        return {name: self.output(name, ev, node) for name in self.decls.outputs}

    # --- child modules --------------------------------------------------------------------

    def module_ref(self, steps: list[str], ev: Evaluator, node: Any) -> tuple[Any, int]:
        if not steps:
            raise ev.error(
                'The "module" object cannot be used directly; use module.NAME.OUTPUT', node
            )
        name = steps[0]
        if name not in self.decls.modules:
            raise ev.error(
                f'Unknown module "module.{name}"'
                + did_you_mean(name, list(self.decls.modules), prefix="module."),
                node,
            )
        instances = self.module_instances(name, ev, node)
        if isinstance(instances, ModuleInstance):
            if len(steps) >= 2:
                return self._child_output(instances, steps[1], ev, node), 2
            return instances.outputs_value(ev, node), 1
        if len(steps) >= 2:
            key = int(steps[1]) if isinstance(instances, list) and steps[1].isdigit() else steps[1]
            child = ev.index(instances, key, node)
            if len(steps) >= 3:
                return self._child_output(child, steps[2], ev, node), 3
            return child.outputs_value(ev, node), 2
        if isinstance(instances, list):
            return [c.outputs_value(ev, node) for c in instances], 1
        return {k: c.outputs_value(ev, node) for k, c in instances.items()}, 1

    def _child_output(self, child: ModuleInstance, name: str, ev: Evaluator, node: Any) -> Any:
        if name not in child.decls.outputs:
            label = child.prefix.rstrip(".")
            raise ev.error(
                f'Unknown output "{label}.{name}"' + did_you_mean(name, list(child.decls.outputs)),
                node,
            )
        return child.output(name, ev, node)

    def module_instances(self, name: str, ev: Evaluator | None, node: Any) -> Any:
        return self.session.lazy(
            f"{self.prefix}module.{name}",
            lambda: instantiate(self, name, _MODULE_META, ModuleInstance),
            ev,
            node,
        )


def _has_set(t: Type | None) -> bool:
    if t is None:
        return False
    if t.kind == "set":
        return True
    inner = [t.elem, *(t.elems or ()), *(a for _, a in (t.attrs or ()))]
    return any(_has_set(x) for x in inner if x is not None)
