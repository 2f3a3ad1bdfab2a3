"""Shared fixtures: tiny real datasets, a tiny trained checkpoint, GeoTIFF makers.

Everything is real (GDAL files, torch models, the CLI in a subprocess) and small, so
the suite stays within minutes on two cores.
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

torch.set_num_threads(min(2, os.cpu_count() or 1))

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args: str, timeout: float = 600, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m aerocolor ARGS` in a real subprocess; returns the finished process."""
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    return subprocess.run([sys.executable, "-m", "aerocolor", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, input=stdin)


def write_geotiff(path: str, array: np.ndarray, epsg: int | None = 32617,
                  geotransform=(500000.0, 0.1, 0.0, 3300000.0, 0.0, -0.1), nodata=None) -> str:
    """(H, W) or (bands, H, W) array to a GeoTIFF of the array's dtype."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    arr = array[None] if array.ndim == 2 else array
    types = {np.dtype(np.uint8): gdal.GDT_Byte, np.dtype(np.uint16): gdal.GDT_UInt16,
             np.dtype(np.float32): gdal.GDT_Float32, np.dtype(np.int16): gdal.GDT_Int16}
    ds = gdal.GetDriverByName("GTiff").Create(path, arr.shape[2], arr.shape[1], arr.shape[0], types[arr.dtype])
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
        ds.SetGeoTransform(geotransform)
    for i in range(arr.shape[0]):
        band = ds.GetRasterBand(i + 1)
        if nodata is not None:
            band.SetNoDataValue(nodata)
        band.WriteArray(arr[i])
    ds = None
    return path


@pytest.fixture(scope="session")
def synthetic_pairs(tmp_path_factory) -> str:
    """A paired synthetic dataset of 64 px tiles (train and val)."""
    from aerocolor.data.build import DatasetConfig, build_synthetic

    out = str(tmp_path_factory.mktemp("data") / "pairs")
    build_synthetic(16, DatasetConfig(out=out, tile=64, layout="pairs", seed=1))
    return out


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory, synthetic_pairs) -> str:
    """A pix2pix Lab model (ngf 8, 64 px) trained for a few steps: real weights, seconds to make."""
    from aerocolor.config import NetConfig, TrainConfig
    from aerocolor.models.pix2pix import Pix2PixConfig
    from aerocolor.training.trainer import train

    run = str(tmp_path_factory.mktemp("runs") / "tiny")
    cfg = TrainConfig(family="pix2pix", data=synthetic_pairs, run=run, tile=64, batch=2, epochs=1,
                      decay_epochs=0, steps_per_epoch=3, threads=2, color_mode="lab",
                      model=Pix2PixConfig(net=NetConfig(ngf=8, ndf=8)))
    return train(cfg)


@pytest.fixture(scope="session")
def bicycle_checkpoint(tmp_path_factory, synthetic_pairs) -> str:
    """A tiny BicycleGAN (Lab, 64 px, latent code of 4 numbers) trained for two steps."""
    from aerocolor.config import TrainConfig
    from aerocolor.training.trainer import train

    cfg = TrainConfig.from_dict(dict(
        family="bicyclegan", data=synthetic_pairs, run=str(tmp_path_factory.mktemp("runs") / "bicycle"), tile=64,
        batch=2, epochs=1, decay_epochs=0, steps_per_epoch=2, threads=2, seed=3, color_mode="lab",
        model={"nz": 4, "nef": 8, "net": {"ngf": 8, "ndf": 8}}))
    return train(cfg)
