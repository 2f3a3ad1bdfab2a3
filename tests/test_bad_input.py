"""Bad input gets one sentence naming the file and what to do, exit code 2, and loses nothing."""
import os
import shutil

import numpy as np
import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.errors import BadInput, DiskError
from conftest import run_cli


def _one_sentence(stderr: str) -> str:
    msg = stderr.strip().splitlines()[-1]
    assert msg.startswith("aerocolor ") and "Traceback" not in stderr
    return msg


def _train(data, run, *extra):
    return run_cli("train", "--data", data, "--run", run, "--tile", "64", "--ngf", "8", "--ndf", "8",
                   "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "1", *extra)


def _copy_set(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_empty_dataset(tmp_path):
    os.makedirs(tmp_path / "empty")
    res = _train(str(tmp_path / "empty"), str(tmp_path / "run"))
    assert res.returncode == 2
    assert "holds no training images" in _one_sentence(res.stderr)


def test_missing_dataset(tmp_path):
    res = _train(str(tmp_path / "nowhere"), str(tmp_path / "run"))
    assert res.returncode == 2 and "does not exist" in _one_sentence(res.stderr)


def test_file_that_is_not_an_image(tmp_path, synthetic_pairs):
    data = _copy_set(synthetic_pairs, str(tmp_path / "d"))
    for sub in ("A", "B"):
        with open(os.path.join(data, "train", sub, "aaa_broken.png"), "wb") as fh:
            fh.write(b"this is not a png")
    res = _train(data, str(tmp_path / "run"))
    assert res.returncode == 2
    msg = _one_sentence(res.stderr)
    assert "aaa_broken.png" in msg and "not an image" in msg


def test_a_and_b_of_different_sizes(tmp_path, synthetic_pairs):
    from PIL import Image

    data = _copy_set(synthetic_pairs, str(tmp_path / "d"))
    Image.new("RGB", (96, 80)).save(os.path.join(data, "train", "B", "aaa.png"))
    Image.new("L", (64, 64)).save(os.path.join(data, "train", "A", "aaa.png"))
    res = _train(data, str(tmp_path / "run"))
    assert res.returncode == 2
    msg = _one_sentence(res.stderr)
    assert "aaa.png" in msg and "same size" in msg


def test_a_without_b(tmp_path, synthetic_pairs):
    data = _copy_set(synthetic_pairs, str(tmp_path / "d"))
    os.remove(os.path.join(data, "train", "B", sorted(os.listdir(os.path.join(data, "train", "B")))[0]))
    res = _train(data, str(tmp_path / "run"))
    assert res.returncode == 2 and "only one of A/ and B/" in _one_sentence(res.stderr)


def test_tile_larger_than_the_images(tmp_path, synthetic_pairs):
    res = run_cli("train", "--data", synthetic_pairs, "--run", str(tmp_path / "run"), "--tile", "128",
                  "--ngf", "8", "--ndf", "8", "--epochs", "1", "--decay-epochs", "0")
    assert res.returncode == 2
    msg = _one_sentence(res.stderr)
    assert "larger than" in msg and "--tile 64" in msg


def test_existing_run_is_not_overwritten(tmp_path, synthetic_pairs, tiny_checkpoint):
    run = os.path.dirname(os.path.dirname(tiny_checkpoint))
    before = open(tiny_checkpoint, "rb").read()
    res = _train(synthetic_pairs, run)
    assert res.returncode == 2 and "--resume" in _one_sentence(res.stderr)
    assert open(tiny_checkpoint, "rb").read() == before


@pytest.fixture()
def bad_checkpoints(tmp_path, tiny_checkpoint):
    data = open(tiny_checkpoint, "rb").read()
    paths = {}
    paths["truncated"] = tmp_path / "truncated.pt"
    paths["truncated"].write_bytes(data[: len(data) // 2])
    paths["foreign"] = tmp_path / "foreign.pt"
    torch.save({"state_dict": {"w": torch.zeros(2)}, "epoch": 3}, paths["foreign"])
    paths["pickle"] = tmp_path / "pickle.pt"
    torch.save({"format": "aerocolor-checkpoint", "card": {}, "nets": {}, "extra": np.random.default_rng(0)},
               paths["pickle"])
    paths["empty"] = tmp_path / "empty.pt"
    paths["empty"].write_bytes(b"")
    return {k: str(v) for k, v in paths.items()}


@pytest.mark.parametrize("kind,words", [("truncated", "damaged"), ("foreign", "another program"),
                                        ("pickle", "needs code execution"), ("empty", "empty")])
def test_bad_checkpoints_are_refused_in_one_sentence(bad_checkpoints, kind, words):
    with pytest.raises(BadInput, match=words):
        checkpoint.load(bad_checkpoints[kind])
    res = run_cli("info", bad_checkpoints[kind])
    assert res.returncode == 2 and words in _one_sentence(res.stderr)


def test_weights_that_do_not_fit_the_card_are_refused(tmp_path, tiny_checkpoint):
    obj = checkpoint.load(tiny_checkpoint)
    g = obj["nets"][obj.get("generator", "G")]
    name = next(k for k, v in g.items() if v.dim() == 4)
    cases = {"shape": {**g, name: torch.zeros(3, 3, 3, 3)}, "missing": {k: v for k, v in g.items() if k != name}}
    for kind, weights in cases.items():
        path = str(tmp_path / f"{kind}.pt")
        checkpoint.save(path, {"card": obj["card"], "generator": "G", "nets": {"G": weights}})
        with pytest.raises(BadInput, match="do not match the model its card describes"):
            checkpoint.load_generator(path)


def test_a_generator_is_loaded_with_the_checkpoint_weights_in_fp32(tmp_path, tiny_checkpoint):
    obj = checkpoint.load(tiny_checkpoint)
    g = obj["nets"][obj.get("generator", "G")]
    for half in (False, True):
        path = str(tmp_path / f"export_{half}.pt")
        checkpoint.export(tiny_checkpoint, path, half=half)
        _, net = checkpoint.load_generator(path)
        state = net.state_dict()
        assert set(state) == set(g)
        for k, v in g.items():
            assert not state[k].is_meta and state[k].dtype == v.dtype
            expect = v.half().to(v.dtype) if half and v.is_floating_point() else v
            assert torch.equal(state[k], expect), k
        assert not net.training


def test_a_full_disk_keeps_the_previous_checkpoint(tmp_path, tiny_checkpoint):
    # A real ENOSPC from the kernel: the temporary file is /dev/full.
    target = str(tmp_path / "latest.pt")
    shutil.copy(tiny_checkpoint, target)
    before = open(target, "rb").read()
    os.symlink("/dev/full", target + ".part")
    payload = checkpoint.load(target)
    with pytest.raises(DiskError, match="space"):
        checkpoint.save(target, payload)
    assert open(target, "rb").read() == before
    assert not os.path.lexists(target + ".part")
    checkpoint.load(target)


@pytest.mark.parametrize("layout", [[], ["--no-overviews"], ["--cog"]])
def test_a_full_disk_during_colorize_exits_with_the_disk_code_quietly(tmp_path, tiny_checkpoint, layout):
    """ENOSPC on every write (the output's temporary file is /dev/full): the disk exit code, one sentence,
    no GDAL noise, nothing under the final name, and no hang (GDAL's close retried the writes for minutes)."""
    from aerocolor.protocol import EXIT_DISK
    from conftest import write_geotiff

    src = write_geotiff(str(tmp_path / "in.tif"), (np.arange(200 * 300) % 251).reshape(200, 300).astype(np.uint8))
    out = str(tmp_path / "out.tif")
    os.symlink("/dev/full", out + ".part")
    res = run_cli("colorize", src, out, "--model", tiny_checkpoint, *layout, timeout=120)
    assert res.returncode == EXIT_DISK, res.stderr[-2000:]
    assert "Could not write" in res.stderr or "No space left" in res.stderr
    assert "Exception ignored" not in res.stderr and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert not os.path.lexists(out) and not os.path.lexists(out + ".part")


def test_unknown_option_in_a_config_file(tmp_path, synthetic_pairs):
    cfg = tmp_path / "c.json"
    cfg.write_text('{"model": {"net": {"ngf": 8, "nfg": 3}}}')
    res = _train(synthetic_pairs, str(tmp_path / "run"), "--config", str(cfg))
    assert res.returncode == 2 and "nfg" in _one_sentence(res.stderr)


def test_a_two_band_raster_says_which_band_is_colorized(tmp_path, tiny_checkpoint):
    from osgeo import gdal

    from aerocolor.colorize.engine import colorize
    from conftest import write_geotiff

    two = np.stack([np.full((64, 64), 120, np.uint8), np.full((64, 64), 255, np.uint8)])
    plain = write_geotiff(str(tmp_path / "two.tif"), two)
    res = colorize(tiny_checkpoint, plain, str(tmp_path / "out.tif"), overviews=False)
    assert any("band 2 is not an alpha band" in n and "gdal_translate -b 2" in n for n in res.notices), res.notices
    alpha = write_geotiff(str(tmp_path / "alpha.tif"), two)
    ds = gdal.Open(alpha, gdal.GA_Update)
    ds.GetRasterBand(2).SetColorInterpretation(gdal.GCI_AlphaBand)
    ds = None
    res = colorize(tiny_checkpoint, alpha, str(tmp_path / "out2.tif"), overviews=False)
    assert any("band 2 is its alpha" in n for n in res.notices), res.notices


def test_an_all_nodata_raster_warns_that_the_output_is_empty(tmp_path, tiny_checkpoint):
    from aerocolor.colorize.engine import colorize
    from conftest import write_geotiff

    src = write_geotiff(str(tmp_path / "empty.tif"), np.zeros((80, 80), np.uint8), nodata=0)
    res = colorize(tiny_checkpoint, src, str(tmp_path / "out.tif"), overviews=False)
    assert res.tiles == 0 and any("fully transparent" in n and "nodata" in n for n in res.notices), res.notices
    some = write_geotiff(str(tmp_path / "some.tif"), np.pad(np.full((40, 40), 90, np.uint8), 20), nodata=0)
    assert not any("fully transparent" in n for n in colorize(tiny_checkpoint, some, str(tmp_path / "o2.tif"),
                                                                overviews=False).notices)
