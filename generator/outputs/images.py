"""Images of the bodies -> resized, re-encoded, fingerprinted files, and their <picture> markup.

Reads the originals it is given (content/) and returns Artifacts; writes
nothing. Every original is turned upright (EXIF orientation), converted to
sRGB and saved again without any metadata (EXIF, GPS positions, camera, ICC),
in a few widths, as WebP with a JPEG fallback (lossless WebP and PNG for PNG
and GIF originals, which are drawings more often than photos).
Encoding is deterministic, so the names, which hash the bytes, are stable.
Encoded files are kept between builds in a mapping the pipeline lends
(incremental.Reuse.images, on disk in .cache/store/); this module imports no cache.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path, PurePosixPath
from typing import Mapping, MutableMapping

from generator.content.images import ALLOWED, ImageFile
from generator.errors import BuildFailed, SiteError
from generator.outputs import Artifact, make_key

WIDTHS = (480, 960, 1600)
"""Pixels wide: a phone, a desktop column, a high-density screen (and the brochure's print).
An original narrower than one of them is never enlarged: its own width is the last."""
SIZES = "(min-width: 48rem) 46rem, 100vw"
"""How wide a body image is shown (the .prose column of style.css is at most 46rem)."""
WEBP = {"quality": 80, "method": 4}
WEBP_LOSSLESS = {"lossless": True, "quality": 80, "method": 4}
"""For PNG and GIF originals: drawings, charts, screenshots, whose edges lossy WebP would blur."""
JPEG = {"quality": 82, "optimize": True, "progressive": True}
PNG = {"optimize": True}
FOLDER = "images"
"""Where the files are published: '/images/berlin-hall-960.3f2a9c1b0d.webp'."""


@dataclass(frozen=True, slots=True)
class Encoded:
    """One processed file."""

    width: int
    height: int
    mime: str
    data: bytes = field(repr=False)


Kept = MutableMapping[str, tuple[tuple[int, int, str, bytes], ...]]
"""Where processed files are kept between builds: `store_key(original digest)` -> each file's
(width, height, media type, bytes). Plain values, so that a store outlives this module's classes."""


@dataclass(frozen=True, slots=True)
class Variant:
    url: str
    """Site path: '/images/berlin-hall-960.3f2a9c1b0d.webp'."""
    width: int
    height: int
    mime: str


@dataclass(frozen=True, slots=True)
class Picture:
    """The published files of one original, narrowest first."""

    source: str
    """'content/events/images/berlin-hall.jpg'."""
    modern: tuple[Variant, ...]
    """WebP."""
    fallback: tuple[Variant, ...]
    """JPEG, or PNG (a PNG or GIF original, transparency): what every browser, social network
    and the PDF brochure can show."""

    @property
    def largest(self) -> Variant:
        return self.fallback[-1]


@dataclass(frozen=True, slots=True)
class Pictures:
    """Every body image of a site, processed."""

    by_source: Mapping[str, Picture]
    artifacts: tuple[Artifact, ...] = field(repr=False)

    def data(self, variant: Variant, prefix: str) -> bytes:
        """The bytes of a published file (for the brochure, which embeds them)."""
        path = variant.url[len(prefix):]
        return next(a.data for a in self.artifacts if a.path == path)


@functools.lru_cache(maxsize=1)
def settings() -> str:
    """Everything besides the original that decides the files' bytes: this module's code (its
    widths, qualities and steps), Pillow's and its encoders' versions."""
    from PIL import __version__ as pillow, features
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return repr((code, pillow, features.version("webp"), features.version("jpg"), features.version("zlib")))


def store_key(digest: str) -> str:
    """The key of an original's processed files: its SHA-256 and everything else they depend on."""
    return make_key(digest, settings())


def render_pictures(files: Mapping[str, ImageFile], root: Path, prefix: str, kept: Kept | None = None) -> Pictures:
    """Process every image (`files`, checked by content/images.py) below the project `root`,
    taking those already made from `kept` and keeping the others there. `prefix` is the
    site's URL path."""
    kept = {} if kept is None else kept
    by_source, artifacts, errors = {}, {}, []
    for path, facts in sorted(files.items()):
        key = store_key(facts.digest)
        found = kept.get(key)
        if found is not None:
            encoded = tuple(Encoded(*values) for values in found)
        else:
            try:
                encoded = encode_image((root / path).read_bytes())
            except (OSError, ValueError, SyntaxError) as exc:  # Pillow's ways of saying "damaged"
                errors.append(SiteError(path, None, None, f"cannot be read as an image: {exc}", ALLOWED))
                continue
            kept[key] = tuple((e.width, e.height, e.mime, e.data) for e in encoded)
        picture, made = _publish(path, encoded, prefix)
        by_source[path] = picture
        artifacts.update((a.path, a) for a in made)  # the same photo twice is one file
    if errors:
        raise BuildFailed(errors)
    return Pictures(by_source, tuple(artifacts[p] for p in sorted(artifacts)))


def encode_image(data: bytes) -> tuple[Encoded, ...]:
    """The original, upright and in sRGB, at each width of `widths()`: WebP, then JPEG (a photo)
    or PNG (a PNG or GIF original, or any image with transparent parts)."""
    from PIL import Image, ImageFile, ImageOps

    # WeasyPrint, once imported (the brochure), tells Pillow to pad a photo cut short with grey:
    # here a damaged original must be an error, as it is in a process without WeasyPrint.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(data)) as original:
            drawing = original.format in ("PNG", "GIF")
            original.load()
            image = _srgb(ImageOps.exif_transpose(original))
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if alpha else "RGB")
    if alpha and image.getchannel("A").getextrema() == (255, 255):
        image, alpha = image.convert("RGB"), False
    encoded = []
    for width in widths(image.width):
        height = max(1, round(image.height * width / image.width))
        sized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        sized.info.clear()  # nothing of the original travels: no EXIF, GPS, XMP, ICC or comments
        encoded.append(Encoded(width, height, "image/webp",
                               _save(sized, "WEBP", WEBP_LOSSLESS if drawing else WEBP)))
        fallback = ("PNG", PNG, "image/png") if alpha or drawing else ("JPEG", JPEG, "image/jpeg")
        encoded.append(Encoded(width, height, fallback[2], _save(sized, fallback[0], fallback[1])))
    return tuple(encoded)


