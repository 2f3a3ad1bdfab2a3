#!/usr/bin/env python3
"""Score colorization checkpoints on held-out real tiles against the two baselines.

Held-out data: the test split of the NEON dataset made by scripts/train_default_model
(spatial blocks apart from training) and the bundled sample OSBS_029 (a site the model
never saw). Each colour image is turned grey with the backend's luma formula, colorized
through `aerocolor.colorize.engine` (the real raster path) and compared with its colour
original: PSNR (dB, higher is better) and mean CIEDE2000 (lower is better).

  .venv/bin/python scripts/evaluate_default_model.py CKPT [CKPT ...] [--data DIR] [--json OUT]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))

from aerocolor.colorize.engine import colorize  # noqa: E402
from aerocolor.data.imageio import list_images, read_image  # noqa: E402
from aerocolor.data.layout import grey_of  # noqa: E402
from aerocolor.metrics.baselines import constant_colour, grey_copy, mean_ab  # noqa: E402
from aerocolor.metrics.paired import ciede2000, psnr  # noqa: E402

SAMPLE = os.path.join(REPO, "backend", "aerocolor", "assets", "sample", "osbs_029_colour.tif")


def write_grey(path: str, grey: np.ndarray, like: str = None) -> None:
    from osgeo import gdal

    ds = gdal.GetDriverByName("GTiff").Create(path, grey.shape[1], grey.shape[0], 1, gdal.GDT_Byte)
    if like:
        src = gdal.Open(like)
        if src.GetGeoTransform(can_return_null=True):
            ds.SetGeoTransform(src.GetGeoTransform())
            ds.SetProjection(src.GetProjection())
    ds.GetRasterBand(1).WriteArray((grey * 255 + 0.5).astype(np.uint8))
    ds = None


def held_out(data: str):
    files = list_images(os.path.join(data, "test", "B")) if data else []
    return files + [SAMPLE]


def score(checkpoints, data, train_dir=None):
    from osgeo import gdal

    truth = {p: read_image(p)[0] for p in held_out(data)}
    ab = mean_ab(read_image(p)[0] for p in list_images(train_dir)) if train_dir else None
    methods = {"grey copy": lambda g, tmp: grey_copy(g)}
    if ab is not None:
        methods["mean a*b* over L"] = lambda g, tmp: constant_colour(g, ab)
    for ck in checkpoints:
        def run(g, tmp, ck=ck):
            src, out = os.path.join(tmp, "grey.tif"), os.path.join(tmp, "colour.tif")
            write_grey(src, g)
            colorize(ck, src, out, overviews=False)
            return np.moveaxis(gdal.Open(out).ReadAsArray()[:3], 0, -1).astype(np.float32) / 255.0
        methods[os.path.basename(ck)] = run
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in methods.items():
            p, d = [], []
            for path, rgb in truth.items():
                # The grey the models see: 8-bit, as a scanned photo would be.
                grey = np.round(grey_of(rgb)[:, :, 0] * 255) / 255
                pred = fn(grey.astype(np.float32), tmp)
                p.append(psnr(pred, rgb))
                d.append(ciede2000(pred, rgb))
            rows[name] = {"psnr": float(np.mean(p)), "ciede2000": float(np.mean(d)), "images": len(p),
                          "pixels": int(sum(r.shape[0] * r.shape[1] for r in truth.values()))}
    return rows, (ab.tolist() if ab is not None else None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--data", default=os.path.join(REPO, "out", "default_model", "data"),
                    help="dataset with test/B (and train/B for the mean colour)")
    ap.add_argument("--json", help="write the table as JSON here")
    args = ap.parse_args()
    data = args.data if os.path.isdir(args.data) else None
    rows, ab = score(args.checkpoints, data, os.path.join(data, "train", "B") if data else None)
    n = next(iter(rows.values()))
    print(f"\nheld-out real tiles: {n['images']} images, {n['pixels'] / 1e6:.2f} MP "
          f"(test split of {data or '-'} and the OSBS_029 sample); mean training a*b* {ab}")
    print(f"{'method':28s} {'PSNR dB':>8s} {'CIEDE2000':>10s}")
    for name, r in rows.items():
        print(f"{name:28s} {r['psnr']:8.2f} {r['ciede2000']:10.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rows": rows, "mean_ab": ab}, fh, indent=2)


if __name__ == "__main__":
    main()
