"""A run that loses the stack's lock, or is interrupted, stops before its next write, and the
record says exactly what was written (directory provider and the shared lock code)."""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from gp.errors import LockError
from gp.planner.plan import Action
from gp.providers.directory import DirectoryProvider
from gp.providers.executor import run_changes
from gp.providers.locking import HeldLock, Renewer

N = 6


@pytest.fixture
def provider(tmp_path: Path, clock) -> DirectoryProvider:
    return DirectoryProvider(
        tmp_path / "deploy", "pipeline", identity="ci@runner", clock=clock, poll_s=0.01
    )


def _templates(b, n: int = N) -> list[dict]:
    return [b.manifest("WorkflowTemplate", f"t{i}", templates=[{"name": "main"}]) for i in range(n)]


def _after(k: int, act):
    """A progress hook that acts once, right after the k-th write finished (the directory
    provider writes one file at a time and starts the next only after this hook returned)."""
    done = []

    def hook(change, error):
        done.append(change.address)
        if len(done) == k:
            act()

    return hook, done


def _lock_path(provider) -> Path:
    return provider.root / ".gp" / "geo.lock"


def _record(provider) -> set[str]:
    return set(provider.owned("geo").entries)


def _files(provider) -> set[str]:
    return {p.stem for p in (provider.root / "pipeline" / "workflowtemplate").glob("*.yaml")}


def _take_over(provider):
    doc = json.loads(_lock_path(provider).read_text())
    doc.update(lock_id="someone-else", holder="bob@ci")
    _lock_path(provider).write_text(json.dumps(doc))


LOSSES = {
    "unlocked": lambda provider, lock, clock: provider.unlock("geo", lock.lock_id),
    "taken over": lambda provider, lock, clock: _take_over(provider),
    # The process was stopped for longer than the lock lasts, and nobody took it yet.
    "expired": lambda provider, lock, clock: setattr(
        clock, "now", clock.now + timedelta(seconds=provider.lock_seconds + 1)
    ),
}


@pytest.mark.parametrize("how", sorted(LOSSES))
def test_a_lost_lock_stops_apply_before_its_next_write(provider, b, clock, how):
    plan = b.plan(provider.target, *(b.change(Action.CREATE, None, m) for m in _templates(b)))
    with provider.lock("geo", "ci@runner", 0) as lock:
        hook, _done = _after(2, lambda: LOSSES[how](provider, lock, clock))
        result = provider.apply(plan, progress=hook, lock=lock)
    assert [c.ref.name for c in result.applied] == ["t0", "t1"]
    assert [c.ref.name for c in result.not_attempted] == ["t2", "t3", "t4", "t5"]
    assert result.stopped and "lock was lost" in result.stopped and result.lock_lost
    assert _files(provider) == {"t0", "t1"} == {a.split(".")[1] for a in _record(provider)}
    if how == "taken over":
        assert "bob@ci" in result.stopped and "someone-else" in result.stopped
        assert json.loads(_lock_path(provider).read_text())["lock_id"] == "someone-else", (
            "the run must not release a lock that is no longer its own"
        )
    if how == "expired":
        assert "expired" in result.stopped


def test_a_lost_lock_keeps_what_another_run_recorded_meanwhile(provider, b, clock):
    """Another run took the lock and destroyed the stack while this one was paused: this run's
    two writes are added to that run's record, and its stale plan adds nothing more."""
    first, second = _templates(b, 2)
    assert provider.apply(b.plan(provider.target, b.change(Action.CREATE, None, first))).ok
    rv = provider.read("geo", []).objects[b.ref(first)].resource_version
    # The stale plan: t0 unchanged (NOOP, taken back into the record), t1 to create.
    plan = b.plan(
        provider.target,
        b.change(Action.NOOP, first, first, rv),
        b.change(Action.CREATE, None, second),
    )

    def other_run_destroys():
        _take_over(provider)
        assert provider.apply(b.plan(provider.target, b.change(Action.DELETE, first, None, rv))).ok

    with provider.lock("geo", "ci@runner", 0) as lock:
        other_run_destroys()
        result = provider.apply(plan, lock=lock)
    assert not result.applied and result.not_attempted and result.lock_lost
    assert _files(provider) == set() and _record(provider) == set()


def test_a_lost_lock_stops_destroy_and_the_record_keeps_what_is_left(provider, b, clock):
    made = _templates(b)
    assert provider.apply(
        b.plan(provider.target, *(b.change(Action.CREATE, None, m) for m in made))
    ).ok
    live = provider.read("geo", []).objects
    plan = b.plan(
        provider.target,
        *(b.change(Action.DELETE, m, None, live[b.ref(m)].resource_version) for m in made),
    )
    with provider.lock("geo", "ci@runner", 0) as lock:
        hook, _done = _after(3, lambda: provider.unlock("geo", lock.lock_id))
        result = provider.apply(plan, progress=hook, lock=lock)
    assert len(result.applied) == 3 and len(result.not_attempted) == 3
    left = {c.ref.name for c in result.not_attempted}
    assert _files(provider) == left == {a.split(".")[1] for a in _record(provider)}


