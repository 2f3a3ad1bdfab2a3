"""colorize on real GDAL rasters with tiny real models: georeferencing, nodata, bit depths, sizes,
seams, Lab lightness, resolution, cancel and crash safety, and loading in a headless QGIS."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from osgeo import gdal, osr

from conftest import REPO, run_cli, write_geotiff

from aerocolor.models import checkpoint
from aerocolor.colorize.engine import colorize
from aerocolor.data.color import grey_to_lightness, rgb_to_lab
from aerocolor.errors import BadInput
from aerocolor.protocol import EXIT_BAD_INPUT, EXIT_CANCELLED, EventSink, parse_line
from aerocolor.colorize.tiling import axis_weights, positions

gdal.UseExceptions()
FAST = dict(overviews=False, precision="fp32")


# -- fixtures and helpers -----------------------------------------------------------------
def texture(h: int, w: int, seed: int = 0) -> np.ndarray:
    """A stationary grey texture (blurred noise plus grain), uint8: the same statistics everywhere."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((h, w))
    for _ in range(2):  # two box blurs of radius 6 along both axes
        for ax in (0, 1):
            pad = [(7, 6) if i == ax else (0, 0) for i in range(2)]
            c = np.cumsum(np.pad(a, pad, mode="reflect"), axis=ax)
            n = a.shape[ax]
            a = (np.take(c, range(13, 13 + n), axis=ax) - np.take(c, range(0, n), axis=ax)) / 13
    g = 0.5 + 0.15 * a / a.std() + 0.05 * rng.standard_normal((h, w))
    return (np.clip(g, 0, 1) * 255).round().astype(np.uint8)


@pytest.fixture(scope="module")
def rough_checkpoint(tmp_path_factory, tiny_checkpoint) -> str:
    """The tiny model's architecture with Kaiming-initialised weights: strong, saturated colour that
    changes from tile to tile (through the U-Net's 1x1 bottleneck), the hard case for seams and gamut."""
    from aerocolor.models.checkpoint import load_generator
    from aerocolor.nets.layers import init_weights

    card, net = load_generator(tiny_checkpoint)
    torch.manual_seed(0)
    init_weights(net, "kaiming")
    for m in net.modules():  # forget the trained batch statistics too: the model depends on the seed only
        if hasattr(m, "reset_running_stats"):
            m.reset_running_stats()
    path = str(tmp_path_factory.mktemp("rough") / "rough.pt")
    checkpoint.save(path, {"card": card, "generator": "G", "nets": {"G": net.state_dict()}})
    return path


def with_card(src: str, dst: str, **changes) -> str:
    obj = checkpoint.load(src)
    obj["card"].update(changes)
    checkpoint.save(dst, {k: v for k, v in obj.items() if k not in ("format", "format_version")})
    return dst


def read(path: str) -> np.ndarray:
    return gdal.Open(path).ReadAsArray()


def lightness_of(rgba: np.ndarray) -> np.ndarray:
    return rgb_to_lab(torch.from_numpy(rgba[:3].astype(np.float32) / 255.0))[0].numpy()


def leftovers(folder) -> list:
    return [f for f in os.listdir(folder) if ".part" in f or f.endswith(".lock")]


def seam_ratio(path: str, tile: int, overlap: int, k: int = 4, run: int = 16) -> float:
    """Mean colour step across tile borders over the mean step elsewhere (both axes).

    The step at a column is the a*b* distance between the 4-pixel means on either side of it,
    averaged along 16-pixel runs of the column: texture and the generator's short checkerboard
    pattern cancel out, while a tile-wide colour jump at a border does not.
    """
    ab = rgb_to_lab(torch.from_numpy(read(path)[:3].astype(np.float32) / 255.0))[1:].numpy()
    border = other = 0.0
    for arr in (ab, ab.transpose(0, 2, 1)):
        c = np.cumsum(np.pad(arr, ((0, 0), (0, 0), (1, 0))), axis=2)
        idx = np.arange(k, arr.shape[2] - k + 1)
        step = (c[:, :, idx + k] - 2 * c[:, :, idx] + c[:, :, idx - k]) / k
        n = step.shape[1] // run * run
        step = np.sqrt((step[:, :n].reshape(2, -1, run, len(idx)).mean(2) ** 2).sum(0)).mean(0)
        edges = {p for s in positions(arr.shape[2], tile, overlap) for p in (s, s + tile)}
        at = np.isin(idx, sorted(edges))
        border += step[at].mean()
        other += step[~at].mean()
    return border / other


