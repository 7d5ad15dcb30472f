"""What each pod of a scenario does: its phase per attempt and its outputs."""

from __future__ import annotations

import re
from typing import Any

from gp.errors import SimulationError
from gp.simulate.model import OUTCOME_PHASES, SUCCEEDED, Scenario
from gp.simulate.nodes import SimNode

_FAN_OUT = re.compile(r"\(\d+:[^()]*\)")


def relative(name: str, wf_name: str) -> str:
    """A node's name without the Workflow's: "wf.a.b" -> "a.b", "wf[0].s" -> "[0].s"."""
    if name == wf_name:
        return ""
    if name.startswith(wf_name + "."):
        return name[len(wf_name) + 1 :]
    if name.startswith((wf_name + "[", wf_name + "(")):
        return name[len(wf_name) :]
    return name


class Outcomes:
    def __init__(self, scenario: Scenario, wf_name: str):
        self.wf_name = wf_name
        self.phases = {}
        for key, value in scenario.outcomes.items():
            phases = (value,) if isinstance(value, str) else tuple(value)
            for phase in phases:
                if phase not in OUTCOME_PHASES:
                    raise SimulationError(
                        f'outcome of "{key}": {phase!r} is not one of {", ".join(OUTCOME_PHASES)}'
                    )
            self.phases[key] = (isinstance(value, str), phases)
        self.outputs = {k: dict(v) for k, v in scenario.outputs.items()}
        self.used: set[str] = set()

    def _keys(self, task: SimNode | None, name: str, template: Any = None) -> list[str]:
        rel = relative(name, self.wf_name)
        if rel == "":
            # The Workflow's own pod (an entry template that is a pod): keyed by the template,
            # as the dev cluster's executor keys it; the Workflow's name is generated.
            return [str((template or {}).get("name") or "")]
        display = task.display if task is not None else rel.rsplit(".", 1)[-1]
        return [rel, display, _FAN_OUT.sub("", display), _FAN_OUT.sub("", rel)]

    def _lookup(self, table: dict, keys: list[str]):
        for key in keys:
            if key in table:
                self.used.add(key)
                return table[key]
        return None

    def result(self, pod: SimNode, task: SimNode | None) -> tuple[str, dict[str, Any]]:
        """The phase and outputs of ``pod`` (an attempt of ``task`` when the task retries)."""
        keys = self._keys(task, pod.task, pod.template)
        found = self._lookup(self.phases, keys)
        if found is None:
            phase = SUCCEEDED
        else:
            every, phases = found
            if every:
                phase = phases[0]
            elif pod.attempt < len(phases):
                phase = phases[pod.attempt]
            else:
                raise SimulationError(
                    f'"{relative(pod.task, self.wf_name)}" makes attempt {pod.attempt + 1}, '
                    f"but its outcomes list only {len(phases)}"
                )
        return phase, self._outputs(pod, keys, phase)

    def _outputs(self, pod: SimNode, keys: list[str], phase: str) -> dict[str, Any]:
        given = dict(self._lookup(self.outputs, keys) or {})
        out: dict[str, Any] = {"parameters": {}}
        if "result" in given:
            out["result"] = str(given.pop("result"))
        declared = ((pod.template or {}).get("outputs") or {}).get("parameters") or []
        for param in declared:
            name = param["name"]
            if name in given:
                out["parameters"][name] = str(given.pop(name))
            elif "default" in (param.get("valueFrom") or {}):
                out["parameters"][name] = str(param["valueFrom"]["default"])
            elif phase == SUCCEEDED and param.get("valueFrom"):
                task = relative(pod.task, self.wf_name) or keys[0]
                raise SimulationError(
                    f'"{task}" declares the output parameter "{name}", and the test gives it no '
                    "value: on Argo the task cannot succeed without it (the executor errors the "
                    'node; on the dev cluster the node waits forever, "required outputs are not '
                    f'yet set"); give it in the test\'s outputs, e.g. outputs = {{ "{task}" = '
                    f'{{ {name} = "..." }} }}'
                )
        artifacts = ((pod.template or {}).get("outputs") or {}).get("artifacts") or []
        if artifacts:  # argoexec saves them whatever the phase; only their presence is modelled
            out["artifacts"] = {a["name"]: f"artifact:{a['name']}" for a in artifacts}
        if given:
            raise SimulationError(
                f'outputs of "{relative(pod.task, self.wf_name)}": the template declares no '
                f"output parameter {', '.join(sorted(given))}"
            )
        return out
