"""Values the API returns besides plans and runs: diagnostics, a DAG, test results and what a
stack owns, each rendering itself in a notebook."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gp.api import state as state_ops
from gp.api.state import StateChange
from gp.errors import Diagnostic, GPError
from gp.planner.plan import Target
from gp.planner.stack_record import StackRecord
from gp.planner.targets import address_order
from gp.render import graph as render_graph
from gp.render import html as render_html
from gp.render import svg
from gp.render.formats import renderer, to_string
from gp.render.tests import render_text as tests_text

if TYPE_CHECKING:  # gp test's loader is heavy: a validate served from the cache skips it
    from gp import operations
    from gp.testing import TestReport

__all__ = ["Diagnostics", "Graph", "StackState", "TestResults"]


class Diagnostics(list[Diagnostic]):
    """What ``Stack.validate`` found: a list of gp.Diagnostic (errors and warnings, by file
    and position), empty when the module is clean. ``objects`` is how many objects it has."""

    def __init__(self, diagnostics: Iterable[Diagnostic] = (), objects: int = 0) -> None:
        super().__init__(diagnostics)
        self.objects = objects

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics of severity "error"."""
        return [d for d in self if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics of severity "warning" (Argo accepts them, but they look wrong)."""
        return [d for d in self if d.severity == "warning"]

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed), as `gp validate` decides."""
        return not self.errors

    def _repr_html_(self) -> str:
        return render_html.diagnostics_html(self, self.objects)

    def _repr_markdown_(self) -> str:
        return render_html.diagnostics_markdown(self, self.objects)


class Graph:
    """The DAGs of one object (or of every object): as SVG in a notebook, and as the text,
    Graphviz dot and Mermaid that `gp graph` prints."""

    def __init__(self, dags: Sequence[render_graph.Dag]) -> None:
        self._dags = list(dags)

    @property
    def templates(self) -> list[str]:
        """ "address: template" of each DAG drawn."""
        return [f"{d.owner}: {d.template}" for d in self._dags]

    @property
    def tasks(self) -> dict[str, list[str]]:
        """Template -> its tasks (or steps), in declaration order."""
        return {d.template: list(d.tasks) for d in self._dags}

    @property
    def edges(self) -> dict[str, list[tuple[str, str, str]]]:
        """Template -> (from, to, condition) edges; condition "" for plain success."""
        return {d.template: list(d.edges) for d in self._dags}

    def format(self, fmt: str = "text") -> str:
        """ "text", "dot" or "mermaid", exactly as `gp graph --format` prints it."""
        return render_graph.render(self._dags, fmt)

    def svg(self) -> str:
        """One ``<svg>`` per DAG, one after the other."""
        return "".join(
            svg.draw(*svg.nodes_of(d), title=f"{d.owner}: {d.template}") for d in self._dags
        )

    def __str__(self) -> str:
        return self.format("text")

    def __repr__(self) -> str:
        return f"<gp.Graph {', '.join(self.templates) or 'no DAG'}>"

    def _repr_html_(self) -> str:
        return (
            "<div>"
            + "".join(
                f"<div>{part}</div>"
                for part in (
                    svg.draw(*svg.nodes_of(d), title=f"{d.owner}: {d.template}") for d in self._dags
                )
            )
            + "</div>"
        )

    def _repr_markdown_(self) -> str:
        return "```mermaid\n" + self.format("mermaid") + "```\n"


class TestResults:
    """What ``Stack.test`` ran: ``passed`` and ``failed`` counts, each test's result in
    ``report`` (gp.testing.TestReport), and the text `gp test` prints."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, report: TestReport) -> None:
        self.report = report

    @property
    def passed(self) -> int:
        """How many tests passed."""
        return self.report.passed

    @property
    def failed(self) -> int:
        """How many tests failed."""
        return self.report.failed

    @property
    def ok(self) -> bool:
        """True when no test failed."""
        return self.report.failed == 0

    def text(self) -> str:
        """The results as `gp test` prints them."""
        return tests_text(self.report)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<gp.TestResults passed={self.passed} failed={self.failed}>"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        return (
            f'<p style="color:{colour}"><b>{self.passed} passed, {self.failed} failed</b></p>'
            + render_html.pre(self.text())
        )


class StackState:
    """What the stack owns on its target, from its record (`gp show` without a plan file),
    and the record changed by hand (`gp state`, gp/api/state.py): each change is made under
    the stack's lock to the record as it is then, keeping the one before as a backup."""

    def __init__(
        self, record: StackRecord, target: Target, inputs: operations.Inputs | None = None
    ) -> None:
        self.record = record
        self.target = target
        self._inputs = inputs

    @property
    def addresses(self) -> list[str]:
        """The addresses the stack's record lists, sorted."""
        return sorted(self.record.entries, key=address_order)

    def list(self, *addresses: str) -> list[str]:
        """The addresses, or those ``addresses`` name (`gp state list`)."""
        return state_ops.listed(self.record, addresses)

    def show(self, address: str) -> dict[str, Any]:
        """One object and what gp last applied to it, masked (`gp state show`)."""
        return state_ops.shown_entry(self.record, address)

    def mv(self, src: str, dst: str, *, lock_timeout: float = 0.0) -> StateChange:
        """Move ``src`` (an object, a block's instances or a module's objects) to ``dst``, in
        the record and on the objects' address marks (`gp state mv`)."""
        return self._change(lambda p, s: state_ops.move(p, s, src, dst), lock_timeout)

    def rm(self, address: str, *, lock_timeout: float = 0.0) -> StateChange:
        """Stop managing ``address``: out of the record, gp's marks off; it stays."""
        return self._change(lambda p, s: state_ops.forget(p, s, address), lock_timeout)

    def restore(self, *, lock_timeout: float = 0.0) -> StateChange:
        """Put back the record as it was before the last change (`gp state restore`)."""
        return self._change(state_ops.restore, lock_timeout)

    def _change(self, change: state_ops.Change, lock_timeout: float) -> StateChange:
        if self._inputs is None:
            raise GPError("this StackState was made without its stack: use gp.Stack.state()")
        return state_ops.by_hand(self._inputs, change, lock_timeout)

    def render(self, fmt: str = "text", *, color: bool = False) -> str:
        """The listing as `gp show --format FMT` prints it: "text", "json", "markdown" or
        "html"."""
        return to_string(renderer(fmt).owned(self.record, self.target), color=color)

    def text(self) -> str:
        """The listing as `gp show` prints it."""
        return self.render("text")

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<gp.StackState {self.record.stack!r} objects={len(self.record.entries)}>"

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_html_(self) -> str:
        return self.render("html")
