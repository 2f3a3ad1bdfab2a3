"""ONNX export and colorize through onnxruntime: tiny real models of every family, exported and run
beside torch on the same tiles; the CLI in a subprocess on a real GeoTIFF."""
import json
import os

import numpy as np
import pytest
import torch

from aerocolor.colorize import onnx_model
from aerocolor.colorize.inference import OnnxTileModel, TileModel
from aerocolor.config import TrainConfig
from aerocolor.data import color
from aerocolor.errors import BadInput
from aerocolor.models import checkpoint
from conftest import run_cli, write_geotiff

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

# Mean |ONNX - torch| allowed, in model units ([-1, 1]): half of 1/255 of the output range.
TOLERANCE = 1 / 255
FAMILIES = [("pix2pix", "lab"), ("cyclegan", "rgb"), ("cut", "lab"), ("fastcut", "rgb"), ("bicyclegan", "lab")]


def _untrained(family: str, mode: str, path: str) -> str:
    """A checkpoint of the family's generator (ngf 8, 64 px) with its initial weights and a complete
    card, saved as the trainer saves one: seconds quicker than a training step, and the same net."""
    from aerocolor.models import family_class
    from aerocolor.models.base import generator_multiple
    from aerocolor.nets.layers import init_weights

    cfg = TrainConfig.from_dict(dict(family=family, tile=64, color_mode=mode,
                                     model={"net": {"ngf": 8, "ndf": 8, "resnet_blocks": 2}}))
    card = {"family": family, "color_mode": mode, "tile": 64, "in_channels": 1,
            "out_channels": color.output_channels(mode), "multiple": generator_multiple(cfg.model.net, 64),
            "gsd": None, "stretch": cfg.stretch.to_dict(), "train": cfg.to_dict(), "epoch": 0, "total_epochs": 0}
    torch.manual_seed(len(family))
    net = init_weights(family_class(family).build_generator_from(card), "normal", 0.02)
    checkpoint.save(path, {"card": card, "generator": family_class(family).generator_name,
                           "nets": {family_class(family).generator_name: net.state_dict()}})
    return path


@pytest.fixture(scope="module")
def models(tiny_checkpoint, bicycle_checkpoint, tmp_path_factory):
    """A checkpoint of each family: pix2pix and BicycleGAN trained a few steps (conftest), the unpaired
    families with their initial weights."""
    folder = tmp_path_factory.mktemp("models")
    found = {"pix2pix": tiny_checkpoint, "bicyclegan": bicycle_checkpoint}
    for family, mode in FAMILIES:
        if family not in found:
            found[family] = _untrained(family, mode, str(folder / f"{family}.pt"))
    return found


def _tiles(n: int, side: int, seed: int) -> np.ndarray:
    """n grey tiles of a synthetic scene as 8-bit codes (n, side, side), as colorize cuts them."""
    from aerocolor.data.imageio import to_grey
    from aerocolor.data.synthetic import scene

    return np.stack([(to_grey(scene(side, side, seed + i))[..., 0] * 255).round().astype(np.uint8)
                     for i in range(n)])


def _compare(ckpt: str, onnx_path: str, sides=(64, 48)) -> list:
    """Mean |ONNX - torch| of the model output, TileModel against OnnxTileModel on the same tiles: at the
    model's tile (batch 5, the export traced 2) and resampled from another input tile side (batch 1)."""
    card, net = checkpoint.load_generator(ckpt)
    o_card, gen = onnx_model.load(onnx_path, threads=2)
    means = []
    for side, n in zip(sides, (5, 1)):
        pt, ox = TileModel(card, net, torch.device("cpu"), "fp32"), OnnxTileModel(o_card, gen)
        if card.get("nz"):
            z = torch.randn(1, card["nz"], generator=torch.Generator().manual_seed(side))
            pt.set_latent(z)
            ox.set_latent(z)
        x = pt.prepare(_tiles(n, side, seed=side))
        want, got = pt(x), ox(x)
        assert got.shape == want.shape == (n, pt.channels, side, side) and got.dtype == np.float32
        means.append(float(np.abs(got - want).mean()))
        # A tiny model's output can be small: the difference must be small beside it too.
        assert means[-1] < 1e-3 * float(np.abs(want).mean()), (means[-1], float(np.abs(want).mean()))
    return means


