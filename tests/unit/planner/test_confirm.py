"""A plan's updates are confirmed by the server all together, at most ``parallelism`` at a time,
and the plan is the one the updates make asking one by one."""

from __future__ import annotations

import threading

from gp.planner.confirm import settle


def step(i: int):
    answer = yield (f"obj{i}", f"live{i}")
    return (i, answer)


def test_every_request_is_asked_once_and_answers_go_back_in_order():
    asked: list[tuple[str, str]] = []

    def confirm(obj, live):
        asked.append((obj, live))
        return {"for": obj}

    results = settle([step(0), "done", step(1), step(2)], confirm, parallelism=2)
    assert results == [(0, {"for": "obj0"}), "done", (1, {"for": "obj1"}), (2, {"for": "obj2"})]
    assert sorted(asked) == [(f"obj{i}", f"live{i}") for i in range(3)]


def test_at_most_parallelism_requests_are_in_flight():
    lock, in_flight, most = threading.Lock(), [0], [0]
    three = threading.Barrier(3)

    def confirm(obj, live):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        three.wait(timeout=30)  # the first three meet: they were asked at once
        with lock:
            in_flight[0] -= 1
        return {}

    results = settle([step(i) for i in range(9)], confirm, parallelism=3)
    assert [i for i, _ in results] == list(range(9))
    assert most[0] == 3


def test_one_at_a_time_when_parallelism_is_one():
    threads: set[int] = set()

    def confirm(obj, live):
        threads.add(threading.get_ident())
        return {}

    settle([step(i) for i in range(4)], confirm, parallelism=1)
    assert threads == {threading.get_ident()}
