"""The bundled default model: self-describing, colorizes the bundled sample in place, and
beats the grey copy and a constant mean colour on that held-out site."""
import json
import os

import numpy as np
import pytest
from osgeo import gdal

from aerocolor import assets
from aerocolor.models import checkpoint
from aerocolor.data.imageio import read_image
from aerocolor.metrics.baselines import constant_colour, grey_copy
from aerocolor.metrics.paired import ciede2000, psnr
from conftest import run_cli

# Margins by which the default model must beat each baseline on the held-out OSBS_029 sample, a site
# never seen in training (measured when it was bundled: +1.3 dB PSNR and -2.2 CIEDE2000 against the
# stronger baseline). The card's table adds the NEON test split, which needs scripts/get_sample_data
# and so stays with scripts/evaluate_default_model.py: tests run offline on what the repository holds.
MIN_PSNR_GAIN_DB = 0.5
MIN_CIEDE2000_GAIN = 1.0


@pytest.fixture(scope="module")
def colorized(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("default") / "sample_colour.tif")
    res = run_cli("colorize", assets.SAMPLE_GREY, out)  # no --model: the default
    assert res.returncode == 0, res.stderr
    assert "bundled default model" in res.stderr
    return out


def test_the_shipped_checkpoint_is_complete_and_small():
    assert os.path.getsize(assets.DEFAULT_MODEL) < 30 * 2 ** 20
    obj = checkpoint.load(assets.DEFAULT_MODEL)  # weights_only=True inside
    card = obj["card"]
    assert "training" not in obj and card["exported"]["half"] is True
    assert card["family"] == "pix2pix" and card["color_mode"] == "lab" and card["gsd"] == pytest.approx(0.1)
    mc = card["model_card"]
    for key in ("data", "licence", "ground_resolution_m", "tiles", "training", "hardware", "wall_minutes",
                "held_out", "metrics", "baselines", "limits", "recipe", "mean_training_ab"):
        assert mc.get(key), key
    assert "train your own" in mc["limits"]
    with open(assets.MODEL_CARD) as fh:
        text = fh.read()
    # The card beside the file says what the card inside it says.
    for figures in [mc["metrics"]] + list(mc["baselines"].values()):
        assert f"{figures['psnr_db']:.2f} | {figures['ciede2000']:.2f}" in text.replace("**", ""), figures
    for words in (mc["data"], mc["licence"], mc["hardware"], mc["limits"], mc["recipe"]):
        assert words in text, words
    assert f"about {mc['wall_minutes']:g} minutes" in text and "## Limits" in text
    info = json.loads(run_cli("info", assets.DEFAULT_MODEL, "--json").stdout)
    assert info["model_card"]["name"] == mc["name"]


def test_it_colorizes_the_sample_with_the_inputs_georeferencing(colorized):
    src, out = gdal.Open(assets.SAMPLE_GREY), gdal.Open(colorized)
    assert (out.RasterXSize, out.RasterYSize) == (src.RasterXSize, src.RasterYSize)
    assert out.GetGeoTransform() == pytest.approx(src.GetGeoTransform())
    assert out.GetSpatialRef().IsSame(src.GetSpatialRef())
    assert out.RasterCount == 4


def test_it_beats_both_baselines_on_the_held_out_site(colorized):
    truth = read_image(assets.SAMPLE_COLOUR)[0]
    grey = read_image(assets.SAMPLE_GREY)[0][:, :, 0]
    pred = np.moveaxis(gdal.Open(colorized).ReadAsArray()[:3], 0, -1).astype(np.float32) / 255.0
    ab = np.asarray(checkpoint.load(assets.DEFAULT_MODEL)["card"]["model_card"]["mean_training_ab"], np.float32)
    ours = psnr(pred, truth), ciede2000(pred, truth)
    for name, base in (("grey copy", grey_copy(grey)), ("mean a*b*", constant_colour(grey, ab))):
        b = psnr(base, truth), ciede2000(base, truth)
        assert ours[0] >= b[0] + MIN_PSNR_GAIN_DB, (name, ours, b)
        assert ours[1] <= b[1] - MIN_CIEDE2000_GAIN, (name, ours, b)


def test_constant_colour_baseline_keeps_the_lightness_and_grey_copy_is_neutral():
    import torch

    from aerocolor.data import color

    grey = np.linspace(0.2, 0.8, 64, dtype=np.float32).reshape(8, 8)
    out = constant_colour(grey, np.array([-9.0, 12.0], np.float32))
    lab = color.rgb_to_lab(torch.from_numpy(out.transpose(2, 0, 1).copy()))
    assert torch.allclose(lab[0], color.grey_to_lightness(torch.from_numpy(grey)), atol=0.05)
    assert torch.allclose(lab[1:].mean((1, 2)), torch.tensor([-9.0, 12.0]), atol=0.1)
    g = grey_copy(grey)
    assert g.shape == (8, 8, 3) and np.array_equal(g[..., 0], g[..., 2])
