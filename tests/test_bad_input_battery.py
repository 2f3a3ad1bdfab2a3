"""Issue 21's battery: each kind of bad input is driven through the `aerocolor` command, and the test holds
its exit code, its last line on stderr, and what it leaves under the output's name.

Kinds that other files already hold (NaN floats, 16-bit nodata, RGB input, FastCUT with identity) are cited
in docs/reliability.md instead of being repeated here.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

from aerocolor.models import checkpoint
from aerocolor.protocol import EXIT_BAD_INPUT, EXIT_CANCELLED
from conftest import REPO, run_cli, write_geotiff


def _one_sentence(stderr: str) -> str:
    msg = stderr.strip().splitlines()[-1]
    assert msg.startswith("aerocolor ") and "Traceback" not in stderr, stderr[-2000:]
    return msg


def _nothing_under(out: str) -> None:
    assert not os.path.lexists(out) and not os.path.lexists(out + ".part")


def _grey(h: int, w: int) -> np.ndarray:
    return (np.arange(h * w) % 251).reshape(h, w).astype(np.uint8)


def _colorize(src, out, model, *extra, **kw):
    return run_cli("colorize", src, out, "--model", model, "--no-overviews", *extra, timeout=120, **kw)


def _train(data, run, *extra):
    return run_cli("train", "--data", data, "--run", run, "--tile", "64", "--ngf", "8", "--ndf", "8",
                   "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "1", *extra, timeout=120)


def _rgba(path: str):
    from osgeo import gdal

    ds = gdal.Open(path)          # kept in a name: a band of a freed dataset crashes GDAL
    return ds, ds.ReadAsArray()


# -- colorize: what is given as input --------------------------------------------------------
def test_a_text_file_named_tif_is_refused_as_not_a_raster(tmp_path, tiny_checkpoint):
    src = tmp_path / "notes.tif"
    src.write_text("field notes, not pixels\n")
    out = str(tmp_path / "out.tif")
    res = _colorize(str(src), out, tiny_checkpoint)
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "notes.tif" in msg and "not a raster" in msg and "convert it to GeoTIFF" in msg
    _nothing_under(out)


@pytest.mark.parametrize("side", [3, 1])
def test_a_raster_of_a_few_pixels_is_colorized_whole(tmp_path, tiny_checkpoint, side):
    src = write_geotiff(str(tmp_path / "few.tif"), _grey(side, side) + 40)
    out = str(tmp_path / "out.tif")
    res = _colorize(src, out, tiny_checkpoint)
    assert res.returncode == 0, res.stderr[-2000:]
    ds, rgba = _rgba(out)
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (side, side, 4)
    assert rgba.shape == (4, side, side) and (rgba[3] == 255).all()
    assert not os.path.lexists(out + ".part")


def _grid_without_crs(tmp_path) -> str:
    from osgeo import gdal

    src = write_geotiff(str(tmp_path / "nocrs.tif"), _grey(64, 64))
    ds = gdal.Open(src, gdal.GA_Update)
    ds.SetProjection("")
    ds = None
    return src


def test_a_raster_with_a_grid_but_no_crs_keeps_its_grid_and_gets_no_invented_crs(tmp_path, tiny_checkpoint):
    src = _grid_without_crs(tmp_path)
    out = str(tmp_path / "out.tif")
    res = _colorize(src, out, tiny_checkpoint)
    assert res.returncode == 0, res.stderr[-2000:]
    ds, rgba = _rgba(out)
    assert (ds.RasterXSize, ds.RasterYSize) == (64, 64) and (rgba[3] == 255).all()
    assert ds.GetGeoTransform() == (500000.0, 0.1, 0.0, 3300000.0, 0.0, -0.1)
    assert not ds.GetProjection()


def test_a_raster_with_a_grid_but_no_crs_is_named_in_a_notice(tmp_path, tiny_checkpoint):
    src = _grid_without_crs(tmp_path)
    res = _colorize(src, str(tmp_path / "out.tif"), tiny_checkpoint)
    assert res.returncode == 0
    assert any("nocrs.tif" in line and "CRS" in line for line in res.stderr.splitlines())


@pytest.mark.parametrize("nodata", [-9999, 300])
def test_a_byte_raster_with_a_nodata_value_it_cannot_hold_masks_no_pixel(tmp_path, tiny_checkpoint, nodata):
    # -9999 and 300 do not fit in 0..255: cast to a byte they would become 241 or 44 (or 0 and 255),
    # which are real grey values of this raster.
    src = write_geotiff(str(tmp_path / "odd.tif"), _grey(64, 64), nodata=nodata)
    out = str(tmp_path / "out.tif")
    res = _colorize(src, out, tiny_checkpoint)
    assert res.returncode == 0, res.stderr[-2000:]
    ds, rgba = _rgba(out)
    assert rgba.shape == (4, 64, 64) and (rgba[3] == 255).all()


def test_a_byte_raster_with_a_nodata_value_it_cannot_hold_is_named_in_a_notice(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "odd.tif"), _grey(64, 64), nodata=-9999)
    res = _colorize(src, str(tmp_path / "out.tif"), tiny_checkpoint)
    assert res.returncode == 0
    assert any("-9999" in line and "nodata" in line.lower() for line in res.stderr.splitlines())


# -- colorize: where the output goes ---------------------------------------------------------
def test_an_output_path_equal_to_the_input_is_refused_and_the_input_kept(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), _grey(64, 64))
    before = open(src, "rb").read()
    res = _colorize(src, src, tiny_checkpoint)
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "overwrite the input" in msg and "another output name" in msg
    assert open(src, "rb").read() == before and not os.path.lexists(src + ".part")


def test_an_output_in_a_missing_folder_is_refused_without_making_the_folder(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), _grey(64, 64))
    out = str(tmp_path / "not_yet" / "out.tif")
    res = _colorize(src, out, tiny_checkpoint)
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "not_yet" in msg and "does not exist" in msg and "create it" in msg
    assert not os.path.exists(tmp_path / "not_yet")


# -- colorize: stdin -------------------------------------------------------------------------
def test_lines_on_stdin_other_than_cancel_change_nothing(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), _grey(64, 64))
    out = str(tmp_path / "out.tif")
    noise = 'hello\n{"type": "cancel"}\ncancelled\nstop\n\x1b[2J\x00\x07 ~~~\n'
    res = _colorize(src, out, tiny_checkpoint, stdin=noise)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr[-2000:]
    ds, rgba = _rgba(out)
    assert rgba.shape == (4, 64, 64) and (rgba[3] == 255).all()
    # The noise did not stop it listening: a real `cancel` after it still cancels.
    again = str(tmp_path / "again.tif")
    res = _colorize(src, again, tiny_checkpoint, stdin=noise + "  Cancel \n")
    assert res.returncode == EXIT_CANCELLED and "Cancelled" in _one_sentence(res.stderr)
    _nothing_under(again)


def test_a_cancel_after_bytes_that_are_not_utf8_still_cancels(tmp_path, tiny_checkpoint):
    src = write_geotiff(str(tmp_path / "in.tif"), _grey(64, 64))
    out = str(tmp_path / "out.tif")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"), PYTHONIOENCODING="utf-8:strict")
    res = subprocess.run([sys.executable, "-m", "aerocolor", "colorize", src, out, "--model", tiny_checkpoint,
                          "--no-overviews"], input=b"\xff\xfe garbage \x80\ncancel\n", capture_output=True,
                         env=env, timeout=120)
    assert res.returncode == EXIT_CANCELLED
    _nothing_under(out)


# -- checkpoints -----------------------------------------------------------------------------
def _unknown_family(tmp_path, tiny_checkpoint) -> str:
    obj = checkpoint.load(tiny_checkpoint)
    obj["card"] = dict(obj["card"], family="diffusion9")
    path = str(tmp_path / "future.pt")
    checkpoint.save(path, obj)
    return path


def test_a_checkpoint_of_an_unknown_family_is_refused_before_writing(tmp_path, tiny_checkpoint):
    model = _unknown_family(tmp_path, tiny_checkpoint)
    src = write_geotiff(str(tmp_path / "in.tif"), _grey(64, 64))
    out = str(tmp_path / "out.tif")
    res = _colorize(src, out, model)
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "diffusion9" in msg and "pix2pix" in msg
    _nothing_under(out)


def test_a_checkpoint_of_an_unknown_family_is_named_with_what_to_do(tmp_path, tiny_checkpoint):
    model = _unknown_family(tmp_path, tiny_checkpoint)
    src = write_geotiff(str(tmp_path / "in.tif"), _grey(64, 64))
    msg = _one_sentence(_colorize(src, str(tmp_path / "out.tif"), model).stderr)
    assert "future.pt" in msg and ("newer" in msg or "version" in msg)


# -- dataset and train -----------------------------------------------------------------------
def test_a_grey_source_for_a_dataset_is_refused_and_leaves_no_files(tmp_path):
    src = write_geotiff(str(tmp_path / "grey.tif"), _grey(128, 128))
    out = str(tmp_path / "set")
    for _ in range(2):      # a second try with the same --out is refused for the same reason, not for files left
        res = run_cli("dataset", "--from", src, "--out", out, "--tile", "64", timeout=120)
        assert res.returncode == EXIT_BAD_INPUT
        msg = _one_sentence(res.stderr)
        assert "grey.tif" in msg and "not a colour raster" in msg and "3-band RGB" in msg
        assert not os.path.exists(out) or os.listdir(out) == []


@pytest.fixture(scope="module")
def unpaired(tmp_path_factory) -> str:
    from aerocolor.data.build import DatasetConfig, build_synthetic

    out = str(tmp_path_factory.mktemp("data") / "unpaired")
    build_synthetic(4, DatasetConfig(out=out, tile=64, layout="unpaired", seed=2))
    return out


def test_pix2pix_on_unpaired_data_points_to_the_unpaired_families(tmp_path, unpaired):
    run = str(tmp_path / "run")
    res = _train(unpaired, run, "--family", "pix2pix")
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "unpaired" in msg and "--family cyclegan" in msg and "--layout pairs" in msg
    assert not os.path.exists(os.path.join(run, "checkpoints"))


def test_bicyclegan_with_no_latent_code_is_refused_before_training(tmp_path, synthetic_pairs):
    run = str(tmp_path / "run")
    res = _train(synthetic_pairs, run, "--family", "bicyclegan", "--nz", "0")
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "latent code of at least 1" in msg and "--nz 8" in msg and "--family pix2pix" in msg
    assert not os.path.exists(os.path.join(run, "checkpoints"))


# -- two jobs on one output ------------------------------------------------------------------
def test_a_second_job_on_an_output_being_written_is_refused_and_the_first_is_kept(tmp_path, tiny_checkpoint):
    """The first job is stopped (SIGSTOP) after its first progress event with its temporary file open;
    the second is refused in one sentence without touching it; the first, let go, finishes with the
    same pixels as a job that ran alone."""
    import json
    import signal

    from osgeo import gdal

    src = write_geotiff(str(tmp_path / "in.tif"), _grey(384, 384))
    alone = str(tmp_path / "alone.tif")
    # The same batch as the first job below: a forward pass of 1 tile and one of several may round a
    # few pixels apart (oneDNN picks its kernels by batch), which is not what this test is about.
    assert _colorize(src, alone, tiny_checkpoint, "--batch", "1").returncode == 0
    out = str(tmp_path / "out.tif")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    first = subprocess.Popen([sys.executable, "-m", "aerocolor", "--events", "jsonl", "colorize", src, out,
                              "--model", tiny_checkpoint, "--no-overviews", "--batch", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in first.stdout:
            if json.loads(line).get("type") == "progress" and os.path.exists(out + ".part"):
                break
        first.send_signal(signal.SIGSTOP)
        part_size = os.path.getsize(out + ".part")
        second = _colorize(src, out, tiny_checkpoint)
        assert second.returncode == EXIT_BAD_INPUT, second.stderr[-2000:]
        msg = _one_sentence(second.stderr)
        assert "Another job is writing" in msg and "out.tif" in msg and "another output name" in msg
        assert os.path.getsize(out + ".part") >= part_size and not os.path.exists(out)
    finally:
        first.send_signal(signal.SIGCONT)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err[-2000:]
    a, b = gdal.Open(alone), gdal.Open(out)
    np.testing.assert_array_equal(a.ReadAsArray(), b.ReadAsArray())
    assert not os.path.lexists(out + ".part") and not os.path.lexists(out + ".lock")


def test_an_output_locked_by_a_job_killed_with_9_is_free_again(tmp_path, tiny_checkpoint):
    """The lock is the kernel's: a job killed mid-write leaves a .part and perhaps a .lock file behind,
    and the next job writes the output anyway and tidies both away."""
    import signal

    src = write_geotiff(str(tmp_path / "in.tif"), _grey(256, 256))
    out = str(tmp_path / "out.tif")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[2]);"
                               "from aerocolor.colorize import output_files;"
                               "c = output_files.writing([sys.argv[1]]); c.__enter__();"
                               "open(sys.argv[1] + '.part', 'w').write('half'); print('held', flush=True);"
                               "time.sleep(600)", out, os.path.join(REPO, "backend")],
                              stdout=subprocess.PIPE, text=True, env=env)
    assert holder.stdout.readline().strip() == "held"
    assert _colorize(src, out, tiny_checkpoint).returncode == EXIT_BAD_INPUT   # held: refused
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert os.path.exists(out + ".lock")                                      # left behind, unlocked
    res = _colorize(src, out, tiny_checkpoint)
    assert res.returncode == 0, res.stderr[-2000:]
    assert os.path.exists(out) and not os.path.lexists(out + ".part") and not os.path.lexists(out + ".lock")


def test_a_second_mosaic_on_an_output_being_written_is_refused(tmp_path):
    from aerocolor.colorize import output_files
    from aerocolor.errors import BadInput
    from aerocolor.colorize.mosaic import mosaic

    a = write_geotiff(str(tmp_path / "a.tif"), _grey(64, 64))
    out = str(tmp_path / "m.vrt")
    with output_files.writing([out]):
        with pytest.raises(BadInput, match="Another job is writing"):
            mosaic(out, [a])
        assert not os.path.exists(out)
    assert mosaic(out, [a]) == out and not os.path.exists(out + ".lock")


def test_a_run_killed_before_its_first_checkpoint_cannot_be_resumed_but_starts_again(tmp_path, synthetic_pairs):
    """kill -9 during the first epoch with no timed saves: nothing to resume, said in one sentence that
    says what to do, and the same command without --resume then trains in the same folder."""
    import json

    run = str(tmp_path / "run")
    flags = ["--data", synthetic_pairs, "--run", run, "--tile", "64", "--ngf", "8", "--ndf", "8", "--batch", "1",
             "--epochs", "1", "--decay-epochs", "0", "--repeat", "20", "--threads", "2"]
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    proc = subprocess.Popen([sys.executable, "-m", "aerocolor", "--events", "jsonl", "train", "--save-minutes", "0",
                             *flags], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    seen = []
    try:
        for line in proc.stdout:
            seen.append(json.loads(line)["type"])
            if seen[-1] == "progress":     # training has begun
                proc.kill()
                break
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert "progress" in seen and "checkpoint" not in seen, seen
    assert not os.path.exists(os.path.join(run, "checkpoints", "latest.pt"))
    res = run_cli("train", "--run", run, "--resume", timeout=120)
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert "no checkpoint to resume from" in msg and "without --resume" in msg
    res = run_cli("train", "--save-minutes", "0", *flags[:-4], "--repeat", "1", "--threads", "2", timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    checkpoint.load(os.path.join(run, "checkpoints", "latest.pt"))


def test_a_damaged_image_among_good_ones_is_named_before_training(tmp_path, synthetic_pairs):
    """A PNG cut short in the middle of the set (its header reads fine) is refused before the first step,
    named, with what to do; the run folder gets no checkpoint. Before, training started and stopped at
    the step that met it."""
    import shutil

    data = str(tmp_path / "d")
    shutil.copytree(synthetic_pairs, data)
    names = sorted(os.listdir(os.path.join(data, "train", "B")))
    cut = os.path.join(data, "train", "B", names[len(names) // 2])
    with open(cut, "rb") as fh:
        whole = fh.read()
    with open(cut, "wb") as fh:
        fh.write(whole[:len(whole) // 2])
    run = str(tmp_path / "run")
    res = _train(data, run)
    assert res.returncode == EXIT_BAD_INPUT
    msg = _one_sentence(res.stderr)
    assert names[len(names) // 2] in msg and "read whole" in msg and "make the dataset again" in msg
    assert "G_L1" not in res.stderr                  # no step was trained
    assert not os.path.exists(os.path.join(run, "checkpoints", "latest.pt"))



def test_a_resume_reads_only_the_images_that_changed_since_they_decoded(tmp_path, synthetic_pairs, monkeypatch):
    """The run folder remembers the files that decoded whole (size, modification time): a resume reads
    none of them again, and a file damaged since is still found and named."""
    import json
    import shutil

    from aerocolor.config import TrainConfig
    from aerocolor.training import trainer

    data = str(tmp_path / "d")
    shutil.copytree(synthetic_pairs, data)
    run = str(tmp_path / "run")
    assert _train(data, run).returncode == 0
    with open(os.path.join(run, "config.json"), encoding="utf-8") as fh:
        cfg = TrainConfig.from_dict(json.load(fh))
    read = []
    real = trainer.unreadable
    monkeypatch.setattr(trainer, "unreadable", lambda files: read.append(list(files)) or real(files))
    trainer.Trainer(cfg, resume=True).setup()
    assert read == [[]]                                   # nothing decoded again
    names = sorted(os.listdir(os.path.join(data, "train", "A")))
    cut = os.path.join(data, "train", "A", names[0])
    with open(cut, "rb") as fh:
        whole = fh.read()
    with open(cut, "wb") as fh:
        fh.write(whole[:len(whole) // 2])
    res = run_cli("train", "--run", run, "--resume", timeout=120)
    assert res.returncode == EXIT_BAD_INPUT and names[0] in _one_sentence(res.stderr)

# -- inputs the library tests hold, through the command: its exit code and what it says ------
def _odd_input(tmp_path, kind: str) -> str:
    g = _grey(72, 88)
    if kind == "uint16_nodata":
        return write_geotiff(str(tmp_path / "in.tif"), g.astype(np.uint16) * 200 + 7, nodata=7)
    if kind == "float_nan":
        f = g.astype(np.float32) / 10.0
        f[:8, :8] = np.nan
        return write_geotiff(str(tmp_path / "in.tif"), f)
    if kind == "rgb":
        return write_geotiff(str(tmp_path / "in.tif"), np.stack([g, g // 2, 255 - g]))
    return write_geotiff(str(tmp_path / "in.tif"), g, epsg=None)


@pytest.mark.parametrize("kind, said", [("uint16_nodata", "UInt16 values"), ("float_nan", "Float32 values"),
                                        ("rgb", "turned grey"), ("no_georef", "no georeferencing")])
def test_odd_but_usable_inputs_exit_0_with_their_notice(tmp_path, tiny_checkpoint, kind, said):
    out = str(tmp_path / "out.tif")
    res = _colorize(_odd_input(tmp_path, kind), out, tiny_checkpoint)
    assert res.returncode == 0, res.stderr[-2000:]
    assert said in res.stderr, res.stderr[-2000:]
    ds, rgba = _rgba(out)
    assert rgba.shape == (4, 72, 88) and not os.path.lexists(out + ".part")
