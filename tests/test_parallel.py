"""Rendering on every core: results in order, and the collector left as it was found."""

import gc

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



def test_a_layout_error_in_a_worker_is_reported_at_its_layouts_line(project_copy, capsys):
    """Pickling drops an exception's traceback: the worker sends its frames along, so that a
    parallel build names the layout's line as a single-process one does."""
    from generator.cli import main

    base = project_copy.layouts / "base.html"
    lines = base.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("<body")) + 1
    lines.insert(at, "{{ page.no_such_field }}")
    base.write_text("\n".join(lines))
    for workers in ("1", "2"):
        code = main(["--root", str(project_copy.root), "build", "--no-brochure", "--no-search", "--fresh",
                     "--workers", workers, "--now", "2024-06-15"])
        err = capsys.readouterr().err
        assert code == 1
        assert f"layouts/base.html:{at + 1}: UndefinedError: " in err and "no_such_field" in err, (workers, err)
