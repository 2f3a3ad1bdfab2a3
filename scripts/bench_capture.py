#!/usr/bin/env python3
"""Capture speed: tiles per second from a local GeoTIFF and from a loopback XYZ server.

Beside each capture, QGIS's bare render of the same tiles (QgsMapSettings + a parallel
render job per tile, nothing written) is timed in the same run; the ratio is our whole
capture (read or render, checks, grey, two PNG files a tile, manifest) over that baseline.
A third row, render + QImage.save as PNG, shows what a plain one-file-a-tile export costs.

Network passes start cold: every pass gets its own server port, so neither QGIS's tile
cache nor its network cache can serve it from an earlier pass.

  QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_capture.py
  QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_capture.py --side 8 --repeats 2
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [REPO, os.path.join(REPO, "tests")]

import numpy as np  # noqa: E402

NEON = os.path.join(REPO, "sample_data", "neon", "2019_YELL_2_528000_4978000_image_crop2.png")


def local_raster(folder: str, side_px: int) -> tuple:
    """A georeferenced 8-bit RGB GeoTIFF: the NEON Yellowstone orthophoto if present, else texture."""
    from osgeo import gdal, osr

    from capture_support import tile_pixels

    if os.path.isfile(NEON):
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = None
        with Image.open(NEON) as im:
            arr = np.asarray(im.convert("RGB"))[:side_px, :side_px]
        what, epsg, origin = "NEON YELL 0.1 m (real)", 32612, (528000.0, 4978000.0)
    else:
        arr = np.concatenate([np.concatenate([tile_pixels(5, x, y) for x in range(side_px // 256)], 1)
                              for y in range(side_px // 256)], 0)
        what, epsg, origin = "synthetic texture", 32617, (500000.0, 3300000.0)
    path = os.path.join(folder, "ortho.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, arr.shape[1], arr.shape[0], 3, gdal.GDT_Byte, ["TILED=YES"])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetGeoTransform((origin[0], 0.1, 0, origin[1], 0, -0.1))
    for i in range(3):
        ds.GetRasterBand(i + 1).WriteArray(arr[..., i])
    ds = None
    return path, what


def bare_render(layer, grid, tiles) -> float:
    """QGIS alone: one parallel render job per tile at its exact extent, pixels copied out, nothing kept."""
    from qgis.core import QgsCoordinateReferenceSystem

    from aerocolor_plugin.capture.render import map_settings, render_tile

    ms = map_settings(layer, QgsCoordinateReferenceSystem(grid.crs), grid.tile)
    t = time.perf_counter()
    for col, row in tiles:
        render_tile(ms, grid.bounds(col, row))
    return time.perf_counter() - t


def render_and_save(layer, grid, tiles, folder: str) -> float:
    """QGIS render plus QImage.save as PNG per tile: what a plain tile export does (no grey, no checks)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsMapRendererParallelJob, QgsRectangle

    from aerocolor_plugin.capture.render import map_settings

    os.makedirs(folder, exist_ok=True)
    ms = map_settings(layer, QgsCoordinateReferenceSystem(grid.crs), grid.tile)
    t = time.perf_counter()
    for col, row in tiles:
        ms.setExtent(QgsRectangle(*grid.bounds(col, row)))
        job = QgsMapRendererParallelJob(ms)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(os.path.join(folder, f"{col}_{row}.png"), "PNG")
    return time.perf_counter() - t


