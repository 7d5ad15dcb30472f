from __future__ import annotations

import threading

from gp.errors import ConflictError
from gp.planner.plan import Action
from gp.providers.executor import run_changes
from gp.providers.ordering import schedule, template_refs


def _cron(b, name: str, template: str, cluster: bool = False) -> dict:
    m = b.manifest("CronWorkflow", name)
    m["spec"] = {
        "workflowSpec": {"workflowTemplateRef": {"name": template, "clusterScope": cluster}}
    }
    return m


def _names(sched, wave) -> list[str]:
    return [sched.changes[i].ref.name for i in wave]


def test_template_refs_finds_workflow_and_template_refs():
    m = {
        "metadata": {"namespace": "ns"},
        "spec": {
            "workflowTemplateRef": {"name": "a"},
            "templates": [{"steps": [[{"templateRef": {"name": "shared", "clusterScope": True}}]]}],
        },
    }
    assert template_refs(m) == {
        ("WorkflowTemplate", "ns", "a"),
        ("ClusterWorkflowTemplate", None, "shared"),
    }
    assert template_refs(None) == set()


def test_templates_are_written_before_crons_and_deleted_after_them(b):
    wt, cwt = (
        b.manifest("WorkflowTemplate", "wt"),
        b.manifest("ClusterWorkflowTemplate", "cwt", namespace=None),
    )
    cron = _cron(b, "cron", "wt")
    old_wt, old_cron = b.manifest("WorkflowTemplate", "old"), _cron(b, "oldcron", "old")
    sched = schedule(
        [
            b.change(Action.DELETE, old_wt, None),
            b.change(Action.CREATE, None, cron),
            b.change(Action.NOOP, wt, wt),
            b.change(Action.CREATE, None, wt),
            b.change(Action.DELETE, old_cron, None),
            b.change(Action.UPDATE, cwt, cwt),
        ]
    )
    assert [_names(sched, w) for w in sched.waves] == [
        ["cwt"],
        ["wt"],
        ["cron"],
        ["oldcron"],
        ["old"],
    ]


def test_depends_on_and_references_are_hard_edges(b):
    wt, cron = b.manifest("WorkflowTemplate", "wt"), _cron(b, "cron", "wt")
    sched = schedule([b.change(Action.CREATE, None, cron), b.change(Action.CREATE, None, wt)])
    assert sched.hard_deps == {0: {1}}


def test_compiled_depends_on_orders_and_blocks(b):
    first, second = (
        b.manifest("WorkflowTemplate", "first"),
        b.manifest("WorkflowTemplate", "second"),
    )
    changes = [b.change(Action.CREATE, None, second), b.change(Action.CREATE, None, first)]
    sched = schedule(changes, {"workflowtemplate.second": ("workflowtemplate.first",)})
    assert [_names(sched, w) for w in sched.waves] == [["first"], ["second"]]

    def write(change):
        raise ConflictError("no")

    result = run_changes(
        changes, write, depends_on={"workflowtemplate.second": ("workflowtemplate.first",)}
    )
    assert [c.ref.name for c in result.not_attempted] == ["second"]


def test_a_failed_template_blocks_its_cron_but_not_unrelated_objects(b):
    wt, other = b.manifest("WorkflowTemplate", "wt"), b.manifest("WorkflowTemplate", "other")
    cron, free = _cron(b, "cron", "wt"), _cron(b, "free", "elsewhere")
    seen: list[tuple[str, str | None]] = []

    def write(change):
        if change.ref.name == "wt":
            raise ConflictError("wt refused")

    result = run_changes(
        [b.change(Action.CREATE, None, m) for m in (cron, free, wt, other)],
        write,
        progress=lambda c, err: seen.append((c.ref.name, err)),
    )
    assert sorted(c.ref.name for c in result.applied) == ["free", "other"]
    assert [(c.ref.name, why) for c, why in result.failed] == [("wt", "wt refused")]
    assert [c.ref.name for c in result.not_attempted] == ["cron"]
    assert not result.ok
    assert ("wt", "wt refused") in seen and all(name != "cron" for name, _ in seen)


def test_a_template_is_deleted_only_after_what_referred_to_it_moved_away(b):
    old_wt, new_wt = b.manifest("WorkflowTemplate", "old"), b.manifest("WorkflowTemplate", "new")
    cron_before, cron_after = _cron(b, "cron", "old"), _cron(b, "cron", "new")

    def write(change):
        if change.ref.name == "cron":
            raise ConflictError("cron refused")

    result = run_changes(
        [
            b.change(Action.DELETE, old_wt, None),
            b.change(Action.UPDATE, cron_before, cron_after),
            b.change(Action.CREATE, None, new_wt),
        ],
        write,
    )
    # Deleting "old" while the cron still points at it would break the cron.
    assert [c.ref.name for c in result.not_attempted] == ["old"]
    assert [c.ref.name for c in result.applied] == ["new"]


def test_unexpected_exceptions_become_reasons(b):
    def write(change):
        raise KeyError("boom")

    result = run_changes(
        [b.change(Action.CREATE, None, b.manifest("WorkflowTemplate", "x"))], write
    )
    assert result.failed[0][1] == "KeyError: 'boom'"


