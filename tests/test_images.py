"""Photos beside the Markdown: processed files, <picture> markup, privacy, cache, errors, brochure, og:image.

The fixture is tests/sites/basic plus the Berlin example of docs/editing.md:
content/events/berlin-2024.md showing content/events/images/berlin-hall.jpg, a
photo made here with Pillow (noise, so that it compresses like a photo) carrying
EXIF with a GPS position and a camera name.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import MappingProxyType

import pytest
from PIL import Image
from pypdf import PdfReader

from checkers import browser, run_axe, serve, validate_html
from conftest import BUILD_DAY, ROOT, fixture_project
from generator.build import Options, Project, build, load_project, render_site
from generator.cli import main
from generator.content.markdown import render_markdown
from generator.incremental import Reuse
from generator.incremental.store import Store
from generator.outputs.pages import SHARE_IMAGE
from generator.outputs.images import encode_image, widths

PAGE = "en/events/berlin-2024/index.html"
BODY = """\
![Delegates in the main hall](images/berlin-hall.jpg)

The conference brings members together.

## Programme

Talks, visits and workshops.

![The hall on the second day](images/berlin-hall.jpg "Day two")
"""
GPS_MARK = b"GPS-SECRET-52.5200N"
"""Written into the photo's EXIF (as the GPS area information): must appear in no output."""


def photo(size=(2400, 1600), orientation: int | None = None, mode: str = "RGB") -> Image.Image:
    """A photo-like image: a gradient under noise (noise compresses badly, as photos do)."""
    width, height = size
    base = Image.linear_gradient("L").resize(size).convert(mode if mode != "RGBA" else "RGB")
    noise = Image.effect_noise(size, 48).convert(base.mode)
    image = Image.blend(base, noise, 0.35)
    if mode == "RGBA":
        image = image.convert("RGBA")
        image.putalpha(Image.linear_gradient("L").resize(size))
    return image


def photo_bytes(size=(2400, 1600), orientation: int | None = None, fmt: str = "JPEG", **options) -> bytes:
    image = photo(size, mode="RGBA" if fmt == "PNG" and options.pop("alpha", False) else "RGB")
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0110] = "Camera model"  # Model
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 18.0), 28: GPS_MARK})
    out = io.BytesIO()
    image.save(out, fmt, exif=exif, **options)
    return out.getvalue()


def berlin(tmp_path: Path, body: str = BODY, image: bytes | None = None, name: str = "berlin-hall.jpg") -> Project:
    """tests/sites/basic with the Berlin conference and its photo."""
    project = fixture_project(tmp_path / "site", "basic")
    folder = project.content / "events" / "images"
    folder.mkdir()
    (folder / name).write_bytes(photo_bytes(quality=95) if image is None else image)
    (project.content / "events" / "berlin-2024.md").write_text(f"""\
---
title: WeGO Conference in Berlin
summary: Three days of talks on smart cities.
category: networking
regions: [europe-mediterranean]
when: 2024-11-04/2024-11-06
location: Berlin
format: hybrid
---
{body}""")
    return project


def build_site(project: Project, out: Path, **options) -> Path:
    build(project, Options(out=out, today=BUILD_DAY, search=False, workers=1,
                           brochure=options.pop("brochure", False), **options))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Project, Path]:
    """The Berlin site built into served/calendar/: served from served/, its /calendar/ links work."""
    tmp = tmp_path_factory.mktemp("berlin")
    project = berlin(tmp)
    return project, build_site(project, tmp / "served" / "calendar")


def tags(html: str, name: str) -> list[str]:
    return re.findall(rf"<{name}\b[^>]*>", html)


def attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found and found.group(1)


# The page ------------------------------------------------------------------


@pytest.mark.build
def test_the_page_shows_a_picture_with_srcset_sizes_and_dimensions(built):
    project, out = built
    html = (out / PAGE).read_text()
    first, second = tags(html, "img")[1:]  # the first <img> is the logo
    sources = tags(html, "source")
    assert [attr(s, "type") for s in sources] == ["image/webp", "image/webp"]
    for img, source in zip((first, second), sources):
        assert (attr(img, "width"), attr(img, "height")) == ("1600", "1067")
        assert attr(img, "sizes") == attr(source, "sizes") == "(min-width: 48rem) 46rem, 100vw"
        candidates = [c.rsplit(" ", 1) for c in attr(img, "srcset").split(", ")]
        assert [w for _, w in candidates] == ["480w", "960w", "1600w"]
        assert all(re.fullmatch(r"/calendar/images/berlin-hall-\d+\.[0-9a-f]{10}\.jpg", url) for url, _ in candidates)
        assert all((out / url.removeprefix("/calendar/")).is_file() for url, _ in candidates)
        assert [c.rsplit(" ", 1)[1] for c in attr(source, "srcset").split(", ")] == ["480w", "960w", "1600w"]
        assert attr(img, "decoding") == "async"
    assert attr(first, "alt") == "Delegates in the main hall"
    # The photo that opens the body is likely in view: loaded at once; the one further down lazily.
    assert attr(first, "loading") is None and attr(second, "loading") == "lazy"
    assert attr(second, "title") == "Day two"


