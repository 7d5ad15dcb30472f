"""Rewrite gp/compile/schema_data.py, Argo's field vocabulary as plain data, from hera's
models (after a hera upgrade, or an edit of gp/compile/schema.py or argo_newer.py):

    python3 scripts/schema_snapshot.py
"""

from __future__ import annotations

from pathlib import Path

from gp.compile.schema_snapshot import source

if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "gp" / "compile" / "schema_data.py"
    target.write_text(source())