def test_writes_within_a_wave_run_in_parallel(b):
    barrier = threading.Barrier(3, timeout=10)
    changes = [
        b.change(Action.CREATE, None, b.manifest("WorkflowTemplate", f"t{i}")) for i in range(3)
    ]
    # Each write waits for the other two: this only finishes if they run at the same time.
    result = run_changes(changes, lambda c: barrier.wait(), parallelism=3)
    assert result.ok and len(result.applied) == 3


def test_noops_are_not_written(b):
    wt = b.manifest("WorkflowTemplate", "wt")
    written: list[str] = []
    result = run_changes([b.change(Action.NOOP, wt, wt)], lambda c: written.append(c.address))
    assert written == [] and result.ok and result.applied == []


def _quadratic_waves(changes, depends_on):
    """The schedule as first written, with every soft edge listed: the reference the counted
    ranks must agree with."""
    from gp.providers.ordering import _key, kind_rank

    todo = [c for c in changes if c.action is not Action.NOOP]
    writes = [i for i, c in enumerate(todo) if c.action is not Action.DELETE]
    deletes = [i for i, c in enumerate(todo) if c.action is Action.DELETE]
    by_key = {_key(todo[i]): i for i in writes}
    del_by_key = {_key(todo[i]): i for i in deletes}
    by_address = {c.address: i for i, c in enumerate(todo)}
    hard = {i: set() for i in range(len(todo))}
    order = {i: set() for i in range(len(todo))}
    for i in writes:
        for ref in template_refs(todo[i].after):
            if ref in by_key and by_key[ref] != i:
                hard[i].add(by_key[ref])
        for address in depends_on.get(todo[i].address, ()):
            if address in by_address and by_address[address] in writes:
                hard[i].add(by_address[address])
        order[i] |= {j for j in writes if kind_rank(todo[j].ref.kind) < kind_rank(todo[i].ref.kind)}
    for i, change in enumerate(todo):
        for ref in template_refs(change.before):
            if ref in del_by_key and del_by_key[ref] != i:
                hard[del_by_key[ref]].add(i)
    for i in deletes:
        order[i] |= {
            j for j in deletes if kind_rank(todo[j].ref.kind) > kind_rank(todo[i].ref.kind)
        }
    for i in order:
        order[i] |= hard[i]

    def layers(nodes, deps):
        remaining, out = set(nodes), []
        while remaining:
            ready = sorted(n for n in remaining if not deps.get(n, set()) & remaining) or sorted(
                remaining
            )
            out.append(ready)
            remaining -= set(ready)
        return out

    return layers(writes, {i: order[i] & set(writes) for i in writes}) + layers(
        deletes, {i: order[i] & set(deletes) for i in deletes}
    )


def test_counted_ranks_give_the_waves_of_every_soft_edge(b):
    import random

    rng = random.Random(7)
    for _ in range(40):
        changes, depends_on = [], {}
        names = [f"t{i}" for i in range(12)]
        for name in names:
            kind = rng.choice(["WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"])
            ns = None if kind == "ClusterWorkflowTemplate" else "ns"
            m = b.manifest(kind, name, namespace=ns) if ns is None else b.manifest(kind, name)
            target = rng.choice(names)
            m["spec"] = {
                "workflowTemplateRef": {"name": target, "clusterScope": rng.random() < 0.3}
            }
            action = rng.choice([Action.CREATE, Action.UPDATE, Action.DELETE, Action.NOOP])
            change = b.change(
                action,
                m if action is not Action.CREATE else None,
                m if action is not Action.DELETE else None,
            )
            changes.append(change)
        for change in changes:
            if rng.random() < 0.3:
                depends_on[change.address] = (rng.choice(changes).address,)
        assert schedule(changes, depends_on).waves == _quadratic_waves(changes, depends_on)


def _renamed(b, old_name: str, new_name: str):
    """A template renamed: the plan replaces the old object by one of the new name."""
    from dataclasses import replace

    old, new = b.manifest("WorkflowTemplate", old_name), b.manifest("WorkflowTemplate", new_name)
    new["metadata"]["annotations"] = dict(old["metadata"]["annotations"])  # the same address
    change = b.change(Action.REPLACE, old, new)
    return replace(change, prior_ref=b.ref(old))


def test_a_rename_creates_first_repoints_the_crons_then_deletes_the_old_template(b):
    # A cron firing between the old template's deletion and its own update found no template.
    writes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def write(change):
        with lock:
            writes.append((change.action.value, change.ref.name))

    cron_before, cron_after = _cron(b, "nightly", "etl"), _cron(b, "nightly", "etl-v2")
    report = run_changes(
        [
            _renamed(b, "etl", "etl-v2"),
            b.change(Action.UPDATE, cron_before, cron_after),
        ],
        write,
    )
    assert writes == [("create", "etl-v2"), ("update", "nightly"), ("delete", "etl")]
    assert [(c.action, c.ref.name) for c in report.applied] == [
        (Action.REPLACE, "etl-v2"),
        (Action.UPDATE, "nightly"),
    ]


def test_the_old_template_stays_when_its_successor_cannot_be_created(b):
    def write(change):
        if change.action is Action.CREATE:
            raise ConflictError("etl-v2 exists already")

    report = run_changes([_renamed(b, "etl", "etl-v2")], write)
    assert [(c.action, c.ref.name) for c, _ in report.failed] == [(Action.REPLACE, "etl-v2")]
    assert [(c.action, c.ref.name) for c in report.not_attempted] == [(Action.DELETE, "etl")]
