"""`gp import --generate-config`: YAML objects -> HCL that is proven to compile back to them.

The importer writes the configuration; this loads and compiles it the way `gp plan` would and
compares every object with its input. A configuration that gp would reject, or that compiles to
something else, is never handed out: the error names the YAML file, the object and what gp
cannot express. The configuration is loaded from memory (``MemoryReads``), so nothing is
written before it is proven and no error ever names a file the user does not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gp.compile.module import compile_all
from gp.compile.runtime_check import runtime_messages
from gp.config import load_module
from gp.config.reads import MemoryReads
from gp.errors import ConfigError, Diagnostic, DiagnosticsError
from gp.importer import Generated, check_fidelity, generate
from gp.importer.repeats import merged, repeats

_BLOCK_START = re.compile(r'^([a-z_]+) "([^"]+)" \{')
_MODULE_FILE = "generated.gp.hcl"


def generate_checked(
    objects: Sequence[dict],
    source_names: Sequence[str],
    out_path: Path | None = None,
    merge_duplicates: bool = False,
) -> Generated:
    """The configuration for ``objects`` once it compiles back to them; ``out_path`` is where
    it will be written (the module it is loaded as, in memory, is that file's)."""
    merge_notes = []
    if merge_duplicates:
        for i, obj in enumerate(objects):
            for where, extra in repeats(obj):
                merge_notes.append(
                    f"{source_names[i]}: {obj.get('kind')}: {where} held {extra} repeated "
                    f"entr{'y' if extra == 1 else 'ies'}, merged (--merge-duplicates)"
                )
        objects = [merged(o) for o in objects]
    path = Path(out_path or Path.cwd() / _MODULE_FILE).absolute()
    try:
        generated = _proven(objects, source_names, path, short=True)
    except DiagnosticsError:
        # A short form that says something else: Argo's structure, block for block, whose
        # own errors (what gp cannot express) are the ones to report.
        generated = _proven(objects, source_names, path, short=False)
    return replace(generated, notes=(*merge_notes, *generated.notes))


def _proven(
    objects: Sequence[dict], source_names: Sequence[str], path: Path, short: bool
) -> Generated:
    generated = generate(objects, source_names=source_names, short=short)
    try:
        module = load_module(path.parent, env={}, reads=MemoryReads({path: generated.text}))
    except DiagnosticsError as e:
        raise _told(generated, source_names, e.diagnostics) from None
    results, diags = compile_all(module)
    compiled = [r.manifest for r in results]
    # What Argo refuses only at run time is the YAML's own: the configuration says it as the
    # YAML did, and the notes say what to fix (gp validate rejects it until then).
    at_run_time = {m for c in compiled for m in runtime_messages(c)}
    errors = [d for d in diags if d.severity == "error" and d.message not in at_run_time]
    if errors:
        raise _told(generated, source_names, errors)
    problems = check_fidelity(objects, compiled, source_names, generated.names)
    if problems:
        raise DiagnosticsError([ConfigError(p).diagnostics[0] for p in problems])
    notes = [
        f"{source_names[i]}: {obj.get('kind')} {c['metadata']['name']}: Argo refuses this at "
        f"run time, so gp validate rejects it until it is fixed: {message}"
        for i, (obj, c) in enumerate(zip(objects, compiled))
        for message in runtime_messages(c)
    ]
    return replace(generated, notes=(*generated.notes, *notes))


def _told(
    generated: Generated, source_names: Sequence[str], diags: Sequence[Diagnostic]
) -> DiagnosticsError:
    return DiagnosticsError(
        [ConfigError(_rejected(generated, source_names, d)).diagnostics[0] for d in diags]
    )


def _rejected(generated: Generated, source_names: Sequence[str], diag: Diagnostic) -> str:
    """gp's own complaint about the generated text, told about the object it came from."""
    where = "the generated configuration"
    if diag.pos is not None:
        lines = generated.text.splitlines()
        for line in reversed(lines[: diag.pos.line]):
            m = _BLOCK_START.match(line)
            if m and f"{m.group(1)}.{m.group(2)}" in generated.addresses:
                i = generated.addresses.index(f"{m.group(1)}.{m.group(2)}")
                where = f"{source_names[i]}: {m.group(1)}.{m.group(2)}"
                break
    return f"{where}: gp cannot express this object: the configuration written for it fails with: {diag.message}"