@pytest.mark.build
def test_processed_files_are_smaller_than_the_original_and_never_wider(built):
    project, out = built
    original = (project.content / "events" / "images" / "berlin-hall.jpg").stat().st_size
    files = sorted((out / "images").iterdir())
    assert len(files) == 6  # 3 widths x (WebP, JPEG): both <img>s share them
    for file in files:
        assert file.stat().st_size < original / 3, file.name
        with Image.open(file) as image:
            assert image.width == int(re.search(r"-(\d+)\.", file.name).group(1)) <= 1600


@pytest.mark.unit
def test_a_small_original_is_never_enlarged():
    assert widths(300) == (300,) and widths(960) == (480, 960) and widths(1200) == (480, 960, 1200)
    assert widths(5000) == (480, 960, 1600)
    made = encode_image(photo_bytes((300, 200)))
    assert {(e.width, e.height) for e in made} == {(300, 200)}


@pytest.mark.build
def test_no_metadata_reaches_the_published_files(built):
    project, out = built
    assert GPS_MARK in (project.content / "events" / "images" / "berlin-hall.jpg").read_bytes()
    for file in (out / "images").iterdir():
        data = file.read_bytes()
        assert GPS_MARK not in data and b"Camera maker" not in data and b"Exif" not in data, file.name
        with Image.open(file) as image:
            assert not image.getexif(), file.name
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info), (file.name, image.info)


@pytest.mark.unit
def test_the_camera_orientation_is_applied_before_the_metadata_goes():
    made = encode_image(photo_bytes((1600, 1200), orientation=6))  # stored landscape, shown portrait
    assert [(e.width, e.height) for e in made if e.mime == "image/jpeg"] == [(480, 640), (960, 1280), (1200, 1600)]


@pytest.mark.unit
def test_transparency_keeps_a_png_fallback():
    made = encode_image(photo_bytes((800, 600), fmt="PNG", alpha=True))
    assert {e.mime for e in made} == {"image/webp", "image/png"}
    with Image.open(io.BytesIO(next(e.data for e in made if e.mime == "image/png"))) as image:
        assert image.mode == "RGBA"


@pytest.mark.unit
def test_a_drawing_stays_sharp_a_photo_becomes_jpeg():
    chart = Image.new("RGB", (600, 400), "white")
    for x in range(0, 600, 20):
        chart.paste((11, 79, 156), (x, 0, x + 2, 400))  # hard edges, as in a chart or a screenshot
    for fmt in ("PNG", "GIF"):
        out = io.BytesIO()
        chart.save(out, fmt)
        made = encode_image(out.getvalue())
        assert {e.mime for e in made} == {"image/webp", "image/png"}, fmt
        full = next(e.data for e in made if e.mime == "image/webp" and e.width == 600)
        with Image.open(io.BytesIO(full)) as webp:
            assert webp.convert("RGB").tobytes() == chart.tobytes(), fmt  # lossless: not one pixel changed
    assert {e.mime for e in encode_image(photo_bytes((600, 400)))} == {"image/webp", "image/jpeg"}


@pytest.mark.build
@pytest.mark.slow
def test_two_builds_are_byte_identical_without_a_cache(tmp_path):
    project = berlin(tmp_path)
    first = build_site(project, tmp_path / "one", fresh=True)
    second = build_site(project, tmp_path / "two", fresh=True)
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert [n for n in names if (first / n).read_bytes() != (second / n).read_bytes()] == []
    assert any(n.parts[0] == "images" for n in names)