# -- the blending weights -----------------------------------------------------------------
def test_tile_weights_sum_to_one_and_cover_every_pixel():
    for size, tile, overlap in ((1000, 64, 8), (777, 128, 32), (64, 64, 8), (30, 64, 8), (129, 64, 0)):
        xs = positions(size, tile, overlap)
        assert xs[0] == 0 and xs[-1] + min(tile, size) == size
        assert all(b - a <= tile - overlap for a, b in zip(xs, xs[1:]))
        total = np.zeros(size)
        for s, w in zip(xs, axis_weights(xs, tile, size)):
            total[s:s + len(w)] += w
        np.testing.assert_allclose(total, 1.0, atol=1e-5)


# -- georeferencing, format, metadata -----------------------------------------------------
def test_output_lies_on_the_input_grid(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), texture(300, 410), epsg=32617,
                        geotransform=(500000.0, 0.5, 0.0, 3300000.0, 0.0, -0.5))
    out = str(tmp_path / "out.tif")
    result = colorize(tiny_checkpoint, src, out, precision="fp32")
    assert result.outputs == [out] and leftovers(tmp_path) == []
    a, b = gdal.Open(src), gdal.Open(out)
    assert (b.RasterXSize, b.RasterYSize, b.RasterCount) == (410, 300, 4)
    assert b.GetGeoTransform() == a.GetGeoTransform()
    assert osr.SpatialReference(wkt=b.GetProjection()).IsSame(osr.SpatialReference(wkt=a.GetProjection()))
    interp = [gdal.GetColorInterpretationName(b.GetRasterBand(i).GetColorInterpretation()) for i in range(1, 5)]
    assert interp == ["Red", "Green", "Blue", "Alpha"]
    assert b.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "ZSTD"
    assert b.GetMetadata("IMAGE_STRUCTURE")["PREDICTOR"] == "2"
    assert b.GetMetadata("IMAGE_STRUCTURE")["INTERLEAVE"] == "BAND"
    assert b.GetRasterBand(1).GetBlockSize() == [256, 256]
    assert b.GetRasterBand(1).GetOverviewCount() >= 1
    md = b.GetMetadata()
    assert json.loads(md["AEROCOLOR_MODEL_CARD"])["family"] == "pix2pix"
    assert md["AEROCOLOR_SOURCE"] == os.path.abspath(src)
    assert json.loads(md["AEROCOLOR_SETTINGS"])["tile"] == 64
    rgba = read(out)
    assert (rgba[3] == 255).all()


def test_nodata_becomes_transparent_and_empty_tiles_are_skipped(tmp_path, tiny_checkpoint):
    g = texture(200, 260)
    g[g == 0] = 1
    g[:130, :130] = 0           # two full 64 px tiles of nodata and more
    g[150:, 200:210] = 0
    src = write_geotiff(str(tmp_path / "in.tif"), g, nodata=0)
    out = str(tmp_path / "out.tif")
    result = colorize(tiny_checkpoint, src, out, **FAST)
    rgba = read(out)
    assert ((rgba[3] == 0) == (g == 0)).all()
    assert (rgba[:3, g == 0] == 0).all()
    assert (rgba[3, g != 0] == 255).all()
    assert result.skipped >= 2 and result.tiles + result.skipped == len(positions(200, 64, 8)) * len(positions(260, 64, 8))


@pytest.mark.parametrize("how", ["mask band", "alpha band"])
def test_mask_and_alpha_bands_become_transparent(tmp_path, tiny_checkpoint, how):
    """Masks other than a nodata value: GDAL's internal mask band, and a grey + alpha raster."""
    g = texture(120, 150)
    keep = np.ones(g.shape, bool)
    keep[:70, :80] = False          # a whole 64 px tile and more
    keep[90:, 120:] = False
    src = str(tmp_path / "in.tif")
    gdal.UseExceptions()
    ds = gdal.GetDriverByName("GTiff").Create(src, 150, 120, 2 if how == "alpha band" else 1, gdal.GDT_Byte)
    ds.SetGeoTransform((500000.0, 0.1, 0.0, 3300000.0, 0.0, -0.1))
    ds.GetRasterBand(1).WriteArray(g)
    if how == "alpha band":
        ds.GetRasterBand(2).SetColorInterpretation(gdal.GCI_AlphaBand)
        ds.GetRasterBand(2).WriteArray(keep.astype(np.uint8) * 255)
    else:
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray(keep.astype(np.uint8) * 255)
    ds = None
    out = str(tmp_path / "out.tif")
    result = colorize(tiny_checkpoint, src, out, **FAST)
    rgba = read(out)
    assert (rgba[3][~keep] == 0).all() and (rgba[3][keep] == 255).all()
    assert result.skipped >= 1