@pytest.mark.parametrize("family,mode", FAMILIES)
def test_each_familys_onnx_export_gives_torchs_output_and_keeps_its_card(family, mode, models, tmp_path):
    out = str(tmp_path / f"{family}.onnx")
    card = onnx_model.export(models[family], out)
    source = checkpoint.card_of(models[family])
    assert card == {**json.loads(json.dumps(source)), "exported": card["exported"]}
    assert card["family"] == family and card["color_mode"] == mode and card["exported"]["tile"] == 64
    read, gen = onnx_model.load(out)
    assert read == card and gen.tile == 64 and gen.nz == (4 if family == "bicyclegan" else 0)
    means = _compare(models[family], out)
    print(f"{family}: mean |onnx - torch| {means[0]:.2e} at the tile, {means[1]:.2e} resampled")
    assert max(means) < TOLERANCE, means


def test_a_calibrated_generator_exports_with_its_calibration(tiny_checkpoint, synthetic_pairs, tmp_path):
    from aerocolor.training.calibrate import calibrate

    calibrated = str(tmp_path / "calibrated.pt")
    calibrate(tiny_checkpoint, synthetic_pairs, calibrated, max_tiles=16)
    # The tiny model's fitted gain may be 0, which would make every output grey and the comparison
    # empty: a gain below 1 keeps the familiarity map the one thing that shapes the chroma.
    obj = checkpoint.load(calibrated)
    obj["card"]["calibration"]["gain"] = 0.9
    checkpoint.save(calibrated, {k: v for k, v in obj.items() if k not in ("format", "format_version")})
    out = str(tmp_path / "calibrated.onnx")
    assert onnx_model.export(calibrated, out)["exported"]["calibrated"]
    # The calibration acts on this input (salt-and-pepper grain, unlike the training scenes)...
    _, plain = checkpoint.load_generator(tiny_checkpoint)
    card, calib = checkpoint.load_generator(calibrated)
    odd = color.model_input((torch.rand(2, 1, 64, 64, generator=torch.Generator().manual_seed(1)) > 0.5).float(),
                            "lab")
    with torch.no_grad():
        want, before = calib(odd).numpy(), plain(odd).numpy()
    assert np.abs(want).mean() < 0.6 * np.abs(before).mean()
    # ...and the export gives the calibrated output, not the plain one (the tiny model's chroma is
    # small, so the difference is measured against it as well).
    diff = float(np.abs(onnx_model.load(out)[1].run(odd.numpy()) - want).mean())
    print(f"calibrated: mean |onnx - torch| {diff:.2e}, mean |torch| {np.abs(want).mean():.2e}")
    assert diff < 1e-3 * np.abs(want).mean()
    assert max(_compare(calibrated, out)) < TOLERANCE


def test_cli_colorize_with_the_onnx_export_gives_the_pt_models_pixels(bicycle_checkpoint, tmp_path):
    from osgeo import gdal

    onnx_path = str(tmp_path / "bicycle.onnx")
    res = run_cli("export", "--onnx", bicycle_checkpoint, onnx_path)
    assert res.returncode == 0 and os.path.getsize(onnx_path) > 0, res.stderr[-2000:]
    src = write_geotiff(str(tmp_path / "grey.tif"), _tiles(1, 150, seed=7)[0][:, :130])
    pixels, settings = {}, {}
    for kind, model in (("pt", bicycle_checkpoint), ("onnx", onnx_path)):
        out = str(tmp_path / f"colour_{kind}.tif")
        res = run_cli("colorize", "--model", model, src, out, "--samples", "2", "--seed", "5", "--precision", "fp32",
                      "--threads", "2", "--no-overviews")
        assert res.returncode == 0, res.stderr[-2000:]
        pixels[kind], settings[kind] = [], []
        for k in (1, 2):
            ds = gdal.Open(str(tmp_path / f"colour_{kind}_{k}.tif"))
            pixels[kind].append(ds.ReadAsArray().astype(np.int16))
            settings[kind].append(json.loads(ds.GetMetadataItem("AEROCOLOR_SETTINGS")))
            ds = None
    for k in range(2):
        diff = np.abs(pixels["onnx"][k] - pixels["pt"][k])
        print(f"sample {k + 1}: mean |onnx - pt| {diff.mean():.4f} of 255, max {diff.max()}")
        assert pixels["onnx"][k].shape == (4, 150, 130) and diff.mean() < 1.0
        assert settings["onnx"][k]["z_values"] == settings["pt"][k]["z_values"]
    assert np.abs(pixels["onnx"][0] - pixels["onnx"][1]).max() > 0  # two codes, two colourings


