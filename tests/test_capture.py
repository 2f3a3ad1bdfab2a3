"""Capture: tiles of an area of interest from real QGIS layers (a GeoTIFF, an XYZ server on
127.0.0.1) into a training set that `aerocolor train` reads."""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from capture_support import TileServer
from plugin_support import clear_project, wait_until

RES = 0.1
ORIGIN = (500000.0, 3300000.0)


def slippy(lon, lat, z):
    """The OSM wiki's formulas, written out again here so the test does not trust the code under test."""
    n = 2.0 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def read_png(path):
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im)


@pytest.fixture
def geotiff(qgis_app, tmp_path):
    """A 3-band 8-bit GeoTIFF (EPSG:32617, 0.1 m) of random texture, and its pixels."""
    from conftest import write_geotiff

    rng = np.random.default_rng(7)
    arr = rng.integers(0, 256, (3, 200, 264), dtype=np.uint8)
    path = write_geotiff(str(tmp_path / "ortho.tif"), arr,
                         geotransform=(ORIGIN[0], RES, 0.0, ORIGIN[1], 0.0, -RES))
    yield path, np.moveaxis(arr, 0, -1)
    clear_project()


@pytest.fixture
def server(qgis_app):
    with TileServer() as srv:
        yield srv
    clear_project()


def _layer(path_or_uri, provider="gdal", rights=None):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(path_or_uri, "src", provider)
    assert layer.isValid()
    if rights:
        meta = layer.metadata()
        meta.setRights([rights])
        layer.setMetadata(meta)
    return layer


def _capture(cfg, layer, aoi=None, **kw):
    from qgis.core import QgsProject

    from aerocolor_plugin.capture.aoi import aoi_from_rect
    from aerocolor_plugin.capture.engine import run_capture
    from aerocolor_plugin.capture.render import LayerRef

    aoi = aoi or aoi_from_rect(layer.extent(), layer.crs())
    return run_capture(cfg, LayerRef.of(layer), aoi, QgsProject.instance().transformContext(), **kw)


def _local_cfg(out, **kw):
    from aerocolor_plugin.capture.engine import CaptureConfig

    return CaptureConfig(out=str(out), gsd=RES, tile=64, layout=kw.pop("layout", "pairs"),
                         block=kw.pop("block", 1), **kw)


def _source_window(src, bounds, tile):
    col = int(round((bounds[0] - ORIGIN[0]) / RES))
    row = int(round((ORIGIN[1] - bounds[3]) / RES))
    return src[row:row + tile, col:col + tile]


# -- grids --------------------------------------------------------------------------------
@pytest.mark.parametrize("zoom", [15, 16])
def test_zoom_tile_counts_match_the_slippy_map_formula(qgis_app, zoom):
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle

    from aerocolor_plugin.capture.aoi import aoi_from_rect
    from aerocolor_plugin.capture.engine import CaptureConfig, plan_capture
    from aerocolor_plugin.capture.grid import MERCATOR_HALF

    lon0, lat0, lon1, lat1 = 121.4567, 24.9812, 121.6234, 25.1043  # Taipei, as in the study
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    world = QgsRectangle(-MERCATOR_HALF, -MERCATOR_HALF, MERCATOR_HALF, MERCATOR_HALF)
    plan = plan_capture(CaptureConfig(out="unused", zooms=[zoom]), QgsCoordinateReferenceSystem("EPSG:3857"),
                        world, aoi_from_rect(QgsRectangle(lon0, lat0, lon1, lat1), wgs84),
                        QgsProject.instance().transformContext())
    (x0, y0), (x1, y1) = slippy(lon0, lat1, zoom), slippy(lon1, lat0, zoom)
    expected = {(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
    got = {(c, r) for _, c, r in plan.tiles()}
    assert plan.estimate == len(expected) == len(got)
    assert got == expected
    # One tile's bounds are the formula's corners (inverse formula, then EPSG:3857 by hand).
    grid = plan.grids[0]
    n = 2 ** zoom
    lon_w = x0 / n * 360 - 180
    lat_n = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y0 / n))))
    bx0, _, _, by1 = grid.bounds(x0, y0)
    assert bx0 == pytest.approx(math.radians(lon_w) * 6378137.0, abs=1e-6)
    assert by1 == pytest.approx(math.log(math.tan(math.pi / 4 + math.radians(lat_n) / 2)) * 6378137.0, abs=1e-6)


