#!/usr/bin/env python3
"""A folder of rasters colorized as one job (`aerocolor colorize --out-dir`) against one CLI run per raster.

The rasters are generated here (textured grey GeoTIFFs of mixed sizes); the model is the bundled default
unless --model names another. Both ways run in fresh processes, one after the other, and write into their
own folders; the pixels of the two must be equal (checked). Printed: files, megapixels, seconds, files per
minute and the ratio of the separate runs' time to the one job's.

  .venv/bin/python scripts/bench_archive.py                       # 40 small rasters (0.02-0.3 MP)
  .venv/bin/python scripts/bench_archive.py --count 10 --max-mp 4 # fewer, larger
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))


def make_rasters(folder: str, count: int, min_mp: float, max_mp: float, seed: int = 0) -> list:
    from osgeo import gdal, osr

    rng = np.random.default_rng(seed)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32617)
    paths = []
    for i in range(count):
        mp = min_mp * (max_mp / min_mp) ** (i / max(count - 1, 1))      # sizes spread evenly on a log scale
        side = int((mp * 1e6) ** 0.5)
        h, w = side, int(side * rng.uniform(0.7, 1.4))
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        arr = 128 + 60 * np.sin(xx / rng.uniform(9, 40)) * np.cos(yy / rng.uniform(9, 40)) + rng.normal(0, 12, (h, w))
        path = os.path.join(folder, f"frame_{i:03d}.tif")
        ds = gdal.GetDriverByName("GTiff").Create(path, w, h, 1, gdal.GDT_Byte, ["COMPRESS=DEFLATE", "TILED=YES"])
        ds.SetProjection(srs.ExportToWkt())
        ds.SetGeoTransform((500000.0 + 1000 * i, 0.1, 0.0, 3300000.0, 0.0, -0.1))
        ds.GetRasterBand(1).WriteArray(np.clip(arr, 0, 255).astype(np.uint8))
        ds = None
        paths.append(path)
    return paths


def cli(*args: str) -> float:
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-m", "aerocolor", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--min-mp", type=float, default=0.02)
    ap.add_argument("--max-mp", type=float, default=0.3)
    ap.add_argument("--model", help="checkpoint (default: the bundled default model)")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    from osgeo import gdal

    from aerocolor.assets import default_model

    model = args.model or default_model()
    common = ["--model", model, "--no-overviews", "--threads", str(args.threads)]
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "in"))
        inputs = make_rasters(os.path.join(tmp, "in"), args.count, args.min_mp, args.max_mp)
        mp = sum(gdal.Open(p).RasterXSize * gdal.Open(p).RasterYSize for p in inputs) / 1e6
        one, each = os.path.join(tmp, "one"), os.path.join(tmp, "each")
        os.makedirs(one)
        os.makedirs(each)
        t_one = cli("colorize", *common, "--out-dir", one, *inputs)
        t_each = sum(cli("colorize", *common, p, os.path.join(each, os.path.basename(p))) for p in inputs)
        for p in inputs:
            a = gdal.Open(os.path.join(one, os.path.splitext(os.path.basename(p))[0] + "_colorized.tif")).ReadAsArray()
            b = gdal.Open(os.path.join(each, os.path.basename(p))).ReadAsArray()
            if not np.array_equal(a, b):
                print(f"bench_archive: {os.path.basename(p)} differs between the two ways", file=sys.stderr)
                return 1
    print(f"bench_archive: {args.count} rasters, {mp:.2f} MP in all ({args.min_mp:g}-{args.max_mp:g} MP each), "
          f"model {os.path.basename(model)}, {os.cpu_count()} cores; outputs equal pixel for pixel\n")
    print("| way | seconds | files/min | MP/s |")
    print("|---|---|---|---|")
    for name, t in (("one job (--out-dir)", t_one), ("one CLI run per raster", t_each)):
        print(f"| {name} | {t:.1f} | {60 * args.count / t:.1f} | {mp / t:.3f} |")
    print(f"\nratio (separate runs / one job): {t_each / t_one:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
