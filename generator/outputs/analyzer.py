"""Kiwi, the Korean analyzer behind the search index's compound marks, in a process of its own.

Loading Kiwi's model takes about a second of one core. Started when a build begins, it
loads while the site is rendered, and is ready when search.py needs it. Texts in, breaks out
(compounds.compound_breaks); no file access. Without fork (Windows), Kiwi is loaded in this
process when it is first needed.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from typing import Sequence

from generator.outputs.compounds import compound_breaks, load_analyzer

loads = 0
"""How many times this process has started loading Kiwi (tests read it: a build whose Korean
pages are all in the store must not load it)."""


class Analyzer:
    """Kiwi, loaded on `start()` or when first asked; `close()` ends its process."""

    def __init__(self):
        self._process = None
        self._conn = None
        self._kiwi = None

    def start(self) -> None:
        """Begin loading Kiwi in a process of its own; returns at once."""
        global loads
        if self._conn is not None or self._kiwi is not None:
            return
        loads += 1
        if "fork" not in multiprocessing.get_all_start_methods():
            self._kiwi = load_analyzer()
            return
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("fork").Process(target=_serve, args=(child, self._conn), daemon=True,
                                                                    name="kiwi")
        self._process.start()
        child.close()

    def breaks(self, texts: Sequence[str]) -> list[tuple[int, ...]]:
        """compound_breaks(texts) of the loaded Kiwi (waiting for it to load if need be)."""
        if not texts:
            return []
        self.start()
        if self._kiwi is not None:
            return compound_breaks(texts, self._kiwi)
        try:
            self._conn.send(list(texts))
            status, value = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError(f"the Korean analyzer's process ended before answering ({exc!r})") from exc
        if status != "ok":
            raise RuntimeError(f"the Korean analyzer failed:\n{value}")
        return value

    def close(self) -> None:
        if self._process is not None:
            self._conn.close()
            self._process.terminate()  # idle, or still loading for nothing: it holds no files
            self._process.join()
            self._process = self._conn = None
        self._kiwi = None

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _serve(conn, parents_end) -> None:
    """The process: load Kiwi, then answer each list of texts with their breaks until ended
    (or until the build's process is gone: then the pipe ends)."""
    parents_end.close()  # a copy kept here would keep the pipe open after the build is killed
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it ends this
    try:
        kiwi, failure = load_analyzer(), None
    except Exception:
        kiwi, failure = None, traceback.format_exc()
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return
        if kiwi is None:
            conn.send(("error", failure))
            continue
        try:
            conn.send(("ok", compound_breaks(texts, kiwi)))
        except Exception:
            conn.send(("error", traceback.format_exc()))