# -- local GeoTIFF ------------------------------------------------------------------------
def test_geotiff_capture_keeps_source_pixels_and_records_the_manifest(geotiff, tmp_path):
    from aerocolor.data.layout import grey_of

    path, src = geotiff
    layer = _layer(path, rights="© Test Orthophoto Agency")
    out = tmp_path / "set"
    man = _capture(_local_cfg(out, val_fraction=0.25, test_fraction=0.25), layer)
    tiles = man["tiles"]
    # 264 x 200 px in 64 px tiles: 4 x 3 whole tiles; the partial fifth column and fourth row are nodata.
    assert len(tiles) == 12
    assert man["skipped"] == {"blank": 0, "nodata": 5 + 3, "missing": 0}
    assert sorted(man["counts"]) == ["test", "train", "val"] and sum(man["counts"].values()) == 12
    for t in tiles:
        colour = read_png(out / t["split"] / "B" / (t["id"] + ".png"))
        grey = read_png(out / t["split"] / "A" / (t["id"] + ".png"))
        window = _source_window(src, t["bounds"], 64)
        assert np.array_equal(colour, window), t["id"]
        assert np.array_equal(grey, (grey_of(window)[..., 0] * 255 + 0.5).astype(np.uint8))
    for key in ("aerocolor_dataset", "kind", "config", "grey_formula", "gsd", "sources", "counts", "skipped", "tiles"):
        assert key in man
    assert man["gsd"] == RES and man["kind"] == "capture"
    srcinfo = man["sources"][0]
    assert srcinfo["crs_authid"] == "EPSG:32617" and srcinfo["attribution"] == "© Test Orthophoto Agency"
    assert srcinfo["uri"].endswith("ortho.tif") and srcinfo["captured"]
    assert set(tiles[0]) >= {"id", "split", "bounds", "gsd"}
    with open(out / "manifest.json") as fh:
        assert json.load(fh)["tiles"] == tiles


UTM_RES = 1.0  # about the ground pixel of zoom 19 in 64 px tiles at this latitude (1.04 m)


def _smooth_utm(path, size=400):
    """A 3-band 8-bit GeoTIFF in UTM (EPSG:32617, 1 m) of smooth colour fields, as an orthophoto
    looks at tile scale: nearest-neighbour resampling by two programs then differs by a DN or two."""
    from conftest import write_geotiff

    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    arr = np.stack([128 + 80 * np.sin(xx / 23) * np.cos(yy / 31), 128 + 80 * np.cos(xx / 17 + yy / 29),
                    128 + 60 * np.sin((xx + yy) / 41)]).astype(np.uint8)
    return write_geotiff(path, arr, geotransform=(ORIGIN[0], UTM_RES, 0.0, ORIGIN[1], 0.0, -UTM_RES))