def test_8bit_rows_reach_the_model_as_training_computes_them(tmp_path):
    from aerocolor.data.color import model_input
    from aerocolor.colorize.inference import TileModel
    from aerocolor.colorize.raster import GreySource

    g = texture(40, 50)
    src = GreySource(write_geotiff(str(tmp_path / "in8.tif"), g))
    grey, valid = src.read(0, 40)
    src.close()
    assert grey.dtype == np.uint8 and np.array_equal(grey, g) and valid.all()
    for mode in ("lab", "rgb"):
        tm = TileModel({"color_mode": mode, "tile": 64}, torch.nn.Identity(), torch.device("cpu"))
        want = model_input(torch.from_numpy(g).float() / 255.0, mode).numpy()
        got = tm.prepare(grey)
        assert got.dtype == np.float32 and np.allclose(got, want, rtol=0, atol=1e-6)
        assert np.allclose(tm.prepare(g.astype(np.float32) / 255.0), want, rtol=0, atol=1e-5)  # float input


def test_16bit_and_float_input(tmp_path, tiny_checkpoint):
    g = texture(150, 170).astype(np.uint16) * 40 + 1000
    g[:10, :10] = 0
    src = write_geotiff(str(tmp_path / "in16.tif"), g, nodata=0)
    notices = []

    class Sink(EventSink):
        def emit(self, type_, **fields):
            if type_ == "notice":
                notices.append(fields["message"])
            return super().emit(type_, **fields)

    out = str(tmp_path / "out16.tif")
    colorize(tiny_checkpoint, src, out, events=Sink(), **FAST)
    rgba = read(out)
    assert (rgba[3, :10, :10] == 0).all() and (rgba[3, 10:, 10:] == 255).all()
    assert any("UInt16" in n and "stretched" in n for n in notices)
    # The percentiles in words, not a Python dict.
    assert any("the 0.5 and 99.5 percentiles" in n for n in notices) and not any("{" in n for n in notices)
    # The stretch spans the data: the output's lightness uses most of the range.
    L = lightness_of(rgba)[rgba[3] > 0]
    assert np.percentile(L, 99) - np.percentile(L, 1) > 60

    f = (texture(150, 170).astype(np.float32) / 255.0) * 3.0 - 1.0
    f[5:20, 30:40] = np.nan
    srcf = write_geotiff(str(tmp_path / "inf.tif"), f)
    outf = str(tmp_path / "outf.tif")
    colorize(tiny_checkpoint, srcf, outf, **FAST)
    a = read(outf)
    assert (a[3][np.isnan(f)] == 0).all() and (a[3][~np.isnan(f)] == 255).all()
    # 16-bit and float copies of the same texture give nearly the same lightness.
    assert np.corrcoef(lightness_of(a)[~np.isnan(f)], lightness_of(read(out))[~np.isnan(f)])[0, 1] > 0.95


def test_three_band_input_is_turned_grey_with_a_notice(tmp_path, tiny_checkpoint):
    from aerocolor.data.synthetic import scene

    rgb = (scene(120, 140, seed=4) * 255).round().astype(np.uint8)
    src = write_geotiff(str(tmp_path / "rgb.tif"), np.moveaxis(rgb, -1, 0))
    out = str(tmp_path / "out.tif")
    result = colorize(tiny_checkpoint, src, out, **FAST)
    assert any("turned grey" in n for n in result.notices)
    luma = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) / 255.0
    L_in = grey_to_lightness(torch.from_numpy(luma)).numpy()
    assert np.abs(lightness_of(read(out)) - L_in).max() < 1.0


@pytest.mark.parametrize("shape", [(37, 100), (100, 37), (5, 3)])
def test_rasters_smaller_than_a_tile_and_odd_sizes(tmp_path, tiny_checkpoint, shape):
    src = write_geotiff(str(tmp_path / "small.tif"), texture(*shape))
    out = str(tmp_path / "out.tif")
    colorize(tiny_checkpoint, src, out, **FAST)
    rgba = read(out)
    assert rgba.shape == (4,) + shape and (rgba[3] == 255).all()


def test_3000x2000_raster(tmp_path, tiny_checkpoint):
    g = np.tile(texture(500, 600, seed=2), (4, 5))       # 2000 rows x 3000 columns
    src = write_geotiff(str(tmp_path / "big.tif"), g)
    out = str(tmp_path / "big_out.tif")
    result = colorize(tiny_checkpoint, src, out, tile=256, overlap=32, precision="fp32")
    ds = gdal.Open(out)
    assert (ds.RasterXSize, ds.RasterYSize) == (3000, 2000)
    assert ds.GetRasterBand(1).GetOverviewCount() >= 3
    assert result.tiles == len(positions(3000, 256, 32)) * len(positions(2000, 256, 32))
    rgba = ds.ReadAsArray(1400, 900, 400, 300)
    assert (rgba[3] == 255).all()
    L_in = grey_to_lightness(torch.from_numpy(g[900:1200, 1400:1800] / 255.0)).numpy()
    assert np.abs(lightness_of(rgba) - L_in).max() < 1.0


