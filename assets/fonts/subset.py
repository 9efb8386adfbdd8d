"""Make the brochure's fonts: subsets of the Debian Noto fonts, written beside this file.

Run once when the fonts change: `.venv/bin/python assets/fonts/subset.py`
(needs the Debian packages fonts-noto-core and fonts-noto-cjk). The output is
reproducible: the same source fonts give the same bytes. Not part of the
build; the site's asset stage never publishes assets/fonts/.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
CORE = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto")

# Whole blocks rather than the characters of today's content, so that a new
# translation never meets a missing glyph (an empty box in print).
LATIN = ("U+0020-007E U+00A0-024F U+02B0-036F U+1E00-1EFF U+2000-206F U+20A0-20CF "
         "U+2100-214F U+2190-21FF U+2212 U+FB00-FB06")
ARABIC = "U+0020-0040 U+00A0 U+0600-06FF U+0750-077F U+08A0-08FF U+200C-200F U+2010-2027 U+FB50-FDFF U+FE70-FEFF"
HANGUL = ("U+0020-007E U+00A0-00FF U+1100-11FF U+2000-206F U+2190-21FF U+2460-24FF U+25A0-25FF "
          "U+3000-303F U+3130-318F U+3200-32FF U+A960-A97F U+AC00-D7A3 U+D7B0-D7FF U+FF00-FFEF")

FONTS = (
    # (output, source, face in a collection, unicode ranges)
    ("NotoSans-Regular.ttf", CORE / "NotoSans-Regular.ttf", None, LATIN),
    ("NotoSans-Bold.ttf", CORE / "NotoSans-Bold.ttf", None, LATIN),
    ("NotoSans-Italic.ttf", CORE / "NotoSans-Italic.ttf", None, LATIN),
    ("NotoSans-BoldItalic.ttf", CORE / "NotoSans-BoldItalic.ttf", None, LATIN),
    ("NotoSansArabic-Regular.ttf", CORE / "NotoSansArabic-Regular.ttf", None, ARABIC),
    ("NotoSansArabic-Bold.ttf", CORE / "NotoSansArabic-Bold.ttf", None, ARABIC),
    ("NotoSansCJKkr-Regular.otf", CJK / "NotoSansCJK-Regular.ttc", "Noto Sans CJK KR", HANGUL),
    ("NotoSansCJKkr-Bold.otf", CJK / "NotoSansCJK-Bold.ttc", "Noto Sans CJK KR", HANGUL),
)


def unicodes(ranges: str) -> list[int]:
    points = []
    for part in ranges.split():
        first, _, last = part.removeprefix("U+").partition("-")
        points.extend(range(int(first, 16), int(last or first, 16) + 1))
    return points


def open_font(source: Path, face: str | None) -> TTFont:
    if face is None:
        return TTFont(source, recalcTimestamp=False)
    for font in TTCollection(source, recalcTimestamp=False).fonts:
        if font["name"].getDebugName(1) == face:
            return font
    raise SystemExit(f"{source}: no face {face!r}")


def make(output: str, source: Path, face: str | None, ranges: str) -> None:
    font = open_font(source, face)
    options = subset.Options()
    options.layout_features = ["*"]  # Arabic joining and Hangul jamo need their features
    options.name_IDs = ["*"]  # keep copyright and licence records (OFL)
    options.hinting = False  # print needs no hints; halves the size
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes(ranges))
    subsetter.subset(font)
    font.recalcTimestamp = False  # reproducible files: keep the source's dates
    font.save(HERE / output)
    print(f"{output}: {(HERE / output).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    for entry in FONTS:
        make(*entry)
