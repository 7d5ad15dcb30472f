"""Reading the YAML files given to `gp import --generate-config`.

Aliases let a kilobyte of YAML stand for billions of values (the "billion laughs"); each
document's size with every alias expanded is counted on the parsed node graph, before any value
is built, and a document past ``MAX_VALUES`` is refused at once. Timestamps stay strings, as
Kubernetes reads them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from gp.errors import ConfigError, SourcePos

# Far beyond any real Argo object (the largest of Argo's examples has about 500 values).
MAX_VALUES = 1_000_000


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses documents whose aliases expand past MAX_VALUES values."""

    def compose_document(self):  # type: ignore[no-untyped-def]
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node)
        return node


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


class _TooLarge(yaml.YAMLError):
    def __init__(self, problem: str, mark):  # type: ignore[no-untyped-def]
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


def _check_expanded_size(root: yaml.Node) -> None:
    """Count values as if every alias were copied out; a node seen again costs its size again."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if not done:
            if key in open_nodes:
                raise _TooLarge(
                    "an alias refers to a value that holds it; the document never ends",
                    node.start_mark,
                )
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        open_nodes.discard(key)
        size = 1 + sum(sizes[id(c)] for c in children)
        if size > MAX_VALUES:
            raise _TooLarge(
                f"the document expands past {MAX_VALUES:,} values through its aliases "
                "(a YAML alias bomb?); gp refuses it",
                node.start_mark,
            )
        sizes[key] = size


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml_objects(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """Every non-empty document of every file, with a source name for each (``file`` or ``file#N``)."""
    objects: list[dict] = []
    names: list[str] = []
    for path in paths:
        try:
            docs = [
                d
                for d in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_Loader)
                if d is not None
            ]
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from exc
        except RecursionError:
            raise ConfigError(f"{path}: the YAML nests too deeply to read") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            pos = (
                SourcePos(str(path), mark.line + 1, mark.column + 1)
                if mark
                else SourcePos(str(path), 1, 1)
            )
            raise ConfigError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", pos) from exc
        for i, doc in enumerate(docs):
            if not isinstance(doc, dict):
                raise ConfigError(f"document {i + 1} is not a mapping", SourcePos(str(path), 1, 1))
            objects.append(doc)
            names.append(str(path) if len(docs) == 1 else f"{path}#{i + 1}")
    return objects, names
