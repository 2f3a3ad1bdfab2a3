"""BicycleGAN's latent code at inference: random with a seed, read from a reference colour image by
the encoder E (kept in checkpoints and exports), or fixed; each output records its code. A tiny real
model, real GeoTIFFs, colorize and the CLI."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch
from osgeo import gdal

from conftest import run_cli, write_geotiff

from aerocolor.models import checkpoint
from aerocolor.colorize.engine import colorize
from aerocolor.config import TrainConfig
from aerocolor.data import color
from aerocolor.data.synthetic import scene
from aerocolor.errors import BadInput
from aerocolor.models.bicyclegan import BicycleGAN, encoder_input
from aerocolor.protocol import EXIT_BAD_INPUT

gdal.UseExceptions()
FAST = dict(overviews=False, precision="fp32", device="cpu", threads=2, gsd="native")
NZ = 4


def _cfg(data: str, run: str = "", color_mode: str = "lab") -> TrainConfig:
    return TrainConfig.from_dict(dict(
        family="bicyclegan", data=data, run=run, tile=64, batch=2, epochs=1, decay_epochs=0, steps_per_epoch=2,
        threads=2, seed=3, color_mode=color_mode, model={"nz": NZ, "nef": 8, "net": {"ngf": 8, "ndf": 8}}))


@pytest.fixture(scope="module")
def bicycle(tmp_path_factory, synthetic_pairs) -> str:
    """A tiny BicycleGAN (Lab, 64 px, nz 4) trained for two steps: its training checkpoint."""
    from aerocolor.training.trainer import train

    return train(_cfg(synthetic_pairs, str(tmp_path_factory.mktemp("runs") / "bicycle")))


@pytest.fixture(scope="module")
def rasters(tmp_path_factory) -> dict:
    """A 64 px grey GeoTIFF to colorize (one tile) and colour references: two tile-sized ones of
    different colours, a grey one, and a large non-square one."""
    d = tmp_path_factory.mktemp("rasters")
    rgb = scene(64, 64, 11)
    grey = (rgb @ np.asarray(color.LUMA_WEIGHTS, np.float32) * 255).round().astype(np.uint8)

    def colour(name, img):
        return write_geotiff(str(d / name), (np.clip(img, 0, 1).transpose(2, 0, 1) * 255).round().astype(np.uint8))

    return {"grey": write_geotiff(str(d / "grey.tif"), grey),
            "red": colour("red.tif", scene(64, 64, 3) * np.float32([1.0, 0.45, 0.3])),
            "blue": colour("blue.tif", scene(64, 64, 5) * np.float32([0.3, 0.6, 1.0])),
            "large": colour("large.tif", scene(300, 200, 7)),
            "grey_ref": write_geotiff(str(d / "grey_ref.tif"), grey)}


def _read(path: str) -> np.ndarray:
    return gdal.Open(path).ReadAsArray()


def _settings(path: str) -> dict:
    return json.loads(gdal.Open(path).GetMetadataItem("AEROCOLOR_SETTINGS"))


def _encoder_of(path: str) -> torch.nn.Module:
    obj = checkpoint.load(path)
    enc = BicycleGAN.build_encoder_from(obj["card"])
    enc.load_state_dict(obj["nets"]["E"])
    return enc.eval()


def _tile_model_rgb(path: str, grey_tif: str, z: torch.Tensor) -> np.ndarray:
    """The one-tile raster through TileModel with the code set by set_latent, composed as colorize writes it."""
    from aerocolor.colorize.compose import rgba_chunks
    from aerocolor.colorize.inference import TileModel

    card, net = checkpoint.load_generator(path)
    model = TileModel(card, net, torch.device("cpu"), "fp32")
    model.set_latent(z)
    grey = _read(grey_tif)
    x = model.prepare(grey)
    colour = model(x[None])[0].astype(np.float16)
    valid = np.ones(grey.shape, bool)
    return np.concatenate([rgba for _, rgba in rgba_chunks(x, valid, colour, card["color_mode"])], axis=1)[:3]


# -- what E reads ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["lab", "rgb"])
def test_encoder_input_is_what_training_feeds_e(mode, synthetic_pairs):
    """A reference is prepared exactly as training prepares a colour tile B for E (optimize's
    colour_image of real_A and real_B, from the real dataset's pair)."""
    from aerocolor.data.datasets import PairedDataset

    pair = PairedDataset(synthetic_pairs, "val", tile=64, augment=None)[0]
    torch.manual_seed(0)
    fam = BicycleGAN(_cfg(synthetic_pairs, color_mode=mode), torch.device("cpu"))
    fam.set_input({"A": pair["A"][None], "B": pair["B"][None]})
    trained_on = fam.colour_image(fam.real_A, fam.real_B).float()
    got = encoder_input(pair["B"][None], mode)
    assert got.shape == trained_on.shape == (1, 3, 64, 64)
    if mode == "lab":
        # A/ holds the scene's luma in 8 bits, B the scene in 8 bits: L* from B's luma is within
        # about one 8-bit grey step (0.0085 at mid-grey in model units) of L* from A.
        assert float((got[:, :1] - trained_on[:, :1]).abs().max()) < 0.01
        got, trained_on = got[:, 1:], trained_on[:, 1:]
    assert torch.allclose(got, trained_on, atol=1e-5)


def test_a_reference_is_scaled_to_the_tile_and_centre_cropped(rasters):
    from aerocolor.data.imageio import read_image
    from aerocolor.colorize.latent import reference_input

    card = {"tile": 64, "color_mode": "rgb"}
    exact = reference_input(rasters["red"], card)
    img, _ = read_image(rasters["red"])
    assert torch.allclose(exact, torch.from_numpy(img.transpose(2, 0, 1))[None] * 2 - 1, atol=1e-6)
    # 200x300 px, read reduced by GDAL and scaled to 64x96: the middle 64 rows are kept.
    large = reference_input(rasters["large"], card)
    full, _ = read_image(rasters["large"])
    small = torch.nn.functional.interpolate(torch.from_numpy(full.transpose(2, 0, 1))[None], size=(96, 64),
                                            mode="bilinear", antialias=True)[..., 16:80, :]
    assert large.shape == (1, 3, 64, 64)
    assert float((large - (small * 2 - 1)).abs().mean()) < 0.02


# -- checkpoints keep E -----------------------------------------------------------------------
def test_exports_keep_the_encoder_and_older_exports_still_load(bicycle, rasters, tmp_path):
    out = str(tmp_path / "export.pt")
    checkpoint.export(bicycle, out)
    obj = checkpoint.load(out)
    assert set(obj["nets"]) == {"G", "E"} and obj["card"]["exported"]["nets"] == ["G", "E"]
    want = _encoder_of(bicycle).state_dict()
    for k, v in checkpoint.load_encoder(out).state_dict().items():
        assert torch.allclose(v, want[k], atol=2e-3, rtol=2e-3), k  # fp16 copies
    r = colorize(out, rasters["grey"], str(tmp_path / "ref.tif"), z_reference=rasters["red"], **FAST)
    assert _settings(r.outputs[0])["z"] == "reference"

    # An export written before exports kept E: it colorizes with random or fixed codes as before,
    # and a reference gets one sentence saying how to make an export that has E.
    old = str(tmp_path / "old.pt")
    checkpoint.save(old, {"card": obj["card"], "generator": "G", "nets": {"G": obj["nets"]["G"]}})
    colorize(old, rasters["grey"], str(tmp_path / "old_random.tif"), **FAST)
    colorize(old, rasters["grey"], str(tmp_path / "old_fixed.tif"), z_fixed="zeros", **FAST)
    with pytest.raises(BadInput, match="has no encoder.*export it again from its training checkpoint") as info:
        colorize(old, rasters["grey"], str(tmp_path / "old_ref.tif"), z_reference=rasters["red"], **FAST)
    assert info.value.message.count(". ") == 0
    assert not os.path.exists(tmp_path / "old_ref.tif")


def test_info_says_whether_a_reference_image_can_set_the_code(bicycle, tmp_path):
    out = str(tmp_path / "export.pt")
    checkpoint.export(bicycle, out)
    obj = checkpoint.load(out)
    old = str(tmp_path / "old.pt")
    checkpoint.save(old, {"card": obj["card"], "generator": "G", "nets": {"G": obj["nets"]["G"]}})
    text = run_cli("info", out).stdout
    assert "networks      E, G" in text and f"latent code   nz {NZ}; --z-reference can read it" in text
    text = run_cli("info", old).stdout
    assert "networks      G" in text and "has no encoder, so --z-reference cannot be used" in text


# -- z from a reference image, fixed z ------------------------------------------------------------
def test_z_from_a_reference_image_is_the_encoders_mean_for_it(bicycle, rasters, tmp_path):
    from aerocolor.data.imageio import read_image

    # E's mean for the reference, computed the way training runs E (set_input, colour_image).
    img, _ = read_image(rasters["red"])
    rgb = torch.from_numpy(img.transpose(2, 0, 1))[None]
    torch.manual_seed(0)
    fam = BicycleGAN(TrainConfig.from_dict(checkpoint.card_of(bicycle)["train"]), torch.device("cpu"))
    fam.set_input({"A": color.rgb_to_grey(rgb), "B": rgb})
    with torch.no_grad():
        mu, _ = _encoder_of(bicycle)(fam.colour_image(fam.real_A, fam.real_B))

    out = str(tmp_path / "ref.tif")
    r = colorize(bicycle, rasters["grey"], out, z_reference=rasters["red"], **FAST)
    assert r.outputs == [out]
    settings = _settings(out)
    assert settings["z"] == "reference" and settings["z_reference"] == os.path.abspath(rasters["red"])
    assert "seed" not in settings and "samples" not in settings
    np.testing.assert_allclose(settings["z_values"], mu[0].numpy(), atol=1e-5)
    got = _read(out)[:3].astype(int)
    assert np.abs(got - _tile_model_rgb(bicycle, rasters["grey"], mu).astype(int)).max() <= 1
    # The recorded code makes the same colouring again.
    again = str(tmp_path / "again.tif")
    colorize(bicycle, rasters["grey"], again, z_fixed=",".join(str(v) for v in settings["z_values"]), **FAST)
    assert (_read(again) == _read(out)).all() and _settings(again)["z"] == "fixed"

    # Another reference, another code, another colouring.
    other = colorize(bicycle, rasters["grey"], str(tmp_path / "blue.tif"), z_reference=rasters["blue"], **FAST)
    assert np.abs(np.asarray(_settings(other.outputs[0])["z_values"]) - settings["z_values"]).max() > 1e-3
    assert np.abs(_read(other.outputs[0])[:3].astype(int) - got).max() > 0


def test_fixed_zeros_is_deterministic_and_differs_from_a_random_code(bicycle, rasters, tmp_path):
    a = colorize(bicycle, rasters["grey"], str(tmp_path / "a.tif"), z_fixed="zeros", **FAST).outputs[0]
    b = colorize(bicycle, rasters["grey"], str(tmp_path / "b.tif"), z_fixed="zeros", seed=5, **FAST).outputs[0]
    rnd = colorize(bicycle, rasters["grey"], str(tmp_path / "r.tif"), **FAST).outputs[0]
    assert (_read(a) == _read(b)).all()
    assert _settings(a)["z"] == "fixed" and _settings(a)["z_values"] == [0.0] * NZ
    assert np.abs(_read(a)[:3].astype(int) - _read(rnd)[:3].astype(int)).max() > 0
    rs = _settings(rnd)
    assert rs["z"] == "random" and rs["seed"] == 0 and rs["sample"] == 1 and len(rs["z_values"]) == NZ
    assert rs["z_values"] != [0.0] * NZ
    # The same code given as numbers, and by its other name.
    c = colorize(bicycle, rasters["grey"], str(tmp_path / "c.tif"), z_fixed="0,0,0,0", **FAST).outputs[0]
    d = colorize(bicycle, rasters["grey"], str(tmp_path / "d.tif"), z_fixed="mean", **FAST).outputs[0]
    assert (_read(c) == _read(a)).all() and (_read(d) == _read(a)).all()


def test_latent_code_bad_input_gets_one_sentence(bicycle, rasters, tiny_checkpoint, tmp_path):
    grey, red = rasters["grey"], rasters["red"]
    cases = [
        (bicycle, dict(z_reference=red, samples=2), "--samples 2 draws random latent codes"),
        (bicycle, dict(z_fixed="zeros", samples=3), "--samples 3 draws random latent codes"),
        (bicycle, dict(z_reference=red, z_fixed="zeros"), "either --z-reference or --z-fixed"),
        (bicycle, dict(z_fixed="1,2"), "zeros or 4 comma-separated numbers"),
        (bicycle, dict(z_fixed="1,2,x,4"), "zeros or 4 comma-separated numbers"),
        (bicycle, dict(z_fixed="1,2,nan,4"), "zeros or 4 comma-separated numbers"),
        (bicycle, dict(z_fixed=""), "zeros or 4 comma-separated numbers"),
        (bicycle, dict(z_reference=rasters["grey_ref"]), "grey image"),
        (bicycle, dict(z_reference=str(tmp_path / "none.png")), "does not exist"),
        (tiny_checkpoint, dict(z_reference=red), "this pix2pix model gives one colouring, so drop --z-reference"),
        (tiny_checkpoint, dict(z_fixed="zeros"), "drop --z-fixed"),
    ]
    out = str(tmp_path / "o.tif")
    for model, opts, words in cases:
        with pytest.raises(BadInput, match=words) as info:
            colorize(model, grey, out, **opts, **FAST)
        assert info.value.message.count(". ") == 0, info.value.message
        assert not os.path.exists(out) and not os.path.exists(str(tmp_path / "o_1.tif"))
    # A loaded (card, generator) pair has no encoder to read a reference with.
    card, net = checkpoint.load_generator(bicycle)
    with pytest.raises(BadInput, match="pass the checkpoint's path"):
        colorize((card, net), grey, out, z_reference=red, **FAST)
    r = colorize((card, net, _encoder_of(bicycle)), grey, out, z_reference=red, **FAST)
    assert _settings(r.outputs[0])["z"] == "reference"


def test_cli_takes_the_code_from_a_reference_or_a_fixed_vector(bicycle, rasters, tmp_path, capsys):
    from aerocolor.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["colorize", "--help"])
    text = capsys.readouterr().out
    assert "--z-reference IMAGE" in text and "--z-fixed" in text and "zeros" in text
    out = str(tmp_path / "cli.tif")
    res = run_cli("colorize", "--model", bicycle, rasters["grey"], out, "--z-reference", rasters["red"],
                  "--gsd", "native", "--precision", "fp32", "--no-overviews", "--threads", "2")
    assert res.returncode == 0, res.stderr
    assert _settings(out)["z"] == "reference"
    neg = str(tmp_path / "neg.tif")
    res = run_cli("colorize", "--model", bicycle, rasters["grey"], neg, "--z-fixed=-0.5,1,0,2",
                  "--gsd", "native", "--precision", "fp32", "--no-overviews", "--threads", "2")
    assert res.returncode == 0, res.stderr
    assert _settings(neg)["z_values"] == [-0.5, 1.0, 0.0, 2.0]
    res = run_cli("colorize", "--model", bicycle, rasters["grey"], str(tmp_path / "bad.tif"), "--samples", "2",
                  "--z-fixed", "zeros")
    assert res.returncode == EXIT_BAD_INPUT and "drop one of them" in res.stderr
