"""scripts/world_outline.py: TopoJSON decoded, rings cut at the antimeridian, path data written.

On tiny hand-made topologies (the real land-110m.json is not in the repository);
tests/test_views.py checks the converted outline itself.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("world_outline_script", ROOT / "scripts" / "world_outline.py")
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)


def topology(arcs, rings, scale=(1, 1), translate=(0, 0)):
    return {"type": "Topology", "transform": {"scale": list(scale), "translate": list(translate)},
            "arcs": arcs, "objects": {"land": {"type": "GeometryCollection",
                                               "geometries": [{"type": "MultiPolygon", "arcs": [rings]}]}}}


def test_arcs_are_quantized_steps_joined_into_rings_backwards_where_negative():
    # Arc 0 runs (10, 20) -> (12, 20) -> (12, 21); arc 1 back to the start, given in reverse (~1).
    data = topology([[[0, 0], [4, 0], [0, 2]], [[0, 0], [-4, -2]]], [[0, ~1]],
                    scale=(0.5, 0.5), translate=(10, 20))
    assert script.land_rings(data) == [[(10.0, 20.0), (12.0, 20.0), (12.0, 21.0), (10.0, 20.0)]]


def test_a_ring_across_the_antimeridian_becomes_one_piece_on_each_edge():
    ring = [(170.0, 60.0), (-170.0, 60.0), (-170.0, 70.0), (170.0, 70.0), (170.0, 60.0)]
    pieces = sorted(script.cut_at_antimeridian(ring))
    assert [sorted({lon for lon, _lat in piece}) for piece in pieces] == [[-180.0, -170.0], [170.0, 180.0]]
    assert all({lat for _lon, lat in piece} == {60.0, 70.0} for piece in pieces)


def test_a_ring_away_from_the_antimeridian_is_kept_whole():
    ring = [(10.0, 10.0), (20.0, 10.0), (20.0, 20.0), (10.0, 10.0)]
    assert script.cut_at_antimeridian(ring) == [ring]


def test_points_within_a_tenth_of_a_degree_of_the_line_are_left_out():
    ring = [(0.0, 0.0), (5.0, 0.04), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    assert script.ring_path(script.simplify(ring)) == "M180 84l10 0 0-10-10 0z"


def test_the_script_writes_a_module_with_its_attribution(tmp_path):
    source = tmp_path / "land-110m.json"
    source.write_text(json.dumps(topology([[[0, 0], [10, 0], [0, 10], [-10, -10]]], [[0]])))
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "world_outline.py"), str(source)],
                         capture_output=True, text=True, check=True).stdout
    namespace: dict = {}
    exec(out, namespace)
    assert namespace["LAND"] == "M180 84l10 0 0-10z"
    assert "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com." in out