# -- seams and lightness ------------------------------------------------------------------
def test_no_visible_seams(tmp_path, rough_checkpoint, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "tex.tif"), texture(768, 768, seed=1))
    hard = str(tmp_path / "hard.tif")
    colorize(rough_checkpoint, src, hard, tile=64, overlap=0, **FAST)
    # The measure sees seams when tiles are not blended...
    assert seam_ratio(hard, 64, 0) > 1.25
    for ck, tile, overlap in ((rough_checkpoint, 64, None), (rough_checkpoint, 128, 16), (tiny_checkpoint, 64, None)):
        out = str(tmp_path / f"soft_{tile}.tif")
        colorize(ck, src, out, tile=tile, overlap=overlap, **FAST)
        # ...and none when they are: at most 1.1 times the colour change elsewhere.
        assert seam_ratio(out, tile, overlap if overlap is not None else tile // 8) <= 1.1


def test_lab_output_keeps_the_input_lightness(tmp_path, rough_checkpoint, tiny_checkpoint):
    g = texture(200, 230, seed=3)
    g[:, :8] = 255      # white and black: where any colour is outside sRGB
    g[:, 8:16] = 0
    src = write_geotiff(str(tmp_path / "in.tif"), g)
    L_in = grey_to_lightness(torch.from_numpy(g / 255.0)).numpy()
    for ck in (rough_checkpoint, tiny_checkpoint):
        out = str(tmp_path / "out.tif")
        colorize(ck, src, out, precision="bf16", overviews=False)
        rgba = read(out)
        err = np.abs(lightness_of(rgba) - L_in)
        assert err.max() < 1.0 and err.mean() < 0.3          # 8-bit rounding only
    chroma = np.hypot(*rgb_to_lab(torch.from_numpy(rgba[:3] / 255.0).float())[1:].numpy())
    assert chroma.mean() > 0.05      # it is not just grey


# -- resolution -----------------------------------------------------------------------------
def test_model_resolution(tmp_path, tiny_checkpoint):
    model = with_card(tiny_checkpoint, str(tmp_path / "m02.pt"), gsd=0.2, gsd_units="metre")
    g = texture(300, 330)
    src = write_geotiff(str(tmp_path / "in.tif"), g, geotransform=(500000.0, 0.1, 0.0, 3300000.0, 0.0, -0.1))
    out = str(tmp_path / "out.tif")
    r = colorize(model, src, out, **FAST)
    assert r.scale == pytest.approx(0.5) and r.tile_in == 128            # 64 model px = 128 input px
    assert any("m/px" in n for n in r.notices)
    rgba = read(out)
    assert rgba.shape == (4, 300, 330)
    L_in = grey_to_lightness(torch.from_numpy(g / 255.0)).numpy()
    assert np.abs(lightness_of(rgba) - L_in).max() < 1.0                 # full-resolution L kept
    native = colorize(model, src, str(tmp_path / "native.tif"), gsd="native", **FAST)
    assert native.scale == 1.0 and native.tile_in == 64
    # Feet to metres: 0.328084 ft/px is 0.1 m/px.
    srcft = write_geotiff(str(tmp_path / "ft.tif"), g, epsg=2229,
                          geotransform=(6400000.0, 0.328084, 0.0, 1800000.0, 0.0, -0.328084))
    assert colorize(model, srcft, str(tmp_path / "ft_out.tif"), **FAST).scale == pytest.approx(0.5, rel=1e-3)
    nogeo = write_geotiff(str(tmp_path / "nogeo.tif"), g, epsg=None)
    with pytest.raises(BadInput, match="--gsd native"):
        colorize(model, nogeo, str(tmp_path / "x.tif"), gsd="model", **FAST)


def test_auto_resolution_enlarges_a_coarse_input_at_most_max_upsample_and_says_the_cost(tmp_path, tiny_checkpoint):
    model = with_card(tiny_checkpoint, str(tmp_path / "m01.pt"), gsd=0.1, gsd_units="metre")
    src = write_geotiff(str(tmp_path / "in1m.tif"), texture(40, 40),
                        geotransform=(500000.0, 1.0, 0.0, 3300000.0, 0.0, -1.0))
    capped = colorize(model, src, str(tmp_path / "auto.tif"), tile=128, **FAST)
    assert capped.scale == pytest.approx(4.0)                      # not the 10 the model's m/px asks for
    assert any("100 times the work" in n and "--max-upsample 10" in n for n in capped.notices), capped.notices
    assert colorize(model, src, str(tmp_path / "far.tif"), max_upsample=10, tile=128, **FAST).scale == pytest.approx(10.0)
    asked = colorize(model, src, str(tmp_path / "model.tif"), gsd="model", tile=128, **FAST)
    assert asked.scale == pytest.approx(10.0) and any("100 times the work" in n for n in asked.notices)
    with pytest.raises(BadInput, match="must be 1 or more"):
        colorize(model, src, str(tmp_path / "bad.tif"), max_upsample=0.5, tile=128, **FAST)


def test_a_multi_scale_model_resamples_only_outside_its_range(tmp_path, tiny_checkpoint):
    model = with_card(tiny_checkpoint, str(tmp_path / "ms.pt"), gsd=None, gsd_range=[0.2, 0.4], gsd_units="metre")
    g = texture(96, 96)

    def at(res):
        src = write_geotiff(str(tmp_path / f"in{res}.tif"), g, geotransform=(500000.0, res, 0.0, 3300000.0, 0.0, -res))
        return colorize(model, src, str(tmp_path / f"out{res}.tif"), **FAST)

    inside = at(0.3)
    assert inside.scale == 1.0 and not any("m/px" in n for n in inside.notices)
    assert at(0.1).scale == pytest.approx(0.5)    # finer than the range: to its finest end
    coarse = at(0.8)
    assert coarse.scale == pytest.approx(2.0)     # coarser: to its coarsest end
    assert any("0.2-0.4 m/px" in n for n in coarse.notices)


def test_a_coarse_input_keeps_some_overlap_to_blend():
    """An input 5x coarser than the model: a 2 px model overlap is 0.4 input px, kept at 1, not dropped."""
    from types import SimpleNamespace

    from aerocolor.colorize.engine import ColorizeConfig, make_plan

    plan = make_plan({"tile": 64, "multiple": 16}, SimpleNamespace(width=100, height=40),
                     ColorizeConfig(tile=64, overlap=2), 5.0)
    assert plan.tile_in == 13 and plan.overlap_in == 1
    assert all(b - a <= plan.tile_in - 1 for a, b in zip(plan.xs, plan.xs[1:]))
    assert make_plan({"tile": 64}, SimpleNamespace(width=100, height=40), ColorizeConfig(overlap=0), 5.0).overlap_in == 0


def test_no_georeferencing_gives_the_same_grid_with_a_warning(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "plain.tif"), texture(90, 120), epsg=None)
    out = str(tmp_path / "out.tif")
    r = colorize(tiny_checkpoint, src, out, **FAST)
    assert any("no georeferencing" in n for n in r.notices)
    ds = gdal.Open(out)
    assert (ds.RasterXSize, ds.RasterYSize) == (120, 90)
    assert ds.GetGeoTransform(can_return_null=True) is None and not ds.GetProjection()


