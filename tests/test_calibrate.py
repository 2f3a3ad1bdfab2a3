"""Chroma calibration: colour falls back toward grey on scenes unlike the model's training."""
import os

import numpy as np
import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.models.calibrated import CalibratedGenerator, fit
from aerocolor.data import color
from aerocolor.data.datasets import PairedDataset
from aerocolor.errors import BadInput
from conftest import run_cli, write_geotiff


@pytest.fixture(scope="module")
def calibrated(tiny_checkpoint, synthetic_pairs, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("calib") / "calibrated.pt")
    res = run_cli("calibrate", tiny_checkpoint, out, "--data", synthetic_pairs)
    assert res.returncode == 0, res.stderr[-2000:]
    return out


def _chroma(net, grey):
    with torch.no_grad():
        return float(net(color.model_input(grey, "lab")).float().abs().mean())


def test_calibrated_chroma_falls_on_a_scene_unlike_training_and_holds_on_familiar_ones(
        tiny_checkpoint, calibrated, synthetic_pairs):
    _, plain = checkpoint.load_generator(tiny_checkpoint)
    card, calib = checkpoint.load_generator(calibrated)
    assert isinstance(calib, CalibratedGenerator) and 0 < card["calibration"]["gain"] <= 1
    # Unlike anything in the synthetic scenes: salt-and-pepper grain, every pixel its own edge.
    odd = (torch.rand(2, 1, 64, 64, generator=torch.Generator().manual_seed(1)) > 0.5).float()
    assert _chroma(calib, odd) < 0.6 * _chroma(plain, odd)
    # Validation tiles of its own kind are familiar: their colour keeps most of its strength.
    val = PairedDataset(synthetic_pairs, "val", 64, augment=None)
    grey = torch.stack([val[i]["A"] for i in range(len(val))])
    with torch.no_grad():
        assert float(calib.familiarity(color.model_input(grey, "lab")).mean()) > 0.8


def test_a_calibrated_checkpoint_colorizes_end_to_end(calibrated, tmp_path):
    from osgeo import gdal

    rng = np.random.default_rng(2)
    path = write_geotiff(str(tmp_path / "grey.tif"), (rng.random((96, 80)) * 255).astype(np.uint8))
    res = run_cli("colorize", "--model", calibrated, path, str(tmp_path / "out.tif"))
    assert res.returncode == 0, res.stderr[-2000:]
    assert gdal.Open(str(tmp_path / "out.tif")).RasterCount == 4


def test_calibration_is_refused_for_rgb_models_and_twice(calibrated, synthetic_pairs, tmp_path):
    with pytest.raises(BadInput, match="Only Lab models"):
        fit(torch.nn.Identity(), {"color_mode": "rgb"}, [], [])
    res = run_cli("calibrate", calibrated, str(tmp_path / "again.pt"), "--data", synthetic_pairs)
    assert res.returncode == 2 and "calibrated already" in res.stderr
    assert not os.path.exists(tmp_path / "again.pt")


def test_the_gain_can_be_fitted_on_frames_the_model_did_not_train_on(calibrated, tiny_checkpoint, synthetic_pairs,
                                                                     tmp_path):
    """--gain-data: every tile of another dataset sets the gain. Its truth here is colourless, so the
    least-squares gain falls to 0, far below the one fitted on the model's own validation tiles."""
    from aerocolor.data.build import DatasetConfig, build_dataset

    grey = np.repeat((np.random.default_rng(3).random((1, 128, 128)) * 255).astype(np.uint8), 3, 0)
    other = str(tmp_path / "other")
    build_dataset([write_geotiff(str(tmp_path / "grey_rgb.tif"), grey)], DatasetConfig(out=other, tile=64, seed=1))
    out = str(tmp_path / "cal_other.pt")
    res = run_cli("calibrate", tiny_checkpoint, out, "--data", synthetic_pairs, "--gain-data", other)
    assert res.returncode == 0, res.stderr[-2000:]
    cal = checkpoint.card_of(out)["calibration"]
    own = checkpoint.card_of(calibrated)["calibration"]
    assert cal["gain_data"] == other and cal["gain"] < 0.05 < own["gain"]
    assert cal["feature_mean"] == own["feature_mean"]  # familiarity still from the model's own training tiles


class _Scaled(torch.nn.Module):
    """A generator whose colour is `k` times another's: what an L1 model that learned too-weak
    colour looks like."""

    def __init__(self, net, k):
        super().__init__()
        self.net, self.k = net, k

    def forward(self, x, *z):
        return self.net(x, *z) * self.k


def test_the_gain_may_exceed_1_only_when_asked_and_restores_a_weakened_colour(tiny_checkpoint, synthetic_pairs):
    card, plain = checkpoint.load_generator(tiny_checkpoint)
    train = PairedDataset(synthetic_pairs, "train", 64, augment=None)
    val = PairedDataset(synthetic_pairs, "val", 64, augment=None)
    greys = [torch.stack([train[i]["A"] for i in range(len(train))])]
    pairs = [(torch.stack([val[i]["A"] for i in range(len(val))]), torch.stack([val[i]["B"] for i in range(len(val))]))]
    # The tiny model's own least-squares gain, uncapped: the weakened copy's is four times it.
    own = fit(plain, card, greys, pairs, max_gain=4.0)["gain"]
    weak = _Scaled(plain, 0.25).eval()
    assert fit(weak, card, greys, pairs, max_gain=4.0)["gain"] == pytest.approx(min(4.0, 4 * own), rel=0.01)
    assert fit(weak, card, greys, pairs)["gain"] == pytest.approx(min(1.0, 4 * own), rel=0.01)  # capped at 1
    assert own > 0.3   # the premise: the tiny model has some right colour to restore


def test_a_max_gain_out_of_range_is_refused_before_reading_anything(tmp_path):
    res = run_cli("calibrate", str(tmp_path / "missing.pt"), str(tmp_path / "out.pt"), "--data", str(tmp_path),
                  "--max-gain", "0")
    assert res.returncode == 2 and "--max-gain 0 is out of range" in res.stderr
