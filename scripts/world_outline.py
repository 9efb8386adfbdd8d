"""Convert Natural Earth's 1:110m land (world-atlas' land-110m.json) into generator/views/world_outline.py.

    (cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz)   # unpacks into /tmp/package/
    .venv/bin/python scripts/world_outline.py /tmp/package/land-110m.json > generator/views/world_outline.py

Run once, by hand, when the data or the map's projection changes; it reads the
file it is given and downloads nothing. It decodes the TopoJSON (quantized,
delta-encoded arcs joined into rings), cuts the rings that cross the
antimeridian, leaves out those wholly outside the latitudes the map shows
(Antarctica), projects with the map's own `project`, rounds to a tenth of a
degree and drops the points a tenth of a degree or less off the line through
their neighbours (Douglas-Peucker), then writes compact SVG path data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.views.worldmap import NORTH, SOUTH, project  # noqa: E402

TOLERANCE = 1
"""In tenths of a degree: how far off a straight line a point may be and still be left out."""

Point = tuple[float, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas' land-110m.json")
    args = parser.parse_args()
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    rings = [piece for ring in land_rings(topology) if any(SOUTH <= lat <= NORTH for _lon, lat in ring)
             for piece in cut_at_antimeridian(ring)]
    paths = [path for path in (ring_path(simplify(ring)) for ring in rings) if path]
    sys.stdout.write(module_text(paths, args.topojson.name))


def land_rings(topology: dict) -> list[list[Point]]:
    """Every ring (outer or hole) of the 'land' object, as (longitude, latitude) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:  # quantized: each position is a step from the one before
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    rings = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points: list[Point] = []
                for index in ring:  # ~index: that arc walked backwards
                    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                    points += arc if not points else arc[1:]  # arcs share their end points
                rings.append(points)
    return rings


def cut_at_antimeridian(ring: list[Point]) -> list[list[Point]]:
    """A ring crossing longitude 180 (Chukotka, Fiji) as one piece on each side of the map."""
    unwrapped, shift = [ring[0]], 0.0
    for (lon0, _lat0), (lon, lat) in zip(ring, ring[1:]):
        if lon - lon0 > 180:
            shift -= 360
        elif lon - lon0 < -180:
            shift += 360
        unwrapped.append((lon + shift, lat))
    pieces = []
    for turn in (-360, 0, 360):
        piece = _clip(_clip(unwrapped, turn - 180, 1), turn + 180, -1)
        if len(piece) >= 3:
            pieces.append([(lon - turn, lat) for lon, lat in piece])
    return pieces


def _clip(ring: list[Point], edge: float, side: int) -> list[Point]:
    """Sutherland-Hodgman against one meridian: the part with side * (lon - edge) >= 0."""
    inside = [side * (lon - edge) >= 0 for lon, _lat in ring]
    out: list[Point] = []
    for i, point in enumerate(ring):
        previous, was_inside = ring[i - 1], inside[i - 1]
        if inside[i] != was_inside:
            t = (edge - previous[0]) / (point[0] - previous[0])
            out.append((edge, previous[1] + t * (point[1] - previous[1])))
        if inside[i]:
            out.append(point)
    return out


def simplify(ring: list[Point]) -> list[tuple[int, int]]:
    """Projected, in whole tenths of a degree, without repeated points or ones within TOLERANCE of the line."""
    tenths: list[tuple[int, int]] = []
    for lon, lat in ring:
        x, y = project(lat, lon)
        point = (round(x * 10), round(y * 10))
        if not tenths or point != tenths[-1]:
            tenths.append(point)
    if len(tenths) > 1 and tenths[0] == tenths[-1]:
        tenths.pop()  # the path closes itself ('z')
    if len(tenths) < 3:
        return []
    far = max(range(len(tenths)), key=lambda i: _distance(tenths[i], tenths[0], tenths[0]))
    kept = _douglas_peucker(tenths[:far + 1]) + _douglas_peucker(tenths[far:] + [tenths[0]])[1:-1]
    return kept if len(kept) >= 3 else []


def _douglas_peucker(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(points) < 3:
        return points
    index, distance = max(((i, _distance(points[i], points[0], points[-1])) for i in range(1, len(points) - 1)),
                          key=lambda found: found[1])
    if distance <= TOLERANCE:
        return [points[0], points[-1]]
    return _douglas_peucker(points[:index + 1])[:-1] + _douglas_peucker(points[index:])


def _distance(point: tuple[int, int], a: tuple[int, int], b: tuple[int, int]) -> float:
    (x, y), (ax, ay), (bx, by) = point, a, b
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
    if length == 0:
        return ((x - ax) ** 2 + (y - ay) ** 2) ** 0.5
    return abs((bx - ax) * (ay - y) - (ax - x) * (by - ay)) / length


def ring_path(tenths: list[tuple[int, int]]) -> str:
    """One closed shape as compact path data: a start, then steps relative to it."""
    if not tenths:
        return ""
    steps = [(x - px, y - py) for (px, py), (x, y) in zip(tenths, tenths[1:])]
    numbers = " ".join(_short(v / 10) for step in steps for v in step)
    return f"M{_short(tenths[0][0] / 10)} {_short(tenths[0][1] / 10)}l{numbers}z".replace(" -", "-")


def _short(value: float) -> str:
    """'0.5' as '.5', '-0.5' as '-.5': smaller files, the same numbers."""
    text = f"{value:g}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def module_text(paths: list[str], source: str) -> str:
    lines = "\n".join(f"    {json.dumps(path + ' ' if i < len(paths) - 1 else path)}"
                      for i, path in enumerate(paths))
    return f'''"""Data: the outline of the land for the "Where we'll be" map, as SVG path data.

Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.
Natural Earth's 1:110m land (version 4.1.0, public domain), from the world-atlas
package's {source}, converted by scripts/world_outline.py: in the map's projection
(views/worldmap.py: one unit per degree, x = longitude + 180, y = {NORTH:g} - latitude),
to a tenth of a degree, one closed shape per island or continent, lakes cut out
(fill-rule evenodd). Generated: edit the script, not this file.
"""

LAND = (
{lines}
)
'''


if __name__ == "__main__":
    main()