def test_cloud_optimized_geotiff(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), texture(600, 700))
    out = str(tmp_path / "cog.tif")
    colorize(tiny_checkpoint, src, out, cog=True, compress="deflate", precision="fp32")
    ds = gdal.Open(out)
    assert ds.GetMetadata("IMAGE_STRUCTURE").get("LAYOUT") == "COG"
    assert ds.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
    assert ds.GetRasterBand(1).GetOverviewCount() >= 1
    assert "AEROCOLOR_MODEL_CARD" in ds.GetMetadata()
    assert leftovers(tmp_path) == []


# -- latent samples (BicycleGAN's generator interface) ----------------------------------------
def test_samples_use_one_latent_code_per_output(tmp_path, tiny_checkpoint):
    from aerocolor.nets.unet import UNetGenerator

    card = dict(checkpoint.card_of(tiny_checkpoint), nz=4)
    torch.manual_seed(0)
    net = UNetGenerator(1, 2, ngf=8, depth=6, nz=4, z_where="input")
    net.eval()
    src = write_geotiff(str(tmp_path / "in.tif"), texture(100, 140))
    out = str(tmp_path / "out.tif")
    r = colorize((card, net), src, out, samples=2, seed=7, **FAST)
    assert r.outputs == [str(tmp_path / "out_1.tif"), str(tmp_path / "out_2.tif")]
    one, two = read(r.outputs[0]), read(r.outputs[1])
    assert np.abs(one[:3].astype(int) - two[:3].astype(int)).mean() > 0.5
    again = colorize((card, net), src, str(tmp_path / "again.tif"), samples=2, seed=7, **FAST)
    assert (read(again.outputs[1]) == two).all()
    with pytest.raises(BadInput, match="latent code"):
        colorize(tiny_checkpoint, src, str(tmp_path / "z.tif"), samples=2, **FAST)


