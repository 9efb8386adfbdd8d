"""The incremental layer: what a build takes from earlier ones, and nothing else.

The pipeline below it (content, views, outputs, publish) is written as if every
build were cold and takes only optional, typed reuse objects (`Reuse`). Here:
page keys (keys.py) and the pages rendered by them (pages.py), the previous
output's manifest and the inputs stamp (manifest.py), the on-disk store of
VEVENTs and PDFs (store.py), compiled layouts (templates.py), a one-off
build's cache (cache.py) and what a preview keeps between rebuilds (kept.py,
sources.py). Only build.py, serve/ and the CLI import it.
"""

from generator.incremental.cache import BuildCache
from generator.incremental.kept import Kept
from generator.incremental.pages import finish_render, render_keyed, start_render
from generator.incremental.reuse import Reuse

__all__ = ["BuildCache", "Kept", "Reuse", "finish_render", "render_keyed", "start_render"]
