"""`gp import --generate-config`: YAML objects -> HCL that is proven to compile back to them.

The importer writes the configuration; this loads and compiles it the way `gp plan` would and
compares every object with its input. A configuration that gp would reject, or that compiles to
something else, is never handed out: the error names the object and what gp cannot express.
It ties the importer to the loader and compiler, and prints nothing.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gp.compile.module import compile_all
from gp.compile.runtime_check import runtime_messages
from gp.config import load_module
from gp.errors import ConfigError, DiagnosticsError
from gp.importer import Generated, check_fidelity, generate

_BLOCK_START = re.compile(r'^([a-z_]+) "([^"]+)" \{')
_MODULE_FILE = "generated.gp.hcl"


def generate_checked(objects: Sequence[dict], source_names: Sequence[str]) -> Generated:
    generated = generate(objects, source_names=source_names)
    with tempfile.TemporaryDirectory(prefix="gp-import-") as tmp:
        module_dir = Path(tmp) / "import"
        module_dir.mkdir()
        (module_dir / _MODULE_FILE).write_text(generated.text)
        results, diags = compile_all(load_module(module_dir, env={}))
    compiled = [r.manifest for r in results]
    # What Argo refuses only at run time is the YAML's own: the configuration says it as the
    # YAML did, and the notes say what to fix (gp validate rejects it until then).
    at_run_time = {m for c in compiled for m in runtime_messages(c)}
    errors = [d for d in diags if d.severity == "error" and d.message not in at_run_time]
    if errors:
        raise DiagnosticsError(
            [ConfigError(_rejected(generated, source_names, d)).diagnostics[0] for d in errors]
        )
    problems = check_fidelity(objects, compiled, source_names)
    if problems:
        raise DiagnosticsError([ConfigError(p).diagnostics[0] for p in problems])
    notes = [
        f"{source_names[i]}: {obj.get('kind')} {c['metadata']['name']}: Argo refuses this at "
        f"run time, so gp validate rejects it until it is fixed: {message}"
        for i, (obj, c) in enumerate(zip(objects, compiled))
        for message in runtime_messages(c)
    ]
    return replace(generated, notes=(*generated.notes, *notes))


def _rejected(generated: Generated, source_names: Sequence[str], diag) -> str:
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