def _stretched(layer):
    """The layer drawn with a hard contrast stretch: rendered tiles are mostly 0 and 255."""
    from qgis.core import Qgis, QgsContrastEnhancement, QgsMultiBandColorRenderer

    renderer = QgsMultiBandColorRenderer(layer.dataProvider(), 1, 2, 3)
    for setter in (renderer.setRedContrastEnhancement, renderer.setGreenContrastEnhancement,
                   renderer.setBlueContrastEnhancement):
        ce = QgsContrastEnhancement(Qgis.DataType.Byte)
        ce.setContrastEnhancementAlgorithm(
            QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
        ce.setMinimumValue(115)
        ce.setMaximumValue(140)
        setter(ce)
    layer.setRenderer(renderer)
    return layer


def _warp(path, bounds, tile):
    """GDAL's own nearest-neighbour warp of the file to a web-mercator tile: RGB and its alpha."""
    from osgeo import gdal

    ds = gdal.Warp("", path, format="MEM", outputBounds=bounds, width=tile, height=tile, dstSRS="EPSG:3857",
                   resampleAlg="near", dstAlpha=True)
    arr = np.moveaxis(ds.ReadAsArray(), 0, -1)
    return arr[..., :3], arr[..., 3] > 0


def test_geotiff_in_another_crs_is_read_from_the_file_and_reprojected(qgis_app, tmp_path):
    """A UTM orthophoto on a web-mercator zoom grid (the study's case): the file's own values,
    reprojected; not its styled rendering."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    from aerocolor_plugin.capture.engine import CaptureConfig
    from aerocolor_plugin.capture.grid import zoom_grid
    from aerocolor_plugin.capture.render import LayerRef, TileReader

    path = _smooth_utm(str(tmp_path / "utm.tif"))
    layer = _stretched(_layer(path))
    out = tmp_path / "set"
    man = _capture(CaptureConfig(out=str(out), zooms=[19], tile=64, block=1), layer)
    # 400 m of UTM on 66 m tiles: a whole 4 x 4 inside, and a ring of part-covered tiles that are nodata.
    assert len(man["tiles"]) >= 16 and man["skipped"]["nodata"] >= 16
    for t in man["tiles"]:
        got = read_png(out / t["split"] / "B" / (t["id"] + ".png"))
        ref, inside = _warp(path, t["bounds"], 64)
        assert inside.mean() > 0.99, t["id"]
        assert np.abs(got[inside].astype(int) - ref[inside]).mean() < 2, t["id"]

    # A tile on the file's edge: what lies outside the file is no data, where GDAL's warp has none.
    grid = zoom_grid(19, 64)
    box = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:3857"),
                                 QgsProject.instance()).transformBoundingBox(layer.extent())
    col, row = grid.range_of((box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()))[:2]
    reader = TileReader(LayerRef.of(layer), grid, context=QgsProject.instance().transformContext())
    assert reader.mode == "provider"
    pixels, valid = reader.read(col, row)
    ref, inside = _warp(path, grid.bounds(col, row), 64)
    assert 0 < valid.sum() < valid.size
    assert (valid != inside).mean() < 0.02  # at most the odd pixel on the boundary
    both = valid & inside
    assert np.abs(pixels[both].astype(int) - ref[both]).mean() < 2
    # Beyond the file (as tiles in the corners of a large rotated file's box are): all no data.
    pixels, valid = reader.read(col - 1, row - 1)
    assert not valid.any() and pixels.shape == (64, 64, 3)


def test_polygon_aoi_takes_the_tiles_that_overlap_its_features(geotiff, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsRectangle, QgsVectorLayer

    from aerocolor_plugin.capture.aoi import aoi_from_layer

    path, src = geotiff
    layer = _layer(path)
    # An L of two thin rectangles in the raster's CRS, plus a polygon far away that adds nothing.
    poly = QgsVectorLayer("Polygon?crs=EPSG:32617", "aoi", "memory")
    x, y = ORIGIN
    feats = []
    for wkt in (f"POLYGON(({x + 1} {y - 1}, {x + 20} {y - 1}, {x + 20} {y - 2}, {x + 1} {y - 2}, {x + 1} {y - 1}))",
                f"POLYGON(({x + 1} {y - 1}, {x + 2} {y - 1}, {x + 2} {y - 13}, {x + 1} {y - 13}, {x + 1} {y - 1}))",
                f"POLYGON(({x + 900} {y + 900}, {x + 901} {y + 900}, {x + 901} {y + 901}, {x + 900} {y + 900}))"):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        feats.append(f)
    poly.dataProvider().addFeatures(feats)
    poly.updateExtents()
    man = _capture(_local_cfg(tmp_path / "set"), layer, aoi_from_layer(poly))
    got = {(t["col"], t["row"]) for t in man["tiles"]}
    union = QgsGeometry.unaryUnion([f.geometry() for f in feats])
    span = 6.4
    expected = set()
    for col in range(0, 4):
        for row in range(0, 3):
            cell = QgsGeometry.fromRect(QgsRectangle(x + col * span, y - (row + 1) * span,
                                                     x + (col + 1) * span, y - row * span))
            if union.intersection(cell).area() > 0:
                expected.add((col, row))
    # The grid starts on the raster's pixel corners; 500000 and 3300000 are whole multiples of
    # the 6.4 m tile span, so tile ids count from the CRS origin with no offset.
    c0, r0 = round(x / span), round(-y / span)
    assert len(expected) == 6 and got == {(c0 + c, r0 + r) for c, r in expected}
    for t in man["tiles"]:
        assert np.array_equal(read_png(tmp_path / "set" / t["split"] / "B" / (t["id"] + ".png")),
                              _source_window(src, t["bounds"], 64))


def test_capture_resumes_and_skips_tiles_on_disk(geotiff, tmp_path):
    from aerocolor.errors import Cancelled

    path, _ = geotiff
    layer = _layer(path)
    out = tmp_path / "set"
    seen = []

    def progress(done, total, counts):
        seen.append(counts["written"])

    with pytest.raises(Cancelled):
        _capture(_local_cfg(out, layout="aligned"), layer, progress=progress,
                 is_cancelled=lambda: len(seen) >= 5)
    assert not (out / "manifest.json").exists()
    first = {p: os.path.getmtime(p) for p in (str(q) for q in out.rglob("*.png"))}
    assert 1 <= len(first) <= 5
    man = _capture(_local_cfg(out, layout="aligned", retries=5), layer)  # retries may change on resume
    assert man["capture"]["resumed"] == len(first)
    assert man["capture"]["written"] == 12 - len(first)
    assert all(os.path.getmtime(p) == m for p, m in first.items())  # not written again
    again = _capture(_local_cfg(out, layout="aligned"), layer)
    assert again["capture"]["resumed"] == 12 and again["capture"]["written"] == 0
    assert [t["id"] for t in again["tiles"]] == [t["id"] for t in man["tiles"]]


def test_bad_input_is_one_sentence_and_overwrites_nothing(geotiff, tmp_path, qgis_app):
    from qgis.core import QgsRectangle

    from aerocolor.errors import BadInput
    from aerocolor_plugin.capture.aoi import aoi_from_rect
    from aerocolor_plugin.capture.engine import CaptureConfig
    from aerocolor_plugin.capture.render import LayerError, LayerRef

    path, _ = geotiff
    layer = _layer(path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(BadInput, match="another dataset"):
        _capture(_local_cfg(other), layer)
    assert os.listdir(other) == ["notes.txt"] and (other / "notes.txt").read_text() == "keep me"

    far = aoi_from_rect(QgsRectangle(0, 0, 10, 10), layer.crs())
    with pytest.raises(BadInput, match="does not overlap"):
        _capture(_local_cfg(tmp_path / "a"), layer, far)
    assert not (tmp_path / "a").exists()

    # Zoom 18 over most of Taiwan: millions of tiles, refused before anything is fetched or written.
    from qgis.core import QgsCoordinateReferenceSystem

    xyz = _layer("type=xyz&url=http://127.0.0.1:9/{z}/{x}/{y}.png&zmax=19", "wms")
    taiwan = aoi_from_rect(QgsRectangle(120.0, 22.0, 122.0, 25.3), QgsCoordinateReferenceSystem("EPSG:4326"))
    with pytest.raises(BadInput, match=r"zoom 18 over this area makes about [\d,]{9} tiles"):
        _capture(CaptureConfig(out=str(tmp_path / "b"), zooms=[15, 18]), xyz, taiwan)
    assert not (tmp_path / "b").exists()

    broken = LayerRef(str(tmp_path / "gone.tif"), "gdal", "gone")
    with pytest.raises(LayerError, match="failed to load"):
        broken.open()
    from qgis.core import QgsProject

    from aerocolor_plugin.capture.engine import run_capture

    with pytest.raises(BadInput, match="failed to load"):
        run_capture(_local_cfg(tmp_path / "c"), broken, aoi_from_rect(layer.extent(), layer.crs()),
                    QgsProject.instance().transformContext())

    done = tmp_path / "done"
    _capture(_local_cfg(done), layer)
    before = sorted(str(p) for p in done.rglob("*"))
    with pytest.raises(BadInput, match="other settings .*layout"):
        _capture(_local_cfg(done, layout="aligned"), layer)
    assert sorted(str(p) for p in done.rglob("*")) == before


def test_a_grey_layer_as_the_colour_source_is_refused_before_any_tile(geotiff, tmp_path, qgis_iface):
    from conftest import write_geotiff
    from qgis.core import QgsProject

    from aerocolor.errors import BadInput
    from aerocolor_plugin.docks.capture_dock import CaptureDock

    old = np.random.default_rng(3).integers(0, 256, (200, 264), dtype=np.uint8)
    grey = _layer(write_geotiff(str(tmp_path / "photo_1975.tif"), old,
                                geotransform=(ORIGIN[0], RES, 0.0, ORIGIN[1], 0.0, -RES)))
    with pytest.raises(BadInput, match=r"^src is grey; choose a colour layer as the source and .* historical layer\.$"):
        _capture(_local_cfg(tmp_path / "set"), grey)
    assert not (tmp_path / "set").exists()

    QgsProject.instance().addMapLayer(grey)
    dock = CaptureDock(None, qgis_iface)
    # The dock's colour list leaves grey layers out (the historical list offers them).
    dock.layer.setLayer(grey)
    assert dock.layer.currentLayer() is not grey
    dock.historical.setLayer(grey)
    assert dock.historical.currentLayer() is grey
    dock.output.setFilePath(str(tmp_path / "dock"))
    assert dock.show_estimate() is None and "Choose a raster layer" in dock.status.text()
    assert not dock.start() and not (tmp_path / "dock").exists()
    dock.shutdown()
    dock.deleteLater()


def test_capture_dock_takes_a_local_rasters_own_grid(geotiff, tmp_path, qgis_iface):
    from qgis.core import QgsProject

    from aerocolor_plugin.docks.capture_dock import CaptureDock

    path, _ = geotiff
    layer = _layer(path)
    QgsProject.instance().addMapLayer(layer)
    dock = CaptureDock(None, qgis_iface)
    dock.layer.setLayer(layer)
    # Not web-mercator zooms and 0.5 units/px: the file's own CRS and pixel size.
    assert dock.grid_mode.currentData() == "gsd" and dock.gsd.value() == pytest.approx(RES)
    assert not dock.crs.crs().isValid()  # the layer's CRS
    dock.shutdown()
    dock.deleteLater()


# -- XYZ over HTTP ------------------------------------------------------------------------
Z = 15
X0, Y0 = 27435, 14020  # near Taipei


def _xyz_aoi(cols, rows):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    from aerocolor_plugin.capture.aoi import aoi_from_rect
    from aerocolor_plugin.capture.grid import zoom_grid

    g = zoom_grid(Z)
    a, b = g.bounds(X0, Y0 + rows - 1), g.bounds(X0 + cols - 1, Y0)
    # a hair inside the tile edges, as a user would draw it
    return aoi_from_rect(QgsRectangle(a[0] + 3, a[1] + 3, b[2] - 3, b[3] - 3), QgsCoordinateReferenceSystem("EPSG:3857"))


def test_xyz_capture_matches_served_tiles_and_skips_blank_and_missing(server, tmp_path):
    from aerocolor_plugin.capture.engine import CaptureConfig

    server.blank.add((Z, X0 + 1, Y0))
    server.missing.add((Z, X0 + 2, Y0 + 1))
    server.flaky.add((Z, X0, Y0 + 1))
    layer = _layer(server.uri(), "wms", rights="© Loopback Tiles")
    out = tmp_path / "xyz"
    cfg = CaptureConfig(out=str(out), zooms=[Z], layout="unpaired", retries=1, retry_wait_s=0.05, block=1)
    man = _capture(cfg, layer, _xyz_aoi(3, 2))
    assert man["skipped"] == {"blank": 1, "nodata": 0, "missing": 1}
    ids = {t["id"] for t in man["tiles"]}
    assert ids == {f"z{Z}_{X0 + c}_{Y0 + r}" for c in range(3) for r in range(2)} - {
        f"z{Z}_{X0 + 1}_{Y0}", f"z{Z}_{X0 + 2}_{Y0 + 1}"}
    for t in man["tiles"]:
        got = read_png(out / (t["split"] + "B") / (t["id"] + ".png"))
        assert got.std() > 10  # not blank
        assert np.array_equal(got, server.pixels((Z, t["x"], t["y"]))), t["id"]
        assert read_png(out / (t["split"] + "A") / (t["id"] + ".png")).ndim == 2
    # the flaky tile failed once and was fetched again; the missing one was tried a bounded number of times
    assert server.requests[(Z, X0, Y0 + 1)] >= 2
    assert 2 <= server.requests[(Z, X0 + 2, Y0 + 1)] <= 24
    assert sum(server.requests.values()) < 80
    src = man["sources"][0]
    assert src["attribution"] == "© Loopback Tiles" and "127.0.0.1" in src["uri"]
    assert src["crs_authid"] == "EPSG:3857" and src["gsd_units"] == "metre"
    assert man["gsd"] == pytest.approx(2 * math.pi * 6378137 / 2 ** Z / 256 * math.cos(math.radians(25.04)), rel=0.01)

    # Run again: the blank tile is remembered, not fetched (and retried) again; the missing one is
    # tried again, since a network layer may serve it now. (QGIS's network cache may answer a
    # repeated request, so the server's count cannot show the blank tile was skipped.)
    before = dict(server.requests)
    again = _capture(cfg, layer, _xyz_aoi(3, 2))
    assert again["skipped"] == man["skipped"] and again["capture"]["resumed"] == len(man["tiles"])
    assert again["capture"]["attempts"] == 1 + cfg.retries  # the missing tile's tries only
    assert server.requests[(Z, X0 + 2, Y0 + 1)] > before[(Z, X0 + 2, Y0 + 1)]


def test_a_network_layer_that_serves_nothing_stops_early_and_keeps_tiles_on_disk(server, tmp_path):
    """A server that is down (every tile 404) stops the capture after its first few tiles, not after
    every tile's retries and timeouts; tiles already captured stay on disk for a later resume."""
    from aerocolor.errors import BadInput, Cancelled
    from aerocolor_plugin.capture.engine import GIVE_UP_AFTER, CaptureConfig

    layer = _layer(server.uri(), "wms")
    out = tmp_path / "xyz"
    cfg = CaptureConfig(out=str(out), zooms=[Z], retries=0, block=1)
    aoi = _xyz_aoi(6, 5)  # 30 tiles
    message = rf"^src returned none of the first {GIVE_UP_AFTER} tiles it was asked for; check the connection"

    def tiles_done(seen):
        return lambda done, total, counts: seen.append(done)

    server.down = True
    seen = []
    with pytest.raises(BadInput, match=message):
        _capture(cfg, layer, aoi, progress=tiles_done(seen))
    assert len(seen) == GIVE_UP_AFTER - 1  # the last one raised; 22 tiles were never asked for

    # Up again for the first three tiles only: QGIS caches the neighbours a render fetches, and a
    # cached tile would answer below although the server is down.
    server.down = False
    first = {(Z, X0 + c, Y0) for c in range(3)}
    server.missing = {(Z, x, y) for x in range(X0 - 1, X0 + 8) for y in range(Y0 - 1, Y0 + 7)} - first
    written = []
    with pytest.raises(Cancelled):
        _capture(cfg, layer, aoi, progress=lambda d, t, c: written.append(c["written"]),
                 is_cancelled=lambda: written and written[-1] >= 3)
    kept = {p: os.path.getmtime(p) for p in (str(q) for q in out.rglob("*.png"))}
    assert {os.path.basename(p) for p in kept} == {f"z{z}_{x}_{y}.png" for z, x, y in first}  # A and B

    server.down = True
    seen = []
    with pytest.raises(BadInput, match=message):
        _capture(cfg, layer, aoi, progress=tiles_done(seen))
    assert len(seen) == 3 + GIVE_UP_AFTER - 1  # the tiles on disk are passed over, not counted as missing
    assert {p: os.path.getmtime(p) for p in (str(q) for q in out.rglob("*.png"))} == kept


def test_capture_task_and_processing_algorithm(server, tmp_path, qgis_app):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject

    from aerocolor_plugin.capture.engine import CaptureConfig
    from aerocolor_plugin.capture.render import LayerRef
    from aerocolor_plugin.capture.task import CaptureTask
    from aerocolor_plugin.processing.capture_algorithm import CaptureAlgorithm

    layer = _layer(server.uri(), "wms")
    QgsProject.instance().addMapLayer(layer)
    task = CaptureTask(CaptureConfig(out=str(tmp_path / "task"), zooms=[Z], block=1), LayerRef.of(layer),
                       _xyz_aoi(2, 2), QgsProject.instance().transformContext())
    results, counted = [], []
    task.done.connect(lambda ok, msg, man: results.append((ok, msg, man)))
    task.counted.connect(lambda d, t, c: counted.append(d))
    QgsApplication.taskManager().addTask(task)
    assert wait_until(lambda: results, 60)
    ok, msg, man = results[0]
    assert ok, msg
    assert len(man["tiles"]) == 4 and counted[-1] == 4 and "4 tiles" in msg

    from aerocolor_plugin.processing.provider import AeroColorProvider

    provider = AeroColorProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        registered = QgsApplication.processingRegistry().algorithmById("aerocolor:capture")
        assert registered is not None and registered.displayName() == "Capture training tiles"
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
    alg = CaptureAlgorithm()
    alg.initAlgorithm()
    b = _xyz_aoi(2, 1).bbox()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    params = {"INPUT": layer, "EXTENT": f"{b.xMinimum()},{b.xMaximum()},{b.yMinimum()},{b.yMaximum()} [EPSG:3857]",
              "GRID": 0, "ZOOMS": str(Z), "TILE": 256, "FORMAT": 2, "LAYOUT": 0, "OUTPUT": str(tmp_path / "alg")}
    out, ok = alg.run(params, context, QgsProcessingFeedback())
    assert ok, out
    with open(tmp_path / "alg" / "manifest.json") as fh:
        m = json.load(fh)
    assert len(m["tiles"]) == 2 and m["config"]["fmt"] == "tiff" and m["config"]["layout"] == "aligned"
    t = m["tiles"][0]
    from osgeo import gdal

    ds = gdal.Open(str(tmp_path / "alg" / t["split"] / (t["id"] + ".tif")))
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (512, 256, 3)
    assert out["TILES"] == 2 and out["OUTPUT"] == str(tmp_path / "alg")


def test_captured_set_trains_one_epoch(geotiff, tmp_path):
    from conftest import run_cli

    path, _ = geotiff
    out = tmp_path / "set"
    man = _capture(_local_cfg(out, val_fraction=0.0, test_fraction=0.0), _layer(path))
    assert man["counts"]["train"] == 12
    run = tmp_path / "run"
    proc = run_cli("train", "--data", str(out), "--run", str(run), "--tile", "64", "--ngf", "8", "--ndf", "8",
                   "--epochs", "1", "--decay-epochs", "0", "--device", "cpu", "--threads", "2", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert os.path.isfile(run / "checkpoints" / "latest.pt")
    with open(run / "events.jsonl") as fh:
        events = [json.loads(line) for line in fh]
    # The whole epoch: one step per captured tile at batch 1, the last of them reported.
    steps = [e for e in events if e["type"] == "progress" and e.get("stage") == "train"]
    assert steps[-1]["steps"] == man["counts"]["train"] and steps[-1]["step"] == steps[-1]["steps"]
    assert steps[-1]["epoch"] == 1 and steps[-1]["fraction"] == pytest.approx(1.0)
    assert any(e["type"] == "metrics" and e["epoch"] == 1 for e in events)
    # The manifest's resolution and extent reach the model's card, as for 'aerocolor dataset' sets.
    info = run_cli("info", str(run / "checkpoints" / "latest.pt"), "--json", timeout=120)
    card = json.loads(info.stdout)
    assert card["gsd"] == RES and card["gsd_units"] == "metre" and card["data"]["kind"] == "capture"
    assert card["data"]["extent"]["crs"] == "EPSG:32617"
    assert card["data"]["extent"]["xmin"] == pytest.approx(ORIGIN[0])


def test_capture_dock_estimates_asks_and_captures(server, tmp_path, qgis_iface):
    from qgis.core import QgsProject

    from aerocolor_plugin.docks.capture_dock import CaptureDock

    layer = _layer(server.uri(), "wms")
    QgsProject.instance().addMapLayer(layer)
    dock = CaptureDock(None, qgis_iface)
    dock.layer.setLayer(layer)
    aoi = _xyz_aoi(2, 2)
    dock.set_rectangle(aoi.bbox(), aoi.crs)
    # The drawn area stays on the map, and its size says its units.
    assert dock.rect_label.text().endswith(" m (EPSG:3857)")
    assert dock.rect_band is not None and dock.rect_band.asGeometry().boundingBox().contains(aoi.bbox())
    dock.zooms.setText(str(Z))
    assert dock.show_estimate() is None and "folder" in dock.status.text()
    dock.output.setFilePath(str(tmp_path / "dock"))
    assert dock.show_estimate() == 4 and "4 tiles" in dock.status.text()
    dock.zooms.setText("15-16")
    assert dock.show_estimate() == 4 + 16

    asked = []
    dock.confirm_above = 10
    dock.confirm = lambda text: asked.append(text) or False
    assert not dock.start() and asked and "20 tiles" in asked[0]
    assert not (tmp_path / "dock").exists()
    dock.confirm = lambda text: True
    assert dock.start()
    assert wait_until(lambda: dock.task is None, 60)
    assert dock.last_manifest is not None and len(dock.last_manifest["tiles"]) == 20, dock.status.text()
    assert "20 tiles" in dock.status.text()
    dock.shutdown()
    dock.deleteLater()


@pytest.mark.parametrize("role", ["unpaired", "test"])
@pytest.mark.parametrize("stored", ["grey", "rgb"])
def test_historical_layer_gives_the_a_set_or_test_tiles(geotiff, tmp_path, role, stored):
    """The historical photo becomes grey tiles; one scanned or stored as RGB is made grey by the
    backend's formula (as the colour->grey A tiles are), not cut down to its red band."""
    from conftest import write_geotiff

    from aerocolor.data.layout import grey_of
    from aerocolor_plugin.capture.render import LayerRef

    path, src = geotiff
    rng = np.random.default_rng(3)
    old = rng.integers(0, 256, (200, 264) if stored == "grey" else (3, 200, 264), dtype=np.uint8)
    hist = _layer(write_geotiff(str(tmp_path / "photo_1975.tif"), old,
                                geotransform=(ORIGIN[0], RES, 0.0, ORIGIN[1], 0.0, -RES)))
    photo = old[..., None] if stored == "grey" else np.moveaxis(old, 0, -1)
    out = tmp_path / role
    man = _capture(_local_cfg(out, layout="unpaired", historical_role=role), _layer(path),
                   historical=LayerRef.of(hist))
    assert len(man["tiles"]) == 12 and man["sources"][1]["role"] == "historical_" + role
    for t in man["tiles"]:
        window = _source_window(photo, t["bounds"], 64)
        window = window[..., 0] if stored == "grey" else (grey_of(window)[..., 0] * 255 + 0.5).astype(np.uint8)
        a = read_png(out / (t["split"] + "A") / (t["id"] + ".png"))
        if role == "unpaired":  # the grey set is the historical photo itself
            assert np.array_equal(a, window)
        else:                   # grey of the colour tile; the photo goes to historical/
            assert not np.array_equal(a, window)
            assert np.array_equal(read_png(out / "historical" / (t["id"] + ".png")), window)
        assert np.array_equal(read_png(out / (t["split"] + "B") / (t["id"] + ".png")),
                              _source_window(src, t["bounds"], 64))


# -- declared nodata ------------------------------------------------------------------------
def _with_nodata(tmp_path, all_bands_block=None):
    """A 3-band GeoTIFF (256 x 256, 4 x 4 tiles of 64 px) that declares nodata 255 on every band,
    as the bundled NEON sample does: 2 % of its pixels have one band at 255 (real data, not gaps);
    ``all_bands_block`` (rows, cols slices) are true nodata, 255 in every band."""
    from conftest import write_geotiff

    rng = np.random.default_rng(3)
    arr = rng.integers(0, 255, (3, 256, 256), dtype=np.uint8)  # 0..254: no 255 by chance
    flat = rng.choice(256 * 256, int(0.02 * 256 * 256), replace=False)
    arr[rng.integers(0, 3, flat.size), flat // 256, flat % 256] = 255
    if all_bands_block is not None:
        arr[(slice(None),) + all_bands_block] = 255
    return write_geotiff(str(tmp_path / "nodata.tif"), arr, nodata=255,
                         geotransform=(ORIGIN[0], RES, 0.0, ORIGIN[1], 0.0, -RES)), np.moveaxis(arr, 0, -1)


def test_a_declared_nodata_value_marks_only_pixels_where_every_band_holds_it(qgis_app, tmp_path):
    path, src = _with_nodata(tmp_path)
    out = tmp_path / "set"
    man = _capture(_local_cfg(out), _layer(path))
    # Before: any band at 255 made the pixel nodata and every one of the 16 tiles was refused.
    assert len(man["tiles"]) == 16 and man["skipped"]["nodata"] == 0
    for t in man["tiles"]:
        colour = read_png(out / t["split"] / "B" / (t["id"] + ".png"))
        assert np.array_equal(colour, _source_window(src, t["bounds"], 64))
    clear_project()


def test_tiles_above_the_nodata_share_are_skipped_with_the_share_said_and_a_resume_can_admit_them(
        qgis_app, tmp_path):
    from aerocolor.errors import BadInput

    # One tile (the top-left) is 25 % true nodata (its 32 x 32 corner); the others have none.
    path, _ = _with_nodata(tmp_path, (slice(0, 32), slice(0, 32)))
    layer = _layer(path)
    out = tmp_path / "set"
    man = _capture(_local_cfg(out), layer)
    assert len(man["tiles"]) == 15 and man["skipped"]["nodata"] == 1
    assert man["capture"]["nodata_skipped"]["least_share"] == pytest.approx(0.25)
    assert "25 %" in man["capture"]["nodata_advice"] and "1 %" in man["capture"]["nodata_advice"]
    # A larger share on the same folder resumes it and fetches only the tile it now admits.
    again = _capture(_local_cfg(out, max_nodata=0.3), layer)
    assert len(again["tiles"]) == 16 and again["skipped"]["nodata"] == 0
    assert again["capture"]["resumed"] == 15 and again["capture"]["written"] == 1
    # When nothing is usable, the refusal says how much of the tiles was nodata.
    only = tmp_path / "only"
    aoi_rect = _corner_aoi(layer)
    with pytest.raises(BadInput, match=r"1 tiles were skipped for nodata: 25 % to 25 % .* more than the 1 %"):
        _capture(_local_cfg(only), layer, aoi=aoi_rect)
    clear_project()


def _corner_aoi(layer):
    """The top-left 64 px tile of the layer, inset so that no neighbour is touched."""
    from qgis.core import QgsRectangle

    from aerocolor_plugin.capture.aoi import aoi_from_rect

    e = layer.extent()
    return aoi_from_rect(QgsRectangle(e.xMinimum() + 1, e.yMaximum() - 6.3, e.xMinimum() + 6.3, e.yMaximum() - 1),
                         layer.crs())


def test_nodata_switched_off_in_the_layer_properties_is_honoured_by_capture(qgis_app, tmp_path):
    path, src = _with_nodata(tmp_path, (slice(0, 32), slice(0, 32)))
    layer = _layer(path)
    layer.dataProvider().setUseSourceNoDataValue(1, False)
    layer.dataProvider().setUseSourceNoDataValue(2, False)
    layer.dataProvider().setUseSourceNoDataValue(3, False)
    man = _capture(_local_cfg(tmp_path / "set"), layer)
    assert len(man["tiles"]) == 16 and man["skipped"]["nodata"] == 0
    clear_project()


def test_the_bundled_colour_sample_is_captured_despite_its_declared_nodata(qgis_app, tmp_path):
    """The first thing a new user tries: osbs_029_colour.tif declares NoData=255 on every band."""
    from qgis.core import QgsRectangle

    from aerocolor_plugin.capture.aoi import aoi_from_rect
    from aerocolor_plugin.capture.engine import CaptureConfig

    sample = os.path.join(os.path.dirname(__file__), "..", "backend", "aerocolor", "assets", "sample",
                          "osbs_029_colour.tif")
    layer = _layer(sample)
    e = layer.extent()
    # 4 x 4 tiles of 64 px from the top-left corner, where the grid is snapped to the file's pixels.
    aoi = aoi_from_rect(QgsRectangle(e.xMinimum() + 0.5, e.yMaximum() - 25.1, e.xMinimum() + 25.1, e.yMaximum() - 0.5),
                        layer.crs())
    man = _capture(CaptureConfig(out=str(tmp_path / "set"), gsd=0.1, tile=64, block=1), layer, aoi=aoi)
    assert len(man["tiles"]) == 16 and man["skipped"]["nodata"] == 0
    clear_project()


def test_a_split_asked_for_but_left_empty_is_said(geotiff, tmp_path):
    """12 tiles in blocks of 4 x 4 are one or two blocks: val and test shares of 0.1 get none."""
    path, _ = geotiff
    man = _capture(_local_cfg(tmp_path / "set", block=4, val_fraction=0.1, test_fraction=0.1), _layer(path))
    warnings = man["capture"]["split_warnings"]
    empty = [s for s in ("val", "test") if man["counts"][s] == 0]
    assert empty and len(warnings) == len(empty)
    assert all("choose a smaller block or a larger area" in w for w in warnings)
    # With one tile a block the same shares find tiles, and nothing is said.
    again = _capture(_local_cfg(tmp_path / "small", val_fraction=0.25, test_fraction=0.25), _layer(path))
    assert again["capture"]["split_warnings"] == []


def test_a_capture_whose_folder_disappears_stops_in_one_sentence_and_makes_no_new_folder(geotiff, tmp_path):
    """The folder is deleted after the third tile: the capture stops with the disk error, says what
    happened and what to do, and does not quietly make a new folder of the remaining tiles."""
    import shutil

    from aerocolor.errors import DiskError

    path, _ = geotiff
    out = tmp_path / "set"

    def progress(done, total, counts):
        if done == 3:
            shutil.rmtree(out)

    with pytest.raises(DiskError, match=r"disappeared during the capture .* run the capture again") as err:
        _capture(_local_cfg(out), _layer(path), progress=progress)
    assert str(out) in err.value.message and err.value.exit_code == 4
    assert not out.exists()
    man = _capture(_local_cfg(out), _layer(path))     # run again: a whole set, every listed tile there
    assert man["capture"]["written"] == 12
    from aerocolor.data import layout

    assert len(man["tiles"]) == 12
    for t in man["tiles"]:
        assert all(os.path.isfile(p) for p in layout.tile_paths(str(out), "pairs", t["split"], t["id"]).values())


def test_capture_sentences_are_in_the_users_language(geotiff, tmp_path):
    """In zh_TW the capture's refusals and warnings are Chinese (they were English in the zh_TW walk-through)."""
    from qgis.core import QgsRectangle
    from qgis.PyQt.QtCore import QCoreApplication

    from aerocolor.errors import BadInput
    from aerocolor_plugin.capture.aoi import aoi_from_rect, shown
    from aerocolor_plugin.capture.engine import CaptureConfig, empty_splits
    from aerocolor_plugin.i18n_util import install_translator

    layer = _layer(geotiff[0])
    far = aoi_from_rect(QgsRectangle(0, 0, 10, 10), layer.crs())
    translator = install_translator("zh_TW")
    try:
        with pytest.raises(BadInput) as err:
            _capture(_local_cfg(tmp_path / "a"), layer, far)
        warning = empty_splits(CaptureConfig(out="x", val_fraction=0.1), {"train": 4})[0]
        area = shown(far)
    finally:
        QCoreApplication.removeTranslator(translator)
    assert "關注區域" in err.value.message and "src" in err.value.message
    assert "val" in warning and "區塊" in warning
    assert area == "繪製的矩形" and far.to_dict()["description"] == "rectangle"   # the request stays English
