"""Rendering on every core: results in order, and the collector left as it was found."""

import pytest
import gc


pytestmark = pytest.mark.unit
from generator.parallel import MIN_TASKS_PER_WORKER, render_all

TASKS = list(range(MIN_TASKS_PER_WORKER * 2 + 7))  # enough for two workers


def test_workers_return_every_result_in_order():
    assert render_all(lambda n: f"{n}:{n * n}".encode(), TASKS, workers=2) == [
        f"{n}:{n * n}".encode() for n in TASKS]


def test_objects_frozen_for_the_workers_are_unfrozen_after():
    gc.unfreeze()
    render_all(lambda n: bytes([n % 256]), TASKS, workers=2)
    assert gc.get_freeze_count() == 0


def test_a_callers_own_freeze_is_kept():
    # A preview freezes what survives its rebuilds; a rebuild that forks must not thaw it.
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        render_all(lambda n: bytes([n % 256]), TASKS, workers=2)
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()

