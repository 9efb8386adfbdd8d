"""Markdown -> HTML and plain text, with markdown-it-py.

Pure. Raw HTML is off (shown as text, never run) and markdown-it's link
validation refuses javascript:, vbscript:, file: and data: URLs. Links to
content files (`../events/excom-2024.md`) become the item's page in the
language being rendered; headings get ids so they can be linked to (mdit-py-plugins'
anchors plugin, with our `slugify`); images go through the caller's `picture` (the
site's <picture> of the processed files, the brochure's print file).
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin


def heading_id(title: str) -> str:
    """The id of a heading, from its text; a heading with no letter or digit is a 'section'.
    The anchors plugin numbers repeats: 'agenda', 'agenda-1', 'agenda-2'."""
    return slugify(title) or "section"


def _place_headings(state: StateCore) -> None:
    """Headings `heading_shift` levels down (to h6 at most) and ids after `id_prefix`, when
    the env asks for them: for a body shown inside a larger document (the brochure)."""
    shift, prefix = state.env.get("heading_shift", 0), state.env.get("id_prefix", "")
    if not (shift or prefix):
        return
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1:]) + shift)}"
            if prefix and token.attrGet("id") is not None:
                token.attrSet("id", prefix + str(token.attrGet("id")))


_md = (MarkdownIt("commonmark", {"html": False, "typographer": True})
       .enable(["table", "strikethrough"])
       .use(anchors_plugin, min_level=1, max_level=6, slug_func=heading_id))
_md.core.ruler.after("anchor", "place_headings", _place_headings)


def _mark_opening_image(state: StateCore) -> None:
    """An image the body starts with is likely in view when the page opens: the `picture` the
    env holds is told so (`first`), to load it at once rather than lazily."""
    tokens = state.tokens
    if len(tokens) > 1 and tokens[0].type == "paragraph_open" and tokens[1].children \
            and tokens[1].children[0].type == "image":
        state.env["first"] = tokens[1].children[0]


_md.core.ruler.push("mark_opening_image", _mark_opening_image)


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


_md.add_render_rule("link_open", _render_link_open)
_md.add_render_rule("image", _render_image)


def parse_markdown(source: str) -> list[Token]:
    """The tokens the renderer works from (their `map` gives source lines)."""
    return _md.parse(source)


@dataclass(slots=True)
class ParsedBody:
    """A body's token stream, parsed once, from which both its HTML (`body_html`) and its plain
    text (`body_text`) are made: an item's page and its VEVENT come from one parse."""

    source: str
    tokens: list[Token]
    env: dict
    """What the parse noted for the HTML renderer (the image that opens the body)."""


def parse_body(source: str, *, heading_shift: int = 0, id_prefix: str = "") -> ParsedBody:
    """Its headings `heading_shift` levels lower (at most h6), their ids starting with `id_prefix`."""
    env = {"heading_shift": heading_shift, "id_prefix": id_prefix}
    return ParsedBody(source, _md.parse(source, env), env)


Picturer = Callable[[str, str, "str | None", bool], "str | None"]
"""(src, alt, title, opens the body) -> the HTML of an image, or None for a plain lazy <img>."""


def body_html(parsed: ParsedBody, resolve: Callable[[str], str | None] | None = None, *,
              picture: Picturer | None = None) -> str:
    """The HTML of a parsed body; `resolve` maps an href to the URL to use, or None to keep it;
    `picture` makes the HTML of each image (told whether it opens the body: likely in view, so
    not loaded lazily). Rendering sets links' and images' attributes on the tokens: make the
    plain text first if both are needed (it reads only their text)."""
    return _md.renderer.render(parsed.tokens, _md.options, {**parsed.env, "resolve": resolve, "picture": picture})


def render_markdown(source: str, resolve: Callable[[str], str | None] | None = None, *,
                    heading_shift: int = 0, id_prefix: str = "", picture: Picturer | None = None) -> str:
    """The HTML of a body (`parse_body`, then `body_html`)."""
    return body_html(parse_body(source, heading_shift=heading_shift, id_prefix=id_prefix), resolve, picture=picture)


@functools.lru_cache(maxsize=16)
def markdown_to_text(source: str) -> str:
    """Readable plain text of a body (`body_text`). The last few are remembered: the languages
    an item has no translation in repeat its original's."""
    return body_text(parse_body(source))


def body_text(parsed: ParsedBody) -> str:
    """Readable plain text (for feeds and search): paragraphs apart, list items on their own lines."""
    blocks: list[tuple[str, bool]] = []  # (text, is a list item)
    numbers: list[int | None] = []  # per open list: next number, or None for bullets
    for token in parsed.tokens:
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


def inline_tokens(source: str, first_line: int) -> Iterator[tuple[Token, int]]:
    """Every inline token of a body (links, images, text) with its file line, the body
    starting at `first_line`: what checks need to point at the line an editor wrote."""
    for block in parse_markdown(source):
        if block.type != "inline" or not block.map:
            continue
        line = first_line + block.map[0]
        for child in block.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            yield child, line


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


def slugify(text: str, *, ascii: bool = False) -> str:
    """Text -> a slug: lower case, letters and digits of any script, runs of anything else as one
    hyphen ('Smart City Expo 2024!' -> 'smart-city-expo-2024', '프로그램 안내' -> '프로그램-안내').
    With `ascii`, for ids that name files and addresses (fields.ID_PATTERN), accents are dropped
    ('Café' -> 'cafe') and letters without an ASCII form left out ('서울 행사' -> '')."""
    if ascii:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", text).casefold()).strip("-")
