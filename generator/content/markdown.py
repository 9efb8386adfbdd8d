"""Markdown -> HTML and plain text, with markdown-it-py.

Pure. Raw HTML is off (shown as text, never run) and markdown-it's link
validation refuses javascript:, vbscript:, file: and data: URLs. Links to
content files (`../events/excom-2024.md`) become the item's page in the
language being rendered; images go through the caller's `picture` (the site's
<picture> of the processed files, the brochure's print file); headings get ids
so they can be linked to.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "strikethrough"])


def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    resolve: Callable[[str], str | None] | None = env.get("resolve")
    href = token.attrGet("href") or ""
    if resolve is not None:
        resolved = resolve(href)
        if resolved is not None:
            token.attrSet("href", resolved)
    if urlsplit(href).scheme in ("http", "https"):
        token.attrSet("rel", "noopener")
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    picture: Picturer | None = env.get("picture")
    if picture is not None:
        alt = self.renderInlineAsText(token.children or [], options, env)
        html = picture(token.attrGet("src") or "", alt, token.attrGet("title"), token is env.get("first"))
        if html is not None:
            return html
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
    return self.image(tokens, idx, options, env)


def _render_heading_open(self, tokens, idx, options, env):
    title = tokens[idx + 1].content
    used = env.setdefault("ids", set())
    anchor = base = slugify(title) or "section"
    n = 1
    while anchor in used:
        n += 1
        anchor = f"{base}-{n}"
    used.add(anchor)
    tokens[idx].attrSet("id", anchor)
    return self.renderToken(tokens, idx, options, env)


_md.add_render_rule("link_open", _render_link_open)
_md.add_render_rule("image", _render_image)
_md.add_render_rule("heading_open", _render_heading_open)


def parse_markdown(source: str) -> list[Token]:
    """The tokens the renderer works from (their `map` gives source lines)."""
    return _md.parse(source)


Picturer = Callable[[str, str, "str | None", bool], "str | None"]
"""(src, alt, title, opens the body) -> the HTML of an image, or None for a plain lazy <img>."""


def render_markdown(source: str, resolve: Callable[[str], str | None] | None = None,
                    picture: Picturer | None = None) -> str:
    """The HTML of a body; `resolve` maps an href to the URL to use, or None to keep it;
    `picture` makes the HTML of each image (told whether it opens the body: likely in view,
    so not loaded lazily)."""
    env = {"resolve": resolve, "picture": picture}
    tokens = _md.parse(source, env)
    if len(tokens) > 1 and tokens[0].type == "paragraph_open" and tokens[1].children \
            and tokens[1].children[0].type == "image":
        env["first"] = tokens[1].children[0]
    return _md.renderer.render(tokens, _md.options, env)


@functools.lru_cache(maxsize=16)
def markdown_to_text(source: str) -> str:
    """Readable plain text (for feeds and search): paragraphs apart, list items on their own lines.
    The last few are remembered: the languages an item has no translation in repeat its original's."""
    blocks: list[tuple[str, bool]] = []  # (text, is a list item)
    numbers: list[int | None] = []  # per open list: next number, or None for bullets
    for token in parse_markdown(source):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            numbers.append(int(token.attrGet("start") or 1) if token.type == "ordered_list_open" else None)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            numbers.pop()
        elif token.type == "list_item_open" and numbers and numbers[-1] is not None:
            numbers[-1] += 1
        elif token.type == "inline":
            text = " ".join("".join(child.content for child in _leaves(token)).split())
            if numbers:
                marker = "- " if numbers[-1] is None else f"{numbers[-1] - 1}. "
                text = "  " * (len(numbers) - 1) + marker + text
            blocks.append((text, bool(numbers)))
    out = ""
    for i, (text, listed) in enumerate(blocks):
        if i:
            out += "\n" if listed and blocks[i - 1][1] else "\n\n"
        out += text
    return out


def _leaves(token: Token) -> Iterator[Token]:
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            yield child
        elif child.type in ("softbreak", "hardbreak"):
            yield Token("text", "", 0, content=" ")
        elif child.type == "image":
            yield Token("text", "", 0, content=child.content)


def content_links(source: str, file: Path) -> list[tuple[Path, int]]:
    """Links to other content files in a body: (target path, line within the body)."""
    if ".md" not in source:
        return []  # no link can point at a content file: spare the parse
    found = []
    for token in _md.parse(source):
        for child in token.children or ():
            href = child.attrGet("href") if child.type == "link_open" else None
            target = content_link_path(href, file.parent) if href else None
            if target is not None:
                found.append((target, token.map[0] if token.map else 0))
    return found


def content_link_path(href: str, folder: Path) -> Path | None:
    """The content file a relative `.md` link points at, or None for other links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return None
    return Path(posixpath.normpath((PurePosixPath(folder.as_posix()) / parts.path).as_posix()))


def slugify(text: str) -> str:
    """Heading text -> an id: lower case, letters and digits of any script, hyphens."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w]+", "-", text).strip("-_")
