"""Make assets/share.png, the site's default og:image (1200 x 630), from the logo, fonts and
category colours of this project. Run once after changing them; the PNG is committed:

    .venv/bin/python scripts/make-share-image.py

WeasyPrint lays the card out as a one-page PDF, pdftoppm (poppler-utils) rasterises it at
96 dpi (1 CSS px = 1 pixel) and Pillow saves it without metadata.
"""

from __future__ import annotations

import base64
import io
import subprocess
import tempfile
import tomllib
from pathlib import Path

import weasyprint
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    config = tomllib.loads((ROOT / "site.toml").read_text(encoding="utf-8"))
    colours = [c["colour"] for c in config["categories"]]
    logo = base64.b64encode((ROOT / "assets" / "logo.svg").read_bytes()).decode()
    fonts = (ROOT / "assets" / "fonts").as_uri()
    band = "".join(f'<span style="background:{c}"></span>' for c in colours)
    html = f"""<!DOCTYPE html><html><head><style>
@page {{ size: 1200px 630px; margin: 0; }}
@font-face {{ font-family: Sans; src: url("{fonts}/NotoSans-Bold.ttf"); font-weight: 700; }}
@font-face {{ font-family: Sans; src: url("{fonts}/NotoSans-Regular.ttf"); font-weight: 400; }}
html, body {{ margin: 0; width: 1200px; height: 630px; background: #0b2a4f; color: #fff; font-family: Sans; }}
.card {{ position: absolute; left: 96px; top: 150px; right: 96px; }}
img {{ width: 168px; height: 168px; float: left; margin-right: 56px; }}
.name {{ font-size: 104px; font-weight: 700; line-height: 1; margin: 4px 0 16px; }}
.title {{ font-size: 50px; font-weight: 700; line-height: 1.15; }}
.org {{ position: absolute; left: 96px; bottom: 82px; font-size: 28px; color: #c9d6e6; }}
.band {{ position: absolute; left: 0; right: 0; bottom: 0; height: 28px; display: flex; }}
.band span {{ flex: 1; }}
</style></head><body>
<div class="card"><img src="data:image/svg+xml;base64,{logo}" alt="">
<p class="name">{config["site"]["short_name"]}</p><p class="title">Calendar of Activities</p></div>
<p class="org">{config["site"]["organisation"]}</p>
<div class="band">{band}</div></body></html>"""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "share.pdf"
        weasyprint.HTML(string=html).write_pdf(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "96", "-singlefile", str(pdf), str(Path(folder) / "share")],
                       check=True)
        with Image.open(Path(folder) / "share.png") as image:
            card = image.convert("RGB")
    assert card.size == (1200, 630), card.size
    out = io.BytesIO()
    card.save(out, "PNG", optimize=True)
    (ROOT / "assets" / "share.png").write_bytes(out.getvalue())
    print(f"wrote assets/share.png ({len(out.getvalue()) // 1000} kB)")


if __name__ == "__main__":
    main()