# -- bad input, crashes, cancel -------------------------------------------------------------
def test_bad_input_gets_one_sentence(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), texture(40, 40))
    five = write_geotiff(str(tmp_path / "five.tif"), np.zeros((5, 20, 20), np.uint8))
    cases = [((tiny_checkpoint, src, str(tmp_path / "o.png")), ".tif"),
             ((tiny_checkpoint, src, src), "overwrite the input"),
             ((tiny_checkpoint, five, str(tmp_path / "o.tif")), "5 bands"),
             ((tiny_checkpoint, str(tmp_path / "none.tif"), str(tmp_path / "o.tif")), "does not exist"),
             ((tiny_checkpoint, src, str(tmp_path / "nofolder" / "o.tif")), "folder"),
             ((src, src, str(tmp_path / "o.tif")), "checkpoint")]
    for args, words in cases:
        with pytest.raises(BadInput, match=words):
            colorize(*args, **FAST)
    with pytest.raises(BadInput, match="multiple of 64"):
        colorize(tiny_checkpoint, src, str(tmp_path / "o.tif"), tile=100)
    proc = run_cli("colorize", "--model", tiny_checkpoint, src, str(tmp_path / "o.tif"), "--overlap", "40")
    assert proc.returncode == EXIT_BAD_INPUT and "half the tile" in proc.stderr
    assert not os.path.exists(tmp_path / "o.tif")


def test_a_crash_midway_leaves_no_output(tmp_path, tiny_checkpoint, monkeypatch):
    import aerocolor.colorize.engine as cz

    src = write_geotiff(str(tmp_path / "in.tif"), texture(400, 300))
    out = str(tmp_path / "out.tif")
    open(out, "wb").write(b"earlier result")
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("simulated failure while writing")
        return real(*args)

    real = cz.rgba_chunks
    monkeypatch.setattr(cz, "rgba_chunks", failing)
    with pytest.raises(OSError, match="simulated"):
        colorize(tiny_checkpoint, src, out, **FAST)
    assert open(out, "rb").read() == b"earlier result"      # the earlier file under that name is intact
    assert leftovers(tmp_path) == []