def ours(cfg, layer, aoi) -> tuple:
    from qgis.core import QgsProject

    from aerocolor_plugin.capture.engine import run_capture
    from aerocolor_plugin.capture.render import LayerRef

    t = time.perf_counter()
    man = run_capture(cfg, LayerRef.of(layer), aoi, QgsProject.instance().transformContext())
    return time.perf_counter() - t, len(man["tiles"]) + sum(man["skipped"].values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--side", type=int, default=8, help="tiles per side of the area (side x side tiles)")
    ap.add_argument("--repeats", type=int, default=2, help="passes per row; the fastest counts")
    args = ap.parse_args()

    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsProject, QgsRasterLayer,
                           QgsRectangle)

    app = QgsApplication([], False)
    app.initQgis()
    from aerocolor_plugin.capture.aoi import aoi_from_rect
    from aerocolor_plugin.capture.engine import CaptureConfig, plan_capture
    from capture_support import TileServer

    work = tempfile.mkdtemp(prefix="bench_capture_")
    rows = []
    try:
        # -- local GeoTIFF at its own resolution (provider reads) --------------------------
        path, what = local_raster(work, args.side * 256)
        layer = QgsRasterLayer(path, "ortho", "gdal")
        aoi = aoi_from_rect(layer.extent(), layer.crs())
        base_cfg = dict(gsd=0.1, tile=256, layout="pairs")
        plan = plan_capture(CaptureConfig(out="x", **base_cfg), layer.crs(), layer.extent(), aoi,
                            QgsProject.instance().transformContext())
        grid, tiles = plan.grids[0], [(c, r) for _, c, r in plan.tiles()]
        bare = min(bare_render(layer, grid, tiles) for _ in range(args.repeats))
        saved = min(render_and_save(layer, grid, tiles, os.path.join(work, f"png{i}")) for i in range(args.repeats))
        best = None
        for i in range(args.repeats):
            out = os.path.join(work, f"local{i}")
            secs, n = ours(CaptureConfig(out=out, **base_cfg), layer, aoi)
            best = secs if best is None else min(best, secs)
        rows.append((f"GeoTIFF ({what})", "QGIS bare render", len(tiles), bare))
        rows.append((f"GeoTIFF ({what})", "QGIS render + PNG", len(tiles), saved))
        rows.append((f"GeoTIFF ({what})", "AeroColor capture", n, best))

        # -- XYZ over loopback HTTP, zoom 15, cold caches ---------------------------------
        from aerocolor_plugin.capture.grid import zoom_grid

        z, x0, y0 = 15, 27435, 14020
        g = zoom_grid(z)
        a, b = g.bounds(x0, y0 + args.side - 1), g.bounds(x0 + args.side - 1, y0)
        xyz_aoi = aoi_from_rect(QgsRectangle(a[0] + 1, a[1] + 1, b[2] - 1, b[3] - 1),
                                QgsCoordinateReferenceSystem("EPSG:3857"))
        xyz_tiles = list(g.tiles((a[0] + 1, a[1] + 1, b[2] - 1, b[3] - 1)))
        bare_x, saved_x, ours_x, requests = [], [], [], 0
        for i in range(args.repeats):
            with TileServer() as srv:
                lyr = QgsRasterLayer(srv.uri(), "xyz", "wms")
                bare_x.append(bare_render(lyr, g, xyz_tiles))
            with TileServer() as srv:
                lyr = QgsRasterLayer(srv.uri(), "xyz", "wms")
                saved_x.append(render_and_save(lyr, g, xyz_tiles, os.path.join(work, f"xpng{i}")))
            with TileServer() as srv:
                lyr = QgsRasterLayer(srv.uri(), "xyz", "wms")
                secs, n = ours(CaptureConfig(out=os.path.join(work, f"xyz{i}"), zooms=[z], layout="pairs"),
                               lyr, xyz_aoi)
                ours_x.append(secs)
                requests = sum(srv.requests.values())
        rows.append(("XYZ loopback (zoom 15)", "QGIS bare render", len(xyz_tiles), min(bare_x)))
        rows.append(("XYZ loopback (zoom 15)", "QGIS render + PNG", len(xyz_tiles), min(saved_x)))
        rows.append(("XYZ loopback (zoom 15)", "AeroColor capture", n, min(ours_x)))
    finally:
        QgsProject.instance().clear()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nCapture speed, {args.side}x{args.side} tiles of 256 px, best of {args.repeats}; "
          f"{os.cpu_count()} CPUs; QGIS {__import__('qgis.core', fromlist=['Qgis']).Qgis.QGIS_VERSION}")
    print(f"{'source':34s} {'method':18s} {'tiles':>6s} {'seconds':>8s} {'tiles/s':>8s} {'ratio':>6s}")
    for i, (src, method, n, secs) in enumerate(rows):
        first = rows[i - i % 3]  # each source's bare render is its baseline
        baseline = first[3] / first[2]
        ratio = (secs / n) / baseline
        print(f"{src:34s} {method:18s} {n:6d} {secs:8.2f} {n / secs:8.1f} {ratio:6.2f}")
    print(f"(ratio: seconds per tile over QGIS's bare render of the same tiles; the XYZ capture made "
          f"{requests} HTTP requests for {len(xyz_tiles)} tiles, neighbours included)")
    app.exitQgis()


if __name__ == "__main__":
    main()
