"""Reading the YAML files given to `gp import --generate-config`."""

from __future__ import annotations

from pathlib import Path

import yaml

from gp.errors import ConfigError, SourcePos


def load_yaml_objects(paths: list[Path]) -> tuple[list[dict], list[str]]:
    """Every non-empty document of every file, with a source name for each (``file`` or ``file#N``)."""
    objects: list[dict] = []
    names: list[str] = []
    for path in paths:
        try:
            docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            pos = SourcePos(str(path), mark.line + 1, mark.column + 1) if mark else SourcePos(str(path), 1, 1)
            raise ConfigError(f"invalid YAML: {getattr(exc, 'problem', None) or exc}", pos) from exc
        for i, doc in enumerate(docs):
            if not isinstance(doc, dict):
                raise ConfigError(f"document {i + 1} is not a mapping", SourcePos(str(path), 1, 1))
            objects.append(doc)
            names.append(str(path) if len(docs) == 1 else f"{path}#{i + 1}")
    return objects, names