@pytest.mark.build
@pytest.mark.slow
def test_the_second_build_takes_the_processed_files_from_the_store(tmp_path):
    project = berlin(tmp_path)
    build_site(project, tmp_path / "out")
    store = Store(project.root / ".cache" / "store")  # where `sitegen build` keeps them
    kept = store.section("image")
    assert len(kept) == 1  # one photo, shown twice: encoded once
    loaded = load_project(project, Options(out=tmp_path / "out", today=BUILD_DAY))
    # Read-only: encoding the photo again would have to store it, and fail.
    again = render_site(project, loaded, BUILD_DAY, Reuse(None, {}, {}, images=MappingProxyType(kept)),
                        brochure=False).pictures
    cold = render_site(project, loaded, BUILD_DAY, brochure=False).pictures
    assert again == cold and [a.data for a in again.artifacts] == [a.data for a in cold.artifacts]
    store.close()


@pytest.mark.build
@pytest.mark.slow
def test_a_replaced_photo_changes_the_page_in_an_incremental_build(tmp_path):
    project = berlin(tmp_path, BODY + "\n![The stage](images/berlin-stage.jpg)\n")
    stage = project.content / "events" / "images" / "berlin-stage.jpg"
    stage.write_bytes(photo_bytes((1200, 900)))
    out = build_site(project, tmp_path / "out")
    before = (out / PAGE).read_text()
    assert 'width="1200" height="900"' in before
    stage.write_bytes(photo_bytes((2000, 1000)))  # the same name, other bytes: the Markdown is unchanged
    build_site(project, out)
    after = (out / PAGE).read_text()
    assert 'width="1600" height="800"' in after and 'width="1200" height="900"' not in after
    for url in re.findall(r"/calendar/(images/[^ \"]+)", after):
        assert (out / url).is_file(), url


@pytest.mark.build
def test_published_images_are_cached_for_a_year(built):
    _project, out = built
    headers = (out / "_headers").read_text()
    assert "/images/*\n  Cache-Control: public, max-age=31536000, immutable\n" in headers


@pytest.mark.build
@pytest.mark.browser
def test_the_page_is_valid_html_and_accessible(built):
    _project, out = built
    assert validate_html([out / PAGE]) == []
    with serve(out.parent) as url, browser() as chromium:
        for width in (390, 1280):
            page = chromium.new_page(viewport={"width": width, "height": 844})
            page.goto(f"{url}/calendar/{PAGE}", wait_until="networkidle")
            assert run_axe(page) == [], width
            shown = page.evaluate("""() => [...document.querySelectorAll("main img")].map((i) =>
                [i.currentSrc, i.complete && i.naturalWidth > 0, i.getBoundingClientRect().top > innerHeight,
                 i.loading])""")
            assert shown[0][0].endswith(".webp") and shown[0][1], shown  # the browser chose WebP
            assert all(lazy == "lazy" for _src, _loaded, below, lazy in shown if below), shown
            page.close()


@pytest.mark.build
def test_alt_text_and_title_cannot_leave_their_attributes(tmp_path):
    project = berlin(tmp_path, '![a" onerror="alert(1)"><script>x</script>](images/berlin-hall.jpg "t\\" onload=\\"y")\n')
    html = (build_site(project, tmp_path / "out") / PAGE).read_text()
    img = tags(html, "img")[1]
    assert "onerror" not in re.sub(r'"[^"]*"', '""', img) and "onload" not in re.sub(r'"[^"]*"', '""', img)
    assert "<script>" not in html.split("<main", 1)[1]
    assert attr(img, "alt") == "a&quot; onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;x&lt;/script&gt;"


@pytest.mark.unit
def test_only_an_image_that_opens_the_body_is_told_so():
    seen = []

    def picture(src, alt, title, first):
        seen.append((src, first))
        return None

    render_markdown("![a](one.jpg)\n\ntext ![b](two.jpg)\n", picture=picture)
    render_markdown("text\n\n![c](three.jpg)\n", picture=picture)
    assert seen == [("one.jpg", True), ("two.jpg", False), ("three.jpg", False)]


# Errors --------------------------------------------------------------------


def wide_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8001, 10)).save(out, "PNG")
    return out.getvalue()


def too_many_bytes() -> bytes:
    """A valid JPEG over 20 MB: readers ignore what follows its end marker."""
    return photo_bytes((200, 100)) + b"\0" * 20_000_001


def tiff() -> bytes:
    out = io.BytesIO()
    photo((100, 100)).save(out, "TIFF")
    return out.getvalue()


def animated_gif() -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("red", "blue")]
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


