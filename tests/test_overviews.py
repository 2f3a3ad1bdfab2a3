"""Colorize's overviews are GDAL's AVERAGE over the finished file: one level per halving until a level
fits in a block, each pixel the mean of the valid (alpha > 0) pixels below it, transparent where none is."""
from __future__ import annotations

import numpy as np
import pytest
from osgeo import gdal

from conftest import write_geotiff
from test_colorize import texture

from aerocolor.colorize.engine import colorize
from aerocolor.colorize.raster import overview_levels

gdal.UseExceptions()


def _read(path: str):
    ds = gdal.Open(path)
    bands = [ds.GetRasterBand(b + 1) for b in range(4)]
    full = np.stack([b.ReadAsArray() for b in bands]).astype(int)
    levels = [np.stack([b.GetOverview(k).ReadAsArray() for b in bands]).astype(int)
              for k in range(bands[0].GetOverviewCount())]
    return full, levels


def _valid_mean_halved(rgba: np.ndarray) -> np.ndarray:
    """Each 2 x 2 window's colour as the mean of its valid pixels, alpha 255 where any is valid."""
    c, h, w = rgba.shape
    win = rgba.reshape(c, h // 2, 2, w // 2, 2).transpose(0, 1, 3, 2, 4).reshape(c, h // 2, w // 2, 4)
    valid = win[3] > 0
    n = valid.sum(-1)
    out = np.zeros((4, h // 2, w // 2), float)
    out[:3] = np.where(n > 0, (win[:3] * valid).sum(-1) / np.maximum(n, 1), 0)
    out[3] = np.where(n > 0, 255, 0)
    return out


def _holed(h: int, w: int) -> np.ndarray:
    g = texture(h, w, seed=3)
    g[g == 0] = 1
    g[h // 3:h // 2, w // 5:w // 2 + 1] = 0          # transparent holes: partly covered windows
    g[:, 7] = 0
    return g


def test_overviews_average_the_valid_pixels_only(tmp_path, tiny_checkpoint):
    h, w = 768, 1024
    src = write_geotiff(str(tmp_path / "in.tif"), _holed(h, w), nodata=0)
    out = str(tmp_path / "out.tif")
    colorize(tiny_checkpoint, src, out, precision="fp32", overviews=True)
    full, levels = _read(out)
    assert len(levels) == len(overview_levels(w, h)) == 2
    assert [lv.shape[1:] for lv in levels] == [(h // 2, w // 2), (h // 4, w // 4)]
    want = _valid_mean_halved(full)
    got = levels[0]
    assert (got[3] == want[3]).all() and (got[3] == 0).any() and (got[3] == 255).any()
    seen = got[3] > 0
    # Within 1 (rounding); a mean that counted the transparent pixels as black would be far off by column 7.
    assert np.abs(got[:3] - want[:3])[:, seen].max() <= 1


def test_odd_sizes_get_every_level_and_keep_holes_transparent(tmp_path, tiny_checkpoint):
    h, w = 701, 533
    src = write_geotiff(str(tmp_path / "in.tif"), _holed(h, w), nodata=0)
    out = str(tmp_path / "out.tif")
    colorize(tiny_checkpoint, src, out, precision="fp32", overviews=True)
    full, levels = _read(out)
    assert len(levels) == len(overview_levels(w, h)) == 2
    assert [lv.shape[1:] for lv in levels] == [(351, 267), (176, 134)]
    hole = levels[0][3, (h // 3) // 2 + 2:(h // 2) // 2 - 2, (w // 5) // 2 + 2:(w // 2) // 2 - 2]
    assert hole.size and (hole == 0).all()


@pytest.mark.parametrize("overviews", [False, True])
def test_no_overviews_when_switched_off(tmp_path, tiny_checkpoint, overviews):
    src = write_geotiff(str(tmp_path / "in.tif"), _holed(600, 600), nodata=0)
    out = str(tmp_path / "out.tif")
    colorize(tiny_checkpoint, src, out, precision="fp32", overviews=overviews)
    assert (len(_read(out)[1]) > 0) == overviews
