"""Images in Markdown bodies -> the files they name, and what is wrong with them.

Pure: finds `![alt](images/berlin-hall.jpg)` in a text with its file line,
resolves the path against the Markdown file's folder (as GitHub's preview
does), and judges the facts sources.py read of each file. Reads no file.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from generator.content.markdown import inline_tokens
from generator.content.model import ImageRef, Item, Page, Site, Text
from generator.errors import SiteError

SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
"""Image files content/ may hold beside the Markdown (any other file there is an error)."""
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
"""What Pillow must find inside such a file, whatever its name says."""
MAX_BYTES = 20_000_000
"""20 MB: far above any photo a camera or phone takes; a larger file is a scan or a mistake."""
MAX_SIDE = 8_000
"""Pixels on the longer side: over 60 megapixels to decode, for pages that show 1,600."""
ALLOWED = "a JPEG, PNG, WebP or still GIF image"


@dataclass(frozen=True, slots=True)
class ImageFile:
    """What sources.read_images found of an image file (header only: nothing is decoded)."""

    path: str
    """As in ImageRef.path: 'content/events/images/berlin-hall.jpg'."""
    size: int = 0
    """In bytes."""
    width: int = 0
    height: int = 0
    """As shown: after the camera's orientation (EXIF) is applied."""
    format: str | None = None
    """Pillow's name of what is inside ('JPEG'); None if Pillow cannot read it."""
    digest: str = ""
    """SHA-256 of the bytes: names the processed files and keys their cache."""
    problem: str | None = None
    """Why the file cannot be used at all: missing, a link out of content/, not a file."""
    animated: bool = False


def image_refs(text: Text) -> tuple[ImageRef, ...]:
    """The images of a text's body in document order, each with its file line (what its file's
    check keeps in Text.images)."""
    if "![" not in text.body:
        return ()  # no image can be written without it: spare the parse
    found = []
    for token, line in inline_tokens(text.body, text.body_line):
        if token.type == "image":
            src = token.attrGet("src") or ""
            found.append(ImageRef(text.source, line, src, token.content, image_path(src, text.source)))
    return tuple(found)


def site_images(site: Site) -> list[ImageRef]:
    """Every image of every published text (items and plain pages, every language)."""
    documents: Iterable[Item | Page] = (*site.items, *(site.pages[k] for k in sorted(site.pages)))
    return [ref for doc in documents for text in doc.texts for ref in text.images]


def image_path(src: str, source: str) -> str | None:
    """The project path of a local image: `src` read from the folder of the file `source`
    ('/content/...' from the project folder).
    None for another website's image or a data: URL; a path out of content/ is kept, and
    refused by `check_images`."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):  # from the top of the repository, as GitHub's preview reads it
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), path))


def check_images(refs: Iterable[ImageRef], files: Mapping[str, ImageFile]) -> list[SiteError]:
    """One error per image reference that cannot be published: the build stops on them.
    (Missing alt text is `sitegen check`'s, as for any image: the build publishes alt="".)"""
    return [SiteError(ref.source, ref.line, "body", problem, allowed)
            for ref in refs for problem, allowed in _problems(ref, files)]


def _problems(ref: ImageRef, files: Mapping[str, ImageFile]) -> Iterator[tuple[str, str | None]]:
    if ref.path is None:
        return
    where = f"the image {ref.src}"
    if not ref.path.startswith("content/"):
        yield f"{where} is outside content/", "put the image beside the Markdown file, e.g. images/photo.jpg"
        return
    if not ref.path.lower().endswith(SUFFIXES):
        yield f"{where} is not an image file ({', '.join(SUFFIXES)})", ALLOWED
        return
    file = files.get(ref.path)
    if file is None or file.problem:
        yield f"{where}: {ref.path} {file.problem if file else 'does not exist'}", \
            "a path from this file's folder to an image in content/, e.g. images/photo.jpg"
    elif file.size > MAX_BYTES:
        yield (f"{where} is too large ({file.size / 1e6:.1f} MB, at most {MAX_BYTES // 1_000_000} MB)",
               "export it smaller, e.g. 3000 pixels wide as JPEG quality 85")
    elif file.format not in FORMATS or file.animated:
        found = "an animated image" if file.animated else (f"{file.format} inside" if file.format
                                                            else "not an image Pillow can read")
        yield f"{where} is in a format the site does not publish ({found})", ALLOWED
    elif max(file.width, file.height) > MAX_SIDE:
        yield (f"{where} is too large ({file.width} x {file.height} pixels, at most {MAX_SIDE} on a side)",
               "export it smaller, e.g. 3000 pixels wide")


def alt_missing(refs: Iterable[ImageRef]) -> list[SiteError]:
    """Images without alt text: `sitegen check` reports them (screen readers say nothing)."""
    return [SiteError(ref.source, ref.line, "body", f"the image {ref.src} has no alt text",
                      f"![what the image shows]({ref.src})") for ref in refs if not ref.alt.strip()]


def from_elsewhere(refs: Iterable[ImageRef]) -> list[SiteError]:
    """Images of other websites: `sitegen check` reports them as it does broken links. The pages'
    Content-Security-Policy (img-src 'self') keeps browsers from loading them, and the brochure
    leaves them out: published, they would show as broken images."""
    return [SiteError(ref.source, ref.line, "body",
                      f"the image {ref.src} is on another website: pages show only images stored in content/",
                      "save it (if you may publish it) beside the Markdown file, e.g. images/photo.jpg")
            for ref in refs if urlsplit(ref.src).scheme in ("http", "https") or ref.src.startswith("//")]