def widths(original: int) -> tuple[int, ...]:
    """The widths made of an original this wide: never wider than it."""
    widest = min(original, WIDTHS[-1])
    return tuple(w for w in WIDTHS if w < widest) + (widest,)


def _srgb(image):
    """Colours as the camera meant them, in the sRGB every browser assumes without a profile."""
    from PIL import ImageCms

    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError):
        return image  # a damaged profile: browsers ignore it too and show the pixels as sRGB


def _save(image, format_name: str, options: dict) -> bytes:
    out = io.BytesIO()
    image.save(out, format_name, **options)
    return out.getvalue()


_SUFFIX = {"image/webp": "webp", "image/jpeg": "jpg", "image/png": "png"}


def _publish(source: str, encoded: tuple[Encoded, ...], prefix: str) -> tuple[Picture, list[Artifact]]:
    stem = re.sub(r"[^a-z0-9]+", "-", PurePosixPath(source).stem.lower()).strip("-") or "image"
    variants: dict[bool, list[Variant]] = {True: [], False: []}
    artifacts = []
    for e in encoded:
        name = f"{FOLDER}/{stem}-{e.width}.{hashlib.sha256(e.data).hexdigest()[:10]}.{_SUFFIX[e.mime]}"
        artifacts.append(Artifact(name, e.data))
        variants[e.mime == "image/webp"].append(Variant(prefix + name, e.width, e.height, e.mime))
    return Picture(source, tuple(variants[True]), tuple(variants[False])), artifacts


def picture_html(picture: Picture, alt: str, title: str | None = None, eager: bool = False) -> str:
    """<picture>: the WebP files, then an <img> of the fallback files with the largest's size
    (the browser reserves the space before it loads: no layout shift)."""
    def srcset(variants: tuple[Variant, ...]) -> str:
        return ", ".join(f"{v.url} {v.width}w" for v in variants)

    largest, fallback = picture.largest, picture.fallback
    src = fallback[min(1, len(fallback) - 1)].url  # for browsers without srcset: the column's width
    extra = f' title="{escape(title)}"' if title else ""
    loading = "" if eager else ' loading="lazy"'
    return (f'<picture><source type="image/webp" srcset="{srcset(picture.modern)}" sizes="{SIZES}">'
            f'<img src="{src}" srcset="{srcset(fallback)}" sizes="{SIZES}" width="{largest.width}" '
            f'height="{largest.height}" alt="{escape(alt)}"{extra}{loading} decoding="async"></picture>')
