from __future__ import annotations

from desktop.sync.hlc import HybridLogicalClock, Timestamp


def test_clock_never_goes_backwards_when_the_pc_clock_does() -> None:
    times = iter([100.0, 100.0, 50.0, 101.0])
    clock = HybridLogicalClock("A", wall_clock=lambda: next(times))
    stamps = [clock.now() for _ in range(4)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 4


def test_clock_moves_past_a_remote_timestamp_and_restarts_past_the_last() -> None:
    clock = HybridLogicalClock("A", wall_clock=lambda: 10.0)
    remote = Timestamp(99_000, 7, "B").encode()
    clock.observe(remote)
    assert clock.now() > remote
    restarted = HybridLogicalClock("A", last=clock.now(), wall_clock=lambda: 1.0)
    assert restarted.now() > remote


def test_counter_overflow_carries_into_the_wall_time() -> None:
    clock = HybridLogicalClock(
        "A", last=Timestamp(5000, 99_998, "A").encode(), wall_clock=lambda: 1.0
    )
    stamps = [clock.now() for _ in range(3)]
    assert stamps == sorted(stamps)
    assert Timestamp.decode(stamps[-1]).wall_ms == 5001