BAD_IMAGES = [
    # (file name, its bytes (made by), the image as written, the error after 'content/events/berlin-2024.md:10: body: ')
    ("berlin-hall.jpg", None, "images/missing.jpg",
     "the image images/missing.jpg: content/events/images/missing.jpg does not exist (use: a path from this "
     "file's folder to an image in content/, e.g. images/photo.jpg)"),
    ("huge.jpg", too_many_bytes, "images/huge.jpg",
     "the image images/huge.jpg is too large (20.0 MB, at most 20 MB) (use: export it smaller, e.g. 3000 "
     "pixels wide as JPEG quality 85)"),
    ("wide.png", wide_png, "images/wide.png",
     "the image images/wide.png is too large (8001 x 10 pixels, at most 8000 on a side) (use: export it "
     "smaller, e.g. 3000 pixels wide)"),
    ("scan.jpg", tiff, "images/scan.jpg",
     "the image images/scan.jpg is in a format the site does not publish (TIFF inside) (use: a JPEG, PNG, "
     "WebP or still GIF image)"),
    ("notes.jpg", lambda: b"not a picture at all", "images/notes.jpg",
     "the image images/notes.jpg is in a format the site does not publish (not an image Pillow can read) "
     "(use: a JPEG, PNG, WebP or still GIF image)"),
    ("moving.gif", animated_gif, "images/moving.gif",
     "the image images/moving.gif is in a format the site does not publish (an animated image) (use: a JPEG, "
     "PNG, WebP or still GIF image)"),
    ("berlin-hall.jpg", None, "../../site.toml",
     "the image ../../site.toml is outside content/ (use: put the image beside the Markdown file, e.g. "
     "images/photo.jpg)"),
]


@pytest.mark.build
@pytest.mark.parametrize("name, data, src, error", BAD_IMAGES, ids=[case[2] for case in BAD_IMAGES])
def test_check_and_build_report_a_bad_image_at_its_line(tmp_path, capsys, name, data, src, error):
    project = berlin(tmp_path, f"Intro.\n\n![The hall]({src})\n", data() if data else None, name)
    expected = f"content/events/berlin-2024.md:12: body: {error}"
    code = main(["--root", str(project.root), "build", "--out", str(tmp_path / "out"), "--no-search", "--no-brochure"])
    assert code == 1
    assert expected in capsys.readouterr().err.splitlines()
    code = main(["--root", str(project.root), "check", "--now", BUILD_DAY.isoformat()])
    finding = expected.replace(": body: ", ": error: ", 1)
    finding = finding[:finding.rindex(" (use: ")] + " (body; use: " + finding[finding.rindex(" (use: ") + 7:]
    assert code == 1 and finding in capsys.readouterr().out.splitlines()


@pytest.mark.build
def test_check_reports_an_image_without_alt_text_and_the_build_publishes_it(tmp_path, capsys):
    project = berlin(tmp_path, "Intro.\n\n![](images/berlin-hall.jpg)\n")
    code = main(["--root", str(project.root), "check", "--now", BUILD_DAY.isoformat()])
    assert code == 1
    assert ("content/events/berlin-2024.md:12: error: the image images/berlin-hall.jpg has no alt text "
            "(body; use: ![what the image shows](images/berlin-hall.jpg))") in capsys.readouterr().out.splitlines()
    out = build_site(project, tmp_path / "out")
    assert 'alt=""' in (out / PAGE).read_text()


@pytest.mark.build
def test_content_holds_markdown_and_images_and_nothing_else(tmp_path, capsys):
    project = berlin(tmp_path)
    (project.content / "events" / "images" / "agenda.pdf").write_bytes(b"%PDF-1.7")
    (project.content / "events" / "notes.txt").write_text("to do")
    code = main(["--root", str(project.root), "build", "--out", str(tmp_path / "out"), "--no-search", "--no-brochure"])
    errors = capsys.readouterr().err.splitlines()
    assert code == 1
    for path in ("content/events/images/agenda.pdf", "content/events/notes.txt"):
        assert (f"{path}: is not a Markdown file or an image (.jpg, .jpeg, .png, .webp, .gif); content/ holds "
                "only those (other files, such as PDFs, go on a website the item links to)") in errors
    assert not any("berlin-hall" in line for line in errors)


# Brochure and sharing ------------------------------------------------------


@pytest.mark.build
@pytest.mark.slow
def test_the_brochure_prints_the_photo_and_leaves_out_other_websites_images(tmp_path):
    body = BODY + "\n![A map](https://example.org/map.png)\n"
    project = berlin(tmp_path, body)
    out = build_site(project, tmp_path / "out", brochure=True)
    reader = PdfReader(out / "en" / "brochure" / "wego-calendar-2024-en.pdf")
    pages = [page for page in reader.pages if "WeGO Conference in Berlin" in page.extract_text()
             and "Nov" in page.extract_text()]
    assert pages, "no entry for the Berlin conference"
    images = [image for page in reader.pages for image in page.images]
    assert images and {(i.image.width, i.image.height) for i in images} == {(1600, 1067)}
    assert all(GPS_MARK not in i.data for i in images)


