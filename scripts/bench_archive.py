#!/usr/bin/env python3
"""A folder of rasters colorized as one job (`aerocolor colorize --out-dir`) against one CLI run per raster.

The rasters are generated here (textured grey GeoTIFFs of mixed sizes); the model is the bundled default
unless --model names another. Both ways run in fresh processes, one after the other, and write into their
own folders; the pixels of the two must be equal (checked). Printed: files, megapixels, seconds, files per
minute and the ratio of the separate runs' time to the one job's. With --ranks N the one job also runs under
torchrun with N gloo processes (on a 2-core CPU they share the cores: a correctness run, outputs checked
equal, with each rank's share of the pixels).

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


def cli(*args: str, ranks: int = 0) -> float:
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    launch = [sys.executable, "-m", "aerocolor"]
    if ranks:
        env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // ranks))
        launch = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(ranks),
                  "-m", "aerocolor", "--"]
    t0 = time.monotonic()
    subprocess.run([*launch, *args], check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


def same(a_dir: str, b_dir: str, names: list) -> bool:
    from osgeo import gdal

    return all(np.array_equal(gdal.Open(os.path.join(a_dir, n)).ReadAsArray(), gdal.Open(os.path.join(b_dir, n)).ReadAsArray())
               for n in names)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--min-mp", type=float, default=0.02)
    ap.add_argument("--max-mp", type=float, default=0.3)
    ap.add_argument("--model", help="checkpoint (default: the bundled default model)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--ranks", type=int, default=2, help="also run the one job under torchrun (0: not)")
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
        t_ranks, balance = None, ""
        if args.ranks > 1:
            from aerocolor.colorize.batch import share

            spread = os.path.join(tmp, "ranks")
            os.makedirs(spread)
            ranked = ["--model", model, "--no-overviews", "--device", "cpu"]
            t_ranks = cli("colorize", *ranked, "--out-dir", spread, *inputs, ranks=args.ranks)
            names = [os.path.splitext(os.path.basename(p))[0] + "_colorized.tif" for p in inputs]
            if not same(one, spread, names):
                print("bench_archive: the torchrun outputs differ from the one process's", file=sys.stderr)
                return 1
            px = {p: gdal.Open(p).RasterXSize * gdal.Open(p).RasterYSize for p in inputs}
            balance = ", ".join(f"rank {r}: {len(s)} files, {sum(px[p] for p in s) / 1e6:.2f} MP"
                                for r, s in enumerate(share(inputs, px, args.ranks)))
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
    if t_ranks is not None:
        print(f"| one job, {args.ranks} gloo ranks (torchrun) | {t_ranks:.1f} | {60 * args.count / t_ranks:.1f} | "
              f"{mp / t_ranks:.3f} |")
    print(f"\nratio (separate runs / one job): {t_each / t_one:.2f}x")
    if t_ranks is not None:
        print(f"ratio (one process / {args.ranks} ranks): {t_one / t_ranks:.2f}x on {os.cpu_count()} cores "
              f"(the ranks share them); outputs equal to the one process's; shares: {balance}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
