"""Compiled layouts, kept on disk (.cache/jinja) and in memory for the rest of the process.

I/O: Jinja2's FileSystemBytecodeCache. Every language's environment and every
later render (a preview's rebuilds) share the code instead of reading and
unmarshalling it again. One that cannot be written (a full disk, a read-only
checkout) only means compiling again next time.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import CodeType

import jinja2


class TemplateCache(jinja2.FileSystemBytecodeCache):
    def __init__(self, directory: str):
        super().__init__(directory)
        self.loaded: dict[tuple[str, str], CodeType] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.loaded.get((bucket.key, bucket.checksum))  # the checksum is the source's
        if code is None:
            super().load_bytecode(bucket)
            code = bucket.code
        if code is not None:
            bucket.code = self.loaded[(bucket.key, bucket.checksum)] = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.loaded[(bucket.key, bucket.checksum)] = bucket.code
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.lru_cache(maxsize=None)
def template_cache(directory: Path) -> TemplateCache:
    """One per folder for the process: a preview's rebuilds share the compiled code."""
    return TemplateCache(str(directory))
