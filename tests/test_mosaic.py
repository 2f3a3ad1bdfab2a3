"""aerocolor mosaic on real GeoTIFFs: VRT and GeoTIFF outputs, transparency, and refusals."""
from __future__ import annotations

import os

import numpy as np
import pytest
from osgeo import gdal

from conftest import run_cli, write_geotiff

from aerocolor.errors import BadInput
from aerocolor.colorize.mosaic import mosaic
from aerocolor.protocol import EXIT_BAD_INPUT

gdal.UseExceptions()
GT = (500000.0, 1.0, 0.0, 3300000.0, 0.0, -1.0)


def rgba_tile(path: str, colour, x0: float, transparent_cols=None) -> str:
    """A 20 x 30 RGBA GeoTIFF of one colour at easting x0, optionally transparent in some columns."""
    a = np.zeros((4, 20, 30), np.uint8)
    a[:3] = np.asarray(colour, np.uint8)[:, None, None]
    a[3] = 255
    if transparent_cols is not None:
        a[3][:, transparent_cols] = 0
    write_geotiff(path, a, geotransform=(x0,) + GT[1:])
    ds = gdal.Open(path, gdal.GA_Update)
    ds.GetRasterBand(4).SetColorInterpretation(gdal.GCI_AlphaBand)
    ds = None
    return path


@pytest.mark.parametrize("ext", [".vrt", ".tif"])
def test_mosaic_joins_rasters_and_lets_transparent_pixels_show_through(tmp_path, ext):
    red = rgba_tile(str(tmp_path / "red.tif"), (200, 0, 0), GT[0])
    # Blue starts 20 m east and is transparent in its first 5 columns: red must show there.
    blue = rgba_tile(str(tmp_path / "blue.tif"), (0, 0, 200), GT[0] + 20, transparent_cols=slice(0, 5))
    out = str(tmp_path / f"mosaic{ext}")
    assert mosaic(out, [red, blue]) == out
    assert not any(".part" in f for f in os.listdir(tmp_path))
    ds = gdal.Open(out)
    assert (ds.RasterXSize, ds.RasterYSize) == (50, 20)
    assert ds.GetGeoTransform() == GT
    a = ds.ReadAsArray()
    assert a.shape[0] == 4
    assert (a[0, :, :25] == 200).all() and (a[3, :, :25] == 255).all()      # red, including under blue's hole
    assert (a[2, :, 25:] == 200).all() and (a[0, :, 25:] == 0).all()        # blue where it is opaque
    if ext == ".tif":
        assert ds.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
        assert ds.GetRasterBand(1).GetBlockSize()[0] == 256


def test_grey_mosaic_gets_an_alpha_band_for_uncovered_ground(tmp_path):
    g = np.full((10, 10), 90, np.uint8)
    a = write_geotiff(str(tmp_path / "a.tif"), g)
    b = write_geotiff(str(tmp_path / "b.tif"), g, geotransform=(GT[0] + 20 * 0.1, 0.1, 0, GT[3] - 20 * 0.1, 0, -0.1))
    out = str(tmp_path / "grey.vrt")
    proc = run_cli("mosaic", out, a, b)
    assert proc.returncode == 0, proc.stderr
    arr = gdal.Open(out).ReadAsArray()
    assert arr.shape == (2, 30, 30)
    assert (arr[1, :10, :10] == 255).all() and (arr[1, :10, 20:] == 0).all()   # the gap is transparent


def test_mosaic_refuses_what_it_cannot_join(tmp_path):
    red = rgba_tile(str(tmp_path / "red.tif"), (200, 0, 0), GT[0])
    other_crs = write_geotiff(str(tmp_path / "crs.tif"), np.zeros((4, 5, 5), np.uint8), epsg=3826)
    grey = write_geotiff(str(tmp_path / "grey.tif"), np.zeros((5, 5), np.uint8))
    plain = write_geotiff(str(tmp_path / "plain.tif"), np.zeros((4, 5, 5), np.uint8), epsg=None)
    cases = [(str(tmp_path / "m.png"), [red], ".vrt"),
             (str(tmp_path / "m.vrt"), [red, other_crs], "another CRS"),
             (str(tmp_path / "m.vrt"), [red, grey], "bands"),
             (str(tmp_path / "m.vrt"), [red, plain], "no georeferencing"),
             (str(tmp_path / "m.vrt"), [red, str(tmp_path / "gone.tif")], "does not exist"),
             (red, [red], "overwrite")]
    for out, inputs, words in cases:
        with pytest.raises(BadInput, match=words):
            mosaic(out, inputs)
    assert not os.path.exists(tmp_path / "m.vrt")
    proc = run_cli("mosaic", str(tmp_path / "m.tif"), red, other_crs)
    assert proc.returncode == EXIT_BAD_INPUT and "gdalwarp" in proc.stderr


def test_geotiff_mosaic_progress_runs_forward_and_a_cancel_in_the_overviews_leaves_nothing(tmp_path):
    from aerocolor.errors import Cancelled

    a = (np.random.default_rng(0).random((3, 600, 700)) * 255).astype(np.uint8)
    left = write_geotiff(str(tmp_path / "left.tif"), a, geotransform=GT)
    right = write_geotiff(str(tmp_path / "right.tif"), a, geotransform=(GT[0] + 700,) + GT[1:])
    seen = []
    out = str(tmp_path / "big.tif")
    mosaic(out, [left, right], progress=lambda f: seen.append(f) or True)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert any(0.9 < f < 1.0 for f in seen)                    # the overviews report too
    assert gdal.Open(out).GetRasterBand(1).GetOverviewCount() >= 2
    os.remove(out)
    with pytest.raises(Cancelled):
        mosaic(out, [left, right], progress=lambda f: not 0.9 < f < 1.0)  # stop while the overviews are built
    assert set(os.listdir(tmp_path)) == {"left.tif", "right.tif"}


def test_the_mosaic_command_runs_without_importing_torch(tmp_path):
    """QGIS's Mosaic dialog runs it through the backend: it should start in a moment, not load torch."""
    import subprocess
    import sys

    from conftest import REPO

    red = rgba_tile(str(tmp_path / "red.tif"), (200, 0, 0), GT[0])
    blue = rgba_tile(str(tmp_path / "blue.tif"), (0, 0, 200), GT[0] + 20)
    out = str(tmp_path / "m.vrt")
    code = ("import sys; from aerocolor.cli import main; rc = main(['mosaic', sys.argv[1], sys.argv[2], sys.argv[3]]); "
            "print(rc, 'torch' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code, out, red, blue], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend")))
    assert res.stdout.split()[-2:] == ["0", "False"], (res.stdout, res.stderr[-2000:])
    assert os.path.exists(out)