def test_an_onnx_file_that_is_not_an_aerocolor_export_is_refused(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    grey = helper.make_tensor_value_info("grey", TensorProto.FLOAT, ["batch", 1, 64, 64])
    colour = helper.make_tensor_value_info("colour", TensorProto.FLOAT, ["batch", 1, 64, 64])
    graph = helper.make_graph([helper.make_node("Identity", ["grey"], ["colour"])], "other", [grey], [colour])
    foreign = str(tmp_path / "other.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), foreign)
    src = write_geotiff(str(tmp_path / "grey.tif"), _tiles(1, 64, seed=3)[0])
    out = str(tmp_path / "out.tif")
    res = run_cli("colorize", "--model", foreign, src, out)
    assert res.returncode == 2, res.stderr[-2000:]
    message = res.stderr.strip().splitlines()[-1]
    assert "not an AeroColor export" in message and message.count(". ") == 0 and message.endswith(".")
    assert not os.path.exists(out)
    # Bytes that are not ONNX at all, refused the same way.
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(BadInput, match="not a model onnxruntime can run"):
        onnx_model.load(str(junk))


def test_what_an_onnx_export_cannot_do_is_refused_in_one_sentence(tiny_checkpoint, bicycle_checkpoint, tmp_path,
                                                                    capsys):
    from aerocolor.colorize.engine import colorize

    pix, bicycle = str(tmp_path / "pix2pix.onnx"), str(tmp_path / "bicycle.onnx")
    onnx_model.export(tiny_checkpoint, pix)
    onnx_model.export(bicycle_checkpoint, bicycle)
    src = write_geotiff(str(tmp_path / "grey.tif"), _tiles(1, 64, seed=3)[0])
    out = str(tmp_path / "out.tif")
    for model, options, words in ((pix, {"tile": 128}, "exported for tiles of 64 px"),
                                  (pix, {"precision": "bf16"}, "fp32 only"),
                                  (bicycle, {"z_reference": src}, "does not hold")):
        with pytest.raises(BadInput, match=words):
            colorize(model, src, out, threads=2, **options)
        assert not os.path.exists(out)
    with pytest.raises(BadInput, match="with .onnx"):
        onnx_model.export(tiny_checkpoint, str(tmp_path / "model.pt"))
    # The command's own mismatches (colorize tells the kinds apart by the name), with exit code 2.
    from aerocolor import cli

    assert cli._main(["info", pix, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == onnx_model.read_card(pix)

    for argv, words in ((["export", tiny_checkpoint, str(tmp_path / "a.onnx")], "add --onnx"),
                        (["export", "--onnx", "--all-nets", tiny_checkpoint, str(tmp_path / "b.onnx")],
                         "holds the generator alone")):
        assert cli._main(argv) == 2
        assert words in capsys.readouterr().err and not os.path.exists(argv[-1])


def test_many_rasters_in_one_job_with_an_onnx_model(tiny_checkpoint, tmp_path):
    from osgeo import gdal

    from aerocolor.colorize.batch import colorize_many
    from aerocolor.colorize.engine import colorize

    model = str(tmp_path / "pix2pix.onnx")
    onnx_model.export(tiny_checkpoint, model)
    inputs = [write_geotiff(str(tmp_path / f"frame_{k}.tif"), _tiles(1, 80, seed=k)[0]) for k in (1, 2)]
    out_dir = tmp_path / "colour"
    out_dir.mkdir()
    res = colorize_many(model, inputs, str(out_dir), threads=2, overviews=False)
    assert [f.status for f in res.files] == ["done", "done"]
    one = str(tmp_path / "one.tif")
    colorize(tiny_checkpoint, inputs[1], one, threads=2, overviews=False, precision="fp32")
    diff = np.abs(gdal.Open(res.files[1].output).ReadAsArray().astype(np.int16)
                  - gdal.Open(one).ReadAsArray().astype(np.int16))
    assert diff.mean() < 1.0
