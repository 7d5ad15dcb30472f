"""Object blocks (workflow_template, cron_workflow, ...): expansion, bodies, references.

A reference to an object block evaluates to a dict::

    {"__gp_ref__": address, "address": address, "kind": "workflow_template",
     "name": ..., "namespace": ... (None when cluster-scoped), "manifest": compiled or None}

``__gp_ref__`` tells later stages that a value (say a cron's ``workflow_template``) names
another object rather than holding data. ``manifest`` is filled when the caller gave a
``compile_object`` callback; ``x.manifest`` then compiles ``x`` (errors are reported there).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from gp.config import ast
from gp.config.decls import Declarations, attr_map
from gp.config.evaluator import Evaluator, Frame, Resolver
from gp.config.expansion import Expansion, expand
from gp.config.lifecycle import lifecycle_of
from gp.config.marks import has_marks, marked_texts, unmark_deep
from gp.config.memo import Recall, Recorder
from gp.config.model import Attr, Block, Lifecycle, ObjectDecl
from gp.config.session import LoadSession, Result, at
from gp.errors import ConfigError, GPError
from gp.suggest import did_you_mean

REF_KEY = "__gp_ref__"
_META_ATTRS = ("count", "for_each", "depends_on")
CLUSTER_SCOPED = ("cluster_workflow_template",)


class ObjectScope(Resolver, Protocol):
    """What object blocks need of the module instance that declares them."""

    session: LoadSession
    decls: Declarations
    dir: Path
    prefix: str
    functions: dict[str, Callable[..., Any]]
    objects: ObjectBlocks

    def evaluator(
        self, file: str, bindings: dict[str, Any] | None = None, frame: Frame | None = None
    ) -> Evaluator: ...

    def module_instances(self, name: str, ev: Evaluator | None, node: Any) -> Any: ...


class ObjectBlocks:
    """The object blocks of one module instance: their expansion, bodies and references."""

    def __init__(self, scope: ObjectScope) -> None:
        self.scope = scope
        # While a remembered block is evaluated, its evaluators resolve through this, which
        # notes each lookup (``gp.config.memo``).
        self.recording: Recorder | None = None

    def _evaluator(self, file: str, bindings: dict[str, Any] | None = None) -> Evaluator:
        ev = self.scope.evaluator(file, bindings)
        if self.recording is not None:
            ev.resolver = self.recording
        return ev

    def object_expansion(self, kind: str, label: str) -> Expansion:
        decl = self.scope.decls.objects[(kind, label)]
        names = getattr(decl.node, "attr_names", None)  # a block's head, its body unread
        if names is not None and "count" not in names and "for_each" not in names:
            return Expansion("single", (None,), ({},), Frame())
        attrs = attr_map(decl.node.body, decl.file, [])
        meta = "count" if "count" in attrs else "for_each" if "for_each" in attrs else None
        if meta is None:
            return Expansion("single", (None,), ({},), Frame())
        return self.scope.session.lazy(
            f"{self.scope.prefix}{kind}.{label}.{meta}",
            lambda: Result(
                expand(self.scope.evaluator(decl.file), attrs, decl.file, f"{kind}.{label}"),
                Frame(),
            ),
            None,
            None,
        )

    def object_decl(
        self, kind: str, label: str, i: int, ev: Evaluator | None, node: Any
    ) -> ObjectDecl:
        expansion = self.object_expansion(kind, label)
        address = f"{self.scope.prefix}{kind}.{label}{expansion.suffix(i)}"
        # A fresh frame: the referrer records this address, not what the object refers to.
        probe = (
            Evaluator(ev.file, self.scope, self.scope.functions, frame=Frame())
            if ev is not None
            else None
        )
        decl = self.scope.session.lazy(
            address,
            lambda: self._build_decl(kind, label, address, expansion.bindings[i]),
            probe,
            node,
        )
        if ev is not None:
            ev.frame.refs.add(address)
        return decl

    def all_objects(self) -> list[ObjectDecl]:
        out: list[ObjectDecl] = []
        for kind, label in self.scope.decls.order:
            with self.scope.session.collecting():
                if kind == "module":
                    children = self.scope.module_instances(label, None, None)
                    kids = (
                        [children]
                        if not isinstance(children, (list, dict))
                        else (children if isinstance(children, list) else list(children.values()))
                    )
                    for child in kids:
                        out.extend(child.objects.all_objects())
                    continue
                expansion = self.object_expansion(kind, label)
                for i in range(len(expansion.keys)):
                    with self.scope.session.collecting():
                        out.append(self.object_decl(kind, label, i, None, None))
        return out

    # --- references -----------------------------------------------------------------------

    def object_ref(self, kind: str, steps: list[str], ev: Evaluator, node: Any) -> tuple[Any, int]:
        if not steps:
            raise ev.error(f'The "{kind}" object cannot be used directly; use {kind}.NAME', node)
        label = steps[0]
        if (kind, label) not in self.scope.decls.objects:
            known = [n for k, n in self.scope.decls.objects if k == kind]
            raise ev.error(
                f'Unknown {kind} "{kind}.{label}"' + did_you_mean(label, known, prefix=f"{kind}."),
                node,
            )
        expansion = self.object_expansion(kind, label)
        if expansion.mode == "single":
            return self._ref_at(kind, label, 0, steps[1:], ev, node), 1 + _manifest_step(steps[1:])
        if len(steps) >= 2:
            key: Any = steps[1]
            if expansion.mode == "count":
                key = int(key) if key.isdigit() else key
            if key not in expansion.keys:
                raise ev.error(
                    f"Invalid index: {kind}.{label} has no instance [{steps[1]!r}]".replace(
                        "'", '"'
                    ),
                    node,
                )
            i = expansion.keys.index(key)
            return self._ref_at(kind, label, i, steps[2:], ev, node), 2 + _manifest_step(steps[2:])
        refs = [self._ref_at(kind, label, i, [], ev, node) for i in range(len(expansion.keys))]
        if expansion.mode == "count":
            return refs, 1
        return dict(zip(expansion.keys, refs)), 1

    def _ref_at(
        self,
        kind: str,
        label: str,
        i: int,
        rest: list[str],
        ev: Evaluator,
        node: Any,
    ) -> Any:
        decl = self.object_decl(kind, label, i, ev, node)
        if rest[:1] == ["manifest"]:
            return self._manifest(decl, ev, node, strict=True)
        return ref_value(
            decl,
            self.scope.session.provider.namespace if self.scope.session.provider else "default",
            self._manifest(decl, ev, node, strict=False),
        )

    def _manifest(self, decl: ObjectDecl, ev: Evaluator, node: Any, strict: bool) -> Any:
        session = self.scope.session
        if session.compile_object is None or session.provider is None:
            if strict:
                raise ev.error(
                    f"{decl.address}.manifest is not available here (nothing compiles objects "
                    "in this run)",
                    node,
                )
            return None
        key = f"{decl.address}.manifest"
        if key not in session.memo:
            try:
                session.memo[key] = Result(
                    session.compile_object(decl, session.provider, session.stack), Frame()
                )
            except GPError as e:
                session.memo[key] = e
        result = session.memo[key]
        if isinstance(result, GPError):
            if strict:
                raise ev.error(f"Cannot compile {decl.address}: {result.message}", node)
            return None
        return result.value  # compile_object marked its sensitive fields

    # --- bodies ---------------------------------------------------------------------------

    def _build_decl(self, kind: str, label: str, address: str, bindings: dict) -> Result:
        decl = self.scope.decls.objects[(kind, label)]
        session = self.scope.session
        source = getattr(decl.node, "source", None)  # the block's text (``gp.config.sourced``)
        recall = Recall(
            session.blocks if source is not None else None,
            (kind, label, address, decl.file, source, str(self.scope.dir), bindings),
            self.scope,
            session.reads,
        )
        found = recall.recalled(self.scope.evaluator(decl.file, dict(bindings)))
        if found is not None:
            return Result(found, Frame())
        outer, reported = self.recording, len(session.diags)
        with recall.recording() as recorder:
            self.recording = recorder
            try:
                result = self._evaluate_decl(kind, label, address, bindings)
            finally:
                self.recording = outer
        recall.keep(result.value, reported=len(session.diags) > reported)
        return result

    def _evaluate_decl(self, kind: str, label: str, address: str, bindings: dict) -> Result:
        decl = self.scope.decls.objects[(kind, label)]
        file = decl.file
        refs: set[str] = set()
        lifecycle = Lifecycle()
        body_ast = decl.node.body
        cycles = [b for b in body_ast.blocks if b.type == "lifecycle"]
        if len(cycles) > 1:
            raise ConfigError("Only one lifecycle block is allowed", at(file, cycles[1]))
        if cycles:
            with self.scope.session.collecting():
                ev = self._evaluator(file, dict(bindings))
                lifecycle = lifecycle_of(cycles[0], ev, self.scope.session.diags)
        attrs = attr_map(body_ast, file, self.scope.session.diags)
        if "depends_on" in attrs:
            with self.scope.session.collecting():
                ev = self._evaluator(file, dict(bindings))
                ev.eval(attrs["depends_on"].expr)
                refs |= ev.frame.refs
        kept = ast.Body(
            tuple(a for a in body_ast.attrs if a.name not in _META_ATTRS),
            tuple(b for b in body_ast.blocks if b.type != "lifecycle"),
        )
        block = self.eval_block(kind, (label,), kept, file, bindings, refs, at(file, decl.node))
        refs.discard(address)
        obj = ObjectDecl(
            address=address,
            kind=kind,
            label=label,
            body=block,
            lifecycle=lifecycle,
            module_dir=self.scope.dir,
            pos=decl.pos,
            references=tuple(sorted(refs)),
        )
        return Result(obj, Frame())

    def eval_block(
        self,
        type_: str,
        labels: tuple[str, ...],
        body: ast.Body,
        file: str,
        bindings: dict,
        refs: set[str],
        pos,
    ) -> Block:
        attrs: dict[str, Attr] = {}
        for a in body.attrs:
            if a.name in attrs:
                self.scope.session.diags.append(
                    ConfigError(f'Attribute "{a.name}" is set twice', at(file, a)).diagnostics[0]
                )
                continue
            ev = self._evaluator(file, dict(bindings))
            with self.scope.session.collecting():
                value = ev.eval(a.expr)
                self.scope.session.sensitive_values.update(marked_texts(value))
                plain, marks = unmark_deep(value)
                attrs[a.name] = Attr(a.name, plain, at(file, a), marks=marks)
            refs |= ev.frame.refs
        blocks: list[Block] = []
        for b in body.blocks:
            if b.type == "dynamic":
                with self.scope.session.collecting():
                    blocks.extend(self._dynamic(b, file, bindings, refs))
            else:
                blocks.append(
                    self.eval_block(b.type, b.labels, b.body, file, bindings, refs, at(file, b))
                )
        return Block(type_, labels, attrs, blocks, pos)

    def _dynamic(self, b: ast.BlockNode, file: str, bindings: dict, refs: set[str]) -> list[Block]:
        if len(b.labels) != 1:
            raise ConfigError(
                "A dynamic block takes one label: the type of block to generate", at(file, b)
            )
        attrs = attr_map(b.body, file, self.scope.session.diags)
        contents = [c for c in b.body.blocks if c.type == "content"]
        if "for_each" not in attrs or len(contents) != 1:
            raise ConfigError(
                f'dynamic "{b.labels[0]}" needs for_each and one content block', at(file, b)
            )
        ev = self._evaluator(file, dict(bindings))
        iterator = b.labels[0]
        if "iterator" in attrs:
            it = attrs["iterator"].expr
            if not isinstance(it, ast.Name):
                raise ev.error("iterator must be a plain name", it)
            iterator = it.name
        coll = ev.eval(attrs["for_each"].expr)
        refs |= ev.frame.refs
        out = []
        items, _ = ev.iterate(coll, attrs["for_each"].expr)
        for key, value in items:
            inner = {**bindings, iterator: {"key": key, "value": value}}
            labels: tuple[str, ...] = ()
            if "labels" in attrs:
                lev = self._evaluator(file, inner)
                found = lev.eval(attrs["labels"].expr)
                if has_marks(found):
                    raise lev.error(
                        "A block's labels cannot be sensitive: they name it in every plan",
                        attrs["labels"].expr,
                    )
                labels = tuple(str(x) for x in found)
            out.append(
                self.eval_block(
                    b.labels[0], labels, contents[0].body, file, inner, refs, at(file, contents[0])
                )
            )
        return out


def _manifest_step(rest: list[str]) -> int:
    return 1 if rest[:1] == ["manifest"] else 0


def ref_value(decl: ObjectDecl, default_ns: str, manifest: Any) -> dict[str, Any]:
    # An attribute set to null is not set: the label or the provider's namespace applies.
    attrs = {k: a.value for k, a in decl.body.attrs.items() if a.value is not None}
    name = attrs.get("name", decl.label)
    namespace = attrs.get("namespace") or default_ns
    if decl.kind == "manifest":
        content = attrs.get("content")
        meta = content.get("metadata") if isinstance(content, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        name = attrs.get("name", meta.get("name", decl.label))
        namespace = attrs.get("namespace") or meta.get("namespace") or default_ns
    if decl.kind in CLUSTER_SCOPED:
        namespace = None
    return {
        REF_KEY: decl.address,
        "address": decl.address,
        "kind": decl.kind,
        "name": name,
        "namespace": namespace,
        "manifest": manifest,
    }
