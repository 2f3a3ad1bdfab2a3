"""Overviews built from the rows as colorize writes them are the ones GDAL's AVERAGE builds from the
finished file: same levels and sizes, same alpha, colour within 1 (float rounding), no block written twice."""
from __future__ import annotations

import os

import numpy as np
import pytest
from osgeo import gdal

from conftest import write_geotiff
from test_colorize import texture

from aerocolor.colorize.engine import colorize
from aerocolor.colorize.overviews import windows
from aerocolor.colorize.raster import config_options

gdal.UseExceptions()


def overviews_of(path: str) -> list:
    ds = gdal.Open(path)
    bands = [ds.GetRasterBand(b + 1) for b in range(4)]
    return [np.stack([b.GetOverview(k).ReadAsArray() for b in bands]).astype(int)
            for k in range(bands[0].GetOverviewCount())]


def gdal_rebuilt(path: str, out: str) -> str:
    """The same full-resolution pixels in the same layout, overviews by GDAL's BuildOverviews."""
    gdal.Translate(out, path, creationOptions=["COMPRESS=ZSTD", "ZSTD_LEVEL=1", "PREDICTOR=2", "TILED=YES",
                                               "BLOCKXSIZE=256", "BLOCKYSIZE=256", "PHOTOMETRIC=RGB",
                                               "ALPHA=YES", "INTERLEAVE=BAND"])
    src = gdal.Open(path)     # kept open: a band outliving its dataset crashes GDAL's bindings
    levels = [2 ** (k + 1) for k in range(src.GetRasterBand(1).GetOverviewCount())]
    src = None
    ds = gdal.Open(out, gdal.GA_Update)
    with config_options({"COMPRESS_OVERVIEW": "ZSTD", "ZSTD_LEVEL_OVERVIEW": "1", "PREDICTOR_OVERVIEW": "2"}):
        ds.BuildOverviews("AVERAGE", levels)
    ds = None
    return out


@pytest.mark.parametrize("shape", [(768, 1024), (701, 533)])   # halving exactly, and odd sizes
def test_streamed_overviews_match_gdal_average(tmp_path, tiny_checkpoint, shape):
    h, w = shape
    g = texture(h, w, seed=3)
    g[g == 0] = 1
    g[h // 3:h // 2, w // 5:w // 2 + 1] = 0          # transparent holes: partly covered windows
    g[:, 7] = 0
    src = write_geotiff(str(tmp_path / "in.tif"), g, nodata=0)
    out = str(tmp_path / "out.tif")
    colorize(tiny_checkpoint, src, out, precision="fp32", overviews=True)
    ours = overviews_of(out)
    theirs = overviews_of(gdal_rebuilt(out, str(tmp_path / "gdal.tif")))
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        assert (a[3] == b[3]).all()
        assert np.abs(a[:3] - b[:3]).max() <= 1 and np.mean(a[:3] != b[:3]) < 0.001
        assert (a[3] == 0).any() and (a[3] == 255).any()
    # Each overview block was written once: the file is no larger than GDAL's.
    assert os.path.getsize(out) <= 1.01 * os.path.getsize(str(tmp_path / "gdal.tif"))


def test_windows_cover_the_source_once():
    for n_src, n_dst in ((10, 5), (777, 389), (5, 3), (1, 1)):
        idx, wts = windows(n_src, n_dst)
        cover = np.zeros(n_src)
        np.add.at(cover, idx.ravel(), wts.ravel())
        assert np.allclose(cover, 1.0)                                     # every source pixel, whole
        assert np.allclose(wts.sum(axis=1), n_src / n_dst)                 # every window, the same span
    idx, wts = windows(10, 5)
    assert (idx == np.arange(10).reshape(5, 2)).all() and (wts == 1).all()