def test_an_interrupt_stops_new_writes_and_the_record_lists_what_was_done(provider, b):
    plan = b.plan(provider.target, *(b.change(Action.CREATE, None, m) for m in _templates(b)))
    stop = threading.Event()
    with provider.lock("geo", "ci@runner", 0) as lock:
        hook, _done = _after(4, stop.set)
        result = provider.apply(plan, progress=hook, lock=lock, interrupted=stop.is_set)
        assert lock.check() is None, "an interrupt is not a lost lock"
    assert result.stopped == "interrupted (Ctrl-C)" and not result.lock_lost
    assert len(result.applied) == 4 and len(result.not_attempted) == 2
    assert (
        _files(provider) == {"t0", "t1", "t2", "t3"} == {a.split(".")[1] for a in _record(provider)}
    )


def test_writes_under_way_finish_and_none_start_after_a_stop(b):
    """With four writes at a time, a stop during the first four lets exactly those finish."""
    changes = [b.change(Action.CREATE, None, m) for m in _templates(b, 12)]
    started, release = [], threading.Event()
    stopped = threading.Event()

    def write(change):
        started.append(change.ref.name)
        if len(started) == 4:
            stopped.set()  # Ctrl-C while four writes are under way
            release.set()
        release.wait(5)

    result = run_changes(
        changes, write, parallelism=4, gate=lambda: "stop" if stopped.is_set() else None
    )
    assert len(started) == 4 and len(result.applied) == 4
    assert len(result.not_attempted) == 8 and result.stopped == "stop"


# -- the lock itself ----------------------------------------------------------------------


def test_a_check_during_a_renewal_is_not_a_loss(provider, clock):
    """A renewal rewrites the lock; a write checking at that moment must wait for it, not
    mistake the new expiry for someone else's."""
    with provider.lock("geo", "ci@runner", 0) as lock:
        backend = provider._lock("geo")
        inside = threading.Event()
        go_on = threading.Event()
        real_renew = backend.renew

        def slow_renew(ours):
            renewed = real_renew(ours)  # the file is rewritten...
            inside.set()
            go_on.wait(5)  # ...but the run has not taken note of it yet
            return renewed

        backend.renew = slow_renew
        read_by_check = threading.Event()
        real_read = backend.read

        def read():
            found = real_read()
            if threading.current_thread().name == "checking":
                read_by_check.set()
            return found

        backend.read = read
        held = HeldLock(backend, "geo", lock.info)
        clock.now += timedelta(seconds=1)
        renewing = threading.Thread(target=held.renew)
        renewing.start()
        inside.wait(5)
        verdict = []
        checking = threading.Thread(target=lambda: verdict.append(held.check()), name="checking")
        checking.start()
        read_by_check.wait(5)  # the check has seen the new file while the run's note is old
        go_on.set()
        renewing.join()
        checking.join()
        assert verdict == [None]
        assert held.expires_at != lock.expires_at


def test_a_lost_lock_is_never_won_back_by_a_renewal(provider, clock):
    with provider.lock("geo", "ci@runner", 0) as lock:
        clock.now += timedelta(seconds=provider.lock_seconds + 1)
        assert "expired" in (lock.check() or "")
        clock.now -= timedelta(seconds=provider.lock_seconds + 1)
        assert lock.renew() is False and lock.check() is not None


def test_the_renewer_stops_once_the_lock_is_lost():
    calls = []
    renewer = Renewer(lambda: calls.append(1) or len(calls) < 2, 0.01).start()
    renewer._thread.join(2)
    assert not renewer._thread.is_alive() and len(calls) == 2


# -- unreadable lock files ----------------------------------------------------------------

UNREADABLE = {
    "empty": "",
    "not json": "garbage",
    "a list": "[1]",
    "bad times": '{"lock_id": "x", "holder": "h", "acquired_at": "bad", "expires_at": "bad"}',
    "null times": '{"lock_id": "x", "holder": "h", "acquired_at": null, "expires_at": null}',
}


@pytest.mark.parametrize("content", sorted(UNREADABLE))
def test_an_unreadable_lock_file_is_refused_with_a_useful_message(provider, clock, content):
    path = _lock_path(provider)
    path.parent.mkdir(parents=True)
    path.write_text(UNREADABLE[content])
    now = clock.now.timestamp()
    os.utime(path, (now, now))
    with pytest.raises(LockError) as err:
        with provider.lock("geo", "bob", 0):
            pass
    message = str(err.value)
    assert "gp unlock ?" not in message and "lock id ?" not in message
    assert "cannot be read" in message and str(path) in message, message
    with pytest.raises(LockError, match="delete"):
        provider.unlock("geo", "?")


@pytest.mark.parametrize("offset", [-60, 3600], ids=["written long ago", "dated in the future"])
def test_an_unreadable_lock_file_expires_whatever_its_date(provider, clock, offset):
    path = _lock_path(provider)
    path.parent.mkdir(parents=True)
    path.write_text("garbage")
    when = clock.now.timestamp() + offset
    os.utime(path, (when, when))
    with provider.lock("geo", "bob", 0) as info:
        assert info.holder == "bob"


def test_a_folder_where_the_lock_file_belongs_is_taken_over(provider, clock):
    path = _lock_path(provider)
    path.mkdir(parents=True)
    old = clock.now.timestamp() - 60
    os.utime(path, (old, old))
    with provider.lock("geo", "bob", 0) as info:
        assert info.holder == "bob" and path.is_file()
