"""`gp ui`: a local web UI over gp's stages (load, compile, plan, providers, runs).

A consumer only: pages show values the other packages compute (the plan, the schedule preview,
`gp graph`'s reading of a DAG, gp.runs' runs); nothing here diffs, schedules or talks to a
cluster by itself.
"""

from gp.ui.app import make_app
from gp.ui.source import StackSource

__all__ = ["StackSource", "make_app"]
