"""Rendering on every core: results in order, and the collector left as it was found."""

import gc
import os

import pytest

from generator.errors import BuildFailed, SiteError
from generator.parallel import MIN_TASKS_PER_WORKER, TaskFailed, render_all

pytestmark = pytest.mark.unit

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


def test_workers_collect_when_their_parent_does_not():
    # A one-off build runs without the collector (build.uncollected); a worker renders for
    # as long as the job lasts and frees its garbage cycles as it goes.
    gc.disable()
    try:
        states = render_all(lambda n: gc.isenabled(), TASKS, workers=2)
    finally:
        gc.enable()
    assert set(states) == {True}


def _fails_on_200(n: int) -> bytes:
    if n == 200:
        raise KeyError("no such field")
    return b""


def test_a_workers_error_reaches_the_parent_with_its_frames():
    """Pickling drops an exception's traceback: the worker sends its description and its
    (file, line) frames along, which errors.layout_error reads to name a layout's line."""
    with pytest.raises(TaskFailed) as raised:
        render_all(_fails_on_200, TASKS, workers=2)
    assert str(raised.value) == "KeyError: 'no such field'"
    assert (__file__, _fails_on_200.__code__.co_firstlineno + 2) in raised.value.frames


def test_tasks_of_seconds_each_get_a_worker():
    # Brochures: four PDFs of seconds each are worth a process each, 150 page renders are not.
    pids = render_all(lambda n: os.getpid(), [0, 1], workers=2, per_worker=1)
    assert os.getpid() not in pids  # forked (which worker takes which is the pool's choice)
    assert render_all(lambda n: os.getpid(), [0, 1], workers=2) == [os.getpid()] * 2


def test_a_workers_errors_reach_the_caller_whole():
    error = SiteError("layouts/brochure/brochure.html", 3, None, "the brochure may not load 'x'")

    def fail(n):
        raise BuildFailed([error])

    with pytest.raises(BuildFailed) as raised:
        render_all(fail, [0, 1], workers=2, per_worker=1)
    assert raised.value.errors == (error,)