def _start(args, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    return subprocess.Popen([sys.executable, "-m", "aerocolor", "--events", "jsonl", *args], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _wait_for_progress(proc) -> None:
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        ev = parse_line(line)
        if ev and ev["type"] == "progress" and ev.get("stage") == "colorize" and ev["step"] > 0:
            return
        assert time.monotonic() < deadline
    raise AssertionError("no progress before the end: " + proc.stderr.read())


@pytest.mark.parametrize("how", ["sigterm", "sigint", "stdin"])
def test_cancel_midway_leaves_no_output(tmp_path, tiny_checkpoint, how):
    src = write_geotiff(str(tmp_path / "in.tif"), np.tile(texture(500, 500), (4, 4)))
    out = str(tmp_path / "out.tif")
    proc = _start(["colorize", "--model", tiny_checkpoint, src, out, "--batch", "1", "--threads", "1"], tmp_path)
    _wait_for_progress(proc)
    if how in ("sigterm", "sigint"):
        proc.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGINT)
    else:
        proc.stdin.write("cancel\n")
        proc.stdin.flush()
    rest, err = proc.communicate(timeout=60)
    events = [e for e in map(parse_line, rest.splitlines()) if e]
    assert proc.returncode == EXIT_CANCELLED, err
    assert events[-1]["type"] == "error" and events[-1]["code"] == "cancelled"
    assert not os.path.exists(out) and leftovers(tmp_path) == []


# -- VRT input, CLI events, QGIS --------------------------------------------------------------
def test_cli_colorizes_a_vrt_mosaic_with_jsonl_events(tmp_path, tiny_checkpoint):
    g = texture(120, 200)
    gt = (500000.0, 0.1, 0.0, 3300000.0, 0.0, -0.1)
    left = write_geotiff(str(tmp_path / "left.tif"), g[:, :110], geotransform=gt)
    right = write_geotiff(str(tmp_path / "right.tif"), g[:, 100:],
                          geotransform=(gt[0] + 100 * gt[1],) + gt[1:])
    vrt = str(tmp_path / "photos.vrt")
    assert run_cli("mosaic", vrt, left, right).returncode == 0
    out = str(tmp_path / "colour.tif")
    proc = run_cli("--events", "jsonl", "colorize", "--model", tiny_checkpoint, vrt, out, "--precision", "fp32")
    assert proc.returncode == 0, proc.stderr
    events = [e for e in map(parse_line, proc.stdout.splitlines()) if e]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "hello" and kinds[-1] == "result" and "progress" in kinds
    assert events[-1]["outputs"]["raster"] == out
    rgba = read(out)
    assert rgba.shape == (4, 120, 200) and (rgba[3] == 255).all()
    L_in = grey_to_lightness(torch.from_numpy(g / 255.0)).numpy()
    assert np.abs(lightness_of(rgba) - L_in).max() < 1.0


def test_output_loads_in_qgis_at_the_input_extent(tmp_path, tiny_checkpoint, qgis_app):
    from qgis.core import QgsRasterLayer

    src = write_geotiff(str(tmp_path / "in.tif"), texture(130, 170),
                        geotransform=(300000.0, 2.0, 0.0, 2500000.0, 0.0, -2.0), epsg=3826)
    out = str(tmp_path / "out.tif")
    colorize(tiny_checkpoint, src, out, **FAST)
    layer, source = QgsRasterLayer(out, "colour", "gdal"), QgsRasterLayer(src, "grey", "gdal")
    try:
        assert layer.isValid() and source.isValid()
        assert layer.bandCount() == 4 and layer.width() == 170 and layer.height() == 130
        assert layer.crs().authid() == "EPSG:3826"
        assert layer.extent() == source.extent()
        assert layer.extent().xMinimum() == 300000.0 and layer.extent().yMaximum() == 2500000.0
    finally:
        del layer, source


def test_rgb_models_write_their_rgb(tmp_path, tiny_checkpoint):
    from aerocolor.nets.unet import UNetGenerator

    card = dict(checkpoint.card_of(tiny_checkpoint), color_mode="rgb")
    torch.manual_seed(1)
    net = UNetGenerator(1, 3, ngf=8, depth=6).eval()
    g = texture(90, 150)
    src = write_geotiff(str(tmp_path / "in.tif"), g)
    out = str(tmp_path / "out.tif")
    colorize((card, net), src, out, **FAST)
    rgba = read(out)
    # What the generator says for one tile, straight through the model: the output holds that RGB.
    with torch.no_grad():
        x = torch.from_numpy(g[:64, :64] / 255.0).float()[None, None] * 2 - 1
        direct = ((net(x)[0] + 1) * 127.5).round().numpy()
    assert rgba.shape == (4, 90, 150) and (rgba[3] == 255).all()
    # (rows 0-25 and columns 0-42 are covered by the first tile alone)
    assert np.abs(rgba[:3, :26, :43].astype(float) - direct[:, :26, :43]).max() <= 1.0
    assert rgba[:3].std() > 1.0


def test_bf16_weights_match_autocast_and_leave_the_net_alone():
    import torch

    from aerocolor.colorize.inference import bf16_weights
    from aerocolor.nets.unet import UNetGenerator

    torch.manual_seed(0)
    net = UNetGenerator(1, 2, 8, 5).eval()
    x = torch.rand(2, 1, 32, 32) * 2 - 1
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        want = net(x).float()
        got = bf16_weights(net)(x).float()
    assert all(p.dtype == torch.float32 for p in net.parameters())
    assert (got - want).abs().max() <= 2 ** -7      # within bf16's rounding of outputs in [-1, 1]
    with torch.no_grad():
        exact = net(x)
    assert (got - exact).abs().mean() < 0.01
    # Rounded and laid out channels-last in one pass: same numbers, the layout colorize runs in.
    cl = bf16_weights(net, torch.device("cpu"), torch.channels_last)
    convs = [m.weight for m in cl.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert convs and all(w.dtype == torch.bfloat16 and w.is_contiguous(memory_format=torch.channels_last)
                         for w in convs)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        assert (cl(x).float() - got).abs().max() <= 2 ** -7   # kernels for either layout may round apart
    # In place (a net colorize read itself): the same net, its fp32 weights replaced, the same output.
    weights = [m.weight for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    same = bf16_weights(net, torch.device("cpu"), torch.channels_last, in_place=True)
    assert same is net and all(w.dtype == torch.float32 for w in weights)
    assert all(m.weight.dtype == torch.bfloat16 and m.weight is not w
               for m, w in zip((m for m in net.modules() if isinstance(m, torch.nn.Conv2d)), weights))
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        assert torch.equal(same(x).float(), cl(x).float())


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_tile_model_hands_the_blender_whole_planes(precision):
    """The blender adds each colour plane of a tile; the generator runs channels-last, so the tile model
    must return plane-by-plane (C-contiguous) float32, equal to the channels-first run."""
    from aerocolor.colorize.inference import TileModel
    from aerocolor.nets.unet import UNetGenerator

    torch.manual_seed(0)
    net = UNetGenerator(1, 2, 8, 5).eval()
    card = {"color_mode": "lab", "tile": 32}
    x = np.random.default_rng(0).random((3, 32, 32), dtype=np.float32) * 2 - 1
    cl = TileModel(card, net, torch.device("cpu"), precision, channels_last=True)(x)
    plain = TileModel(card, net, torch.device("cpu"), precision, channels_last=False)(x)
    assert cl.dtype == np.float32 and cl.shape == (3, 2, 32, 32) and cl.flags["C_CONTIGUOUS"]
    assert np.abs(cl - plain).max() <= (2 ** -6 if precision == "bf16" else 1e-5)


@pytest.mark.parametrize("tiles, batch", [(81, 16), (64, 16), (3, 16), (100, 7), (1, 1)])
def test_forward_passes_take_every_tile_once_in_full_batches_and_no_tiny_last_pass(tiles, batch):
    """Tiles arrive a row of 9 at a time; every tile goes through exactly once, every pass but the last
    is a full batch, and the last is never a small remainder on its own (a pass of one tile ran at a
    fraction of the batch's rate): at most an eighth of a batch joins the last full pass."""
    from aerocolor.colorize.engine import next_pass

    arrived = done = 0
    passes = []
    while done < tiles:
        arrived = min(tiles, arrived + 9)
        while True:
            n = next_pass(arrived - done, batch, last=arrived == tiles)
            if n == 0:
                break
            passes.append(n)
            done += n
    assert sum(passes) == tiles
    assert all(n == batch for n in passes[:-1])
    assert passes[-1] <= batch + batch // 8 and (len(passes) == 1 or passes[-1] > batch // 8)


def test_batch_size_changes_how_tiles_are_grouped_not_the_pixels(tmp_path, tiny_checkpoint):
    """9 x 9 tiles through passes of 1 and of 16 (the last with 17), the strips joined on the pool's
    threads: the same colour within rounding."""
    src = write_geotiff(str(tmp_path / "in.tif"), texture(512, 512))    # 64 px tiles, overlap 8
    one = colorize(tiny_checkpoint, src, str(tmp_path / "b1.tif"), batch=1, **FAST)
    many = colorize(tiny_checkpoint, src, str(tmp_path / "b16.tif"), batch=16, **FAST)
    assert one.tiles == many.tiles == 81
    a, b = read(one.outputs[0]).astype(int), read(many.outputs[0]).astype(int)
    assert np.abs(a - b).max() <= 1 and np.abs(a - b).mean() < 0.05


# -- tone match -----------------------------------------------------------------------------
def test_tone_map_is_monotone_and_the_identity_for_a_photo_like_training():
    from aerocolor.data import tone

    q = tone.grey_quantiles(np.linspace(0.1, 0.9, 1000))
    xp, fp = tone.tone_map(q, q)
    g = np.linspace(0, 1, 101, dtype=np.float32)
    assert np.abs(tone.apply(g, (xp, fp)) - g).max() < 1e-4
    dark = tone.grey_quantiles(np.linspace(0.0, 0.4, 1000))  # a dark scan onto bright training greys
    out = tone.apply(g, tone.tone_map(dark, q))
    assert np.all(np.diff(out) >= 0) and out[20] > g[20] + 0.1
    with pytest.raises(BadInput, match="without the tone match"):
        tone.model_quantiles({"family": "pix2pix"})


def test_tone_match_changes_what_the_model_sees_and_keeps_the_photos_tones(tmp_path, tiny_checkpoint):
    card = checkpoint.card_of(tiny_checkpoint)
    assert len(card["grey_quantiles"]) == 17 and card["grey_quantiles"] == sorted(card["grey_quantiles"])

    class Echo(torch.nn.Module):  # a*b* that say what grey the generator saw: a* = 0.3 x (x its input in [-1, 1])
        def forward(self, x):
            return torch.cat([0.3 * x, torch.zeros_like(x)], 1)

    g = (texture(96, 96).astype(np.float32) * 0.35).astype(np.uint8)  # a dark, flat scan
    src = write_geotiff(str(tmp_path / "dark.tif"), g)
    plain = read(colorize((card, Echo()), src, str(tmp_path / "plain.tif"), **FAST).outputs[0])
    res = colorize((card, Echo()), src, str(tmp_path / "toned.tif"), tone_match=True, **FAST)
    toned = read(res.outputs[0])
    assert any("Tone match" in n for n in res.notices)
    L_in = grey_to_lightness(torch.from_numpy(g / 255.0)).numpy()
    assert np.abs(lightness_of(toned) - L_in).max() < 1.0          # the photo's own lightness
    a_of = lambda rgba: rgb_to_lab(torch.from_numpy(rgba[:3] / 255.0).float())[1].mean().item()  # noqa: E731
    assert a_of(toned) > a_of(plain) + 3.0   # the model saw brighter greys: those of its training
    old = with_card(tiny_checkpoint, str(tmp_path / "old.pt"), grey_quantiles=None)
    with pytest.raises(BadInput, match="holds no statistics of its training greys"):
        colorize(old, src, str(tmp_path / "x.tif"), tone_match=True, **FAST)
    assert not os.path.exists(tmp_path / "x.tif")
