"""The freeze policy: after a large batch, then now and again, never for nothing."""

from __future__ import annotations

from podwatch.gcpolicy import FreezePolicy


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_freezes_after_a_large_batch_and_then_on_a_timer_only_while_events_arrive():
    clock = Clock()
    frozen: list[float] = []
    policy = FreezePolicy(
        after=1000, every=60.0, clock=clock, freeze=lambda: frozen.append(clock.t)
    )
    assert not policy.applied(10)
    assert not policy.applied(500)
    assert policy.applied(600)  # 1,110 since the last freeze
    assert frozen == [0.0]
    clock.t = 30.0
    assert not policy.applied(5)
    clock.t = 61.0
    assert policy.applied(1)  # a minute on, with something new
    clock.t = 500.0
    assert not policy.applied(0)  # idle: nothing new, nothing to freeze
    assert frozen == [0.0, 61.0]
    assert policy.freezes == 2