@pytest.mark.build
def test_the_first_photo_is_the_items_share_image_and_the_site_image_is_the_default(built):
    _project, out = built
    html = (out / PAGE).read_text()
    og = dict(re.findall(r'<meta property="(og:image[^"]*)" content="([^"]*)">', html))
    assert re.fullmatch(r"https://example\.org/calendar/images/berlin-hall-1600\.[0-9a-f]{10}\.jpg", og["og:image"])
    assert (og["og:image:width"], og["og:image:height"], og["og:image:alt"]) == ("1600", "1067",
                                                                                  "Delegates in the main hall")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["image"] == [og["og:image"]]  # search engines show it with the event
    home = dict(re.findall(r'<meta property="(og:image[^"]*)" content="([^"]*)">', (out / "en/index.html").read_text()))
    assert home["og:image"] == "https://example.org/calendar/assets/share.png"
    assert (home["og:image:width"], home["og:image:height"]) == ("1200", "630")
    with Image.open(out / "assets" / "share.png") as image:
        assert (image.format, image.size) == ("PNG", SHARE_IMAGE[1:])
    with Image.open(ROOT / "assets" / SHARE_IMAGE[0]) as image:
        assert image.size == SHARE_IMAGE[1:]


@pytest.mark.build
@pytest.mark.slow
def test_the_preview_shows_a_replaced_photo_after_its_save(tmp_path):
    from generator.serve.preview import Preview

    project = berlin(tmp_path, BODY + "\n![The stage](images/berlin-stage.jpg)\n")
    stage = project.content / "events" / "images" / "berlin-stage.jpg"
    stage.write_bytes(photo_bytes((1200, 900)))
    preview = Preview(project, tmp_path / "preview", BUILD_DAY, drafts=False, base_url="http://127.0.0.1:8000/")
    assert preview.rebuild().errors == ()
    page = tmp_path / "preview" / PAGE
    assert 'width="1200" height="900"' in page.read_text()
    stage.write_bytes(photo_bytes((2000, 1000)))
    assert preview.rebuild({stage}).errors == ()
    assert 'width="1600" height="800"' in page.read_text()
    stage.unlink()
    failed = preview.rebuild({stage})
    assert [str(e) for e in failed.errors] == [
        "content/events/berlin-2024.md:20: body: the image images/berlin-stage.jpg: content/events/images/"
        "berlin-stage.jpg does not exist (use: a path from this file's folder to an image in content/, e.g. "
        "images/photo.jpg)"]


@pytest.mark.build
def test_an_image_linked_from_outside_content_is_refused(tmp_path, capsys):
    outside = tmp_path / "private.jpg"
    outside.write_bytes(photo_bytes((200, 100)))
    project = berlin(tmp_path, "Intro.\n\n![The hall](images/link.jpg)\n")
    (project.content / "events" / "images" / "link.jpg").symlink_to(outside)
    code = main(["--root", str(project.root), "build", "--out", str(tmp_path / "out"), "--no-search", "--no-brochure"])
    assert code == 1
    assert ("content/events/berlin-2024.md:12: body: the image images/link.jpg: content/events/images/link.jpg is a "
            "link to somewhere outside content/; copy the file here instead (use: a path from this file's folder "
            "to an image in content/, e.g. images/photo.jpg)") in capsys.readouterr().err.splitlines()
    assert not (tmp_path / "out").exists()


@pytest.mark.build
def test_a_damaged_photo_is_an_error_naming_the_file(tmp_path, capsys):
    import weasyprint  # noqa: F401 - it makes Pillow lenient with damaged files, for the whole process
    whole = photo_bytes((800, 600))
    project = berlin(tmp_path, "![The hall](images/berlin-hall.jpg)\n", whole[:len(whole) // 2])  # cut short
    code = main(["--root", str(project.root), "build", "--out", str(tmp_path / "out"), "--no-search", "--no-brochure"])
    errors = capsys.readouterr().err.splitlines()
    assert code == 1
    assert any(line.startswith("content/events/images/berlin-hall.jpg: cannot be read as an image: ")
               and line.endswith("(use: a JPEG, PNG, WebP or still GIF image)") for line in errors), errors
