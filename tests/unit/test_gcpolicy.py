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


class Switch:
    """The collector's switch, as the policy turns it (the real one is left alone)."""

    def __init__(self) -> None:
        self.on = True
        self.turned: list[str] = []

    def enabled(self) -> bool:
        return self.on

    def disable(self) -> None:
        self.on = False
        self.turned.append("off")

    def enable(self) -> None:
        self.on = True
        self.turned.append("on")


def held_policy(clock: Clock, frozen: list[float], switch: Switch) -> FreezePolicy:
    return FreezePolicy(
        after=1000,
        every=60.0,
        hold_at_most=100.0,
        clock=clock,
        freeze=lambda: frozen.append(clock.t),
        collector=switch,
    )


def test_the_collector_is_off_while_lists_come_in_then_what_they_left_is_frozen():
    clock, frozen, switch = Clock(), [], Switch()
    policy = held_policy(clock, frozen, switch)
    policy.hold(False)
    assert switch.turned == [] and switch.on  # nothing listing: left alone
    policy.hold(True)
    assert switch.turned == ["off"] and policy.held_since == 0.0
    clock.t = 20.0
    policy.hold(True)
    assert switch.turned == ["off"]  # still listing: still off, nothing frozen
    assert frozen == []
    clock.t = 30.0
    policy.hold(False)
    assert switch.turned == ["off", "on"] and switch.on
    assert frozen == [30.0] and policy.freezes == 1 and policy.held_since is None
    clock.t = 31.0
    assert not policy.applied(999)  # the freeze counted: the batches start again from it
    policy.hold(True)  # a re-list after 410 Gone: off again
    assert switch.turned == ["off", "on", "off"]
    policy.release()  # the dashboard closes mid-list: the collector comes back
    assert switch.on and switch.turned[-1] == "on"
    policy.release()
    assert switch.turned.count("on") == 2  # once


def test_a_list_that_goes_on_gets_the_collector_back_after_the_bound_and_not_again():
    clock, frozen, switch = Clock(), [], Switch()
    policy = held_policy(clock, frozen, switch)
    policy.hold(True)
    clock.t = 99.0
    policy.hold(True)
    assert not switch.on
    clock.t = 100.0
    policy.hold(True)
    assert switch.on and frozen == [100.0]
    clock.t = 500.0
    policy.hold(True)  # the same lists, still going: the bound holds
    assert switch.on and switch.turned == ["off", "on"]
    policy.hold(False)  # done at last
    policy.hold(True)  # a later list is held again
    assert switch.turned == ["off", "on", "off"]


def test_a_collector_someone_else_turned_off_is_left_to_them():
    clock, frozen, switch = Clock(), [], Switch()
    switch.on = False
    policy = held_policy(clock, frozen, switch)
    policy.hold(True)
    policy.hold(False)
    policy.release()
    assert switch.turned == [] and not switch.on and frozen == []
