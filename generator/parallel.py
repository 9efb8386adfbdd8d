"""Render on every core: fork workers that inherit the model, send back bytes.

The model and the renderer are built once in the parent; forked workers see
them without pickling (only the task indexes go out and the bytes come back).
Small jobs stay in one process, where forking would cost more than it saves.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import traceback
from typing import Callable, Iterator, Sequence, TypeVar

from generator.errors import BuildFailed

T = TypeVar("T")
R = TypeVar("R")

MIN_TASKS_PER_WORKER = 150
CHUNK = 100
"""Tasks a worker renders before sending the results back: small enough to keep memory low."""

_job: tuple[Callable, Sequence] | None = None
"""The current job, set just before forking so that workers inherit it."""


def render_all(render: Callable[[T], R], tasks: Sequence[T], workers: int | None = None,
               per_worker: int = MIN_TASKS_PER_WORKER) -> list[R]:
    """render(task) for every task, in order, on up to `workers` processes."""
    return list(render_each(render, tasks, workers, per_worker))


def render_each(render: Callable[[T], R], tasks: Sequence[T], workers: int | None = None,
                per_worker: int = MIN_TASKS_PER_WORKER) -> Iterator[R]:
    """render(task) for every task, in order, as the results come: the caller writes each one
    away before the next arrives, so a large site is never held in memory whole. A worker is
    forked for every `per_worker` tasks (1 for tasks of seconds, such as a brochure's PDF)."""
    workers = min(workers or default_workers(), max(1, len(tasks) // per_worker))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (render(task) for task in tasks)
        return
    global _job
    _job = (render, tasks)  # inherited by the workers, forked when the pool starts
    size = max(1, min(CHUNK, -(-len(tasks) // (workers * 4))))
    chunks = [(start, min(start + size, len(tasks))) for start in range(0, len(tasks), size)]
    with _frozen(), multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable) as pool:
        _job = None
        for chunk in pool.imap(_render_chunk, chunks, chunksize=1):
            yield from chunk


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """The parent's objects out of the collector's sight while workers fork (as Python's gc
    documentation advises): a worker's collections then neither walk the inherited model nor
    write to its pages, which copied them one by one (10 % of the workers' time at 10,000
    events). Unfrozen after, unless the caller had frozen objects itself (a preview does). A
    worker collects, even when its parent does not (a one-off build: build.uncollected): its
    render makes garbage for as long as the job lasts, the parent's batch holds what it made."""
    had_frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not had_frozen:
            gc.unfreeze()


class TaskFailed(Exception):
    """A task's exception in a worker, as the parent receives it: what it said and the (file,
    line) frames of its traceback, which pickling drops from the exception itself. A layout's
    error is then reported at its line (errors.layout_error), as in one process."""

    def __init__(self, description: str, frames: tuple[tuple[str, int], ...]):
        super().__init__(description, frames)
        self.description, self.frames = description, frames

    def __str__(self) -> str:
        return self.description


def _render_chunk(bounds: tuple[int, int]) -> list:
    render, tasks = _job
    try:
        return [render(tasks[i]) for i in range(*bounds)]
    except BuildFailed:
        raise  # errors that already say where (a brochure's): they cross whole
    except Exception as exc:
        frames = tuple((f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__))
        raise TaskFailed(f"{type(exc).__name__}: {exc}", frames) from exc


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
