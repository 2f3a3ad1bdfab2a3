"""Film-scan degradations of the grey input (issue 17): every step stays in range and changes the
tile, one seed reproduces a sample, training applies them to A only, validation stays clean,
old runs resume without them, and the checkpoint's card says how a model was trained."""
import dataclasses
import json
import os
import time

import numpy as np
import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.cli import build_parser, train_config_from_args
from aerocolor.config import NetConfig, TrainConfig, to_dict
from aerocolor.data import film
from aerocolor.data.datasets import Augment, PairedDataset, UnpairedDataset
from aerocolor.data.film import STEPS, FilmConfig, film_degrade, is_grey_of, luma
from aerocolor.data.layout import save_png
from aerocolor.errors import Cancelled
from aerocolor.models.pix2pix import Pix2PixConfig
from aerocolor.training.trainer import Trainer, train

ALL_ON = FilmConfig(**{f"p_{s}": 1.0 for s in STEPS})


def _only(step):
    return {s: s == step for s in STEPS}


def _tile(seed=0, n=64):
    """A colour tile with structure (smooth fields, edges) and its BT.601 grey, as tensors."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n] / n
    rgb = np.stack([0.5 + 0.3 * np.sin(6 * xx + c) * np.cos(4 * yy - c) for c in range(3)])
    rgb += 0.1 * rng.random((3, n, n))
    rgb[:, n // 4:n // 2, n // 4:n // 2] = np.array([0.25, 0.55, 0.2])[:, None, None]  # a field
    b = torch.from_numpy(np.clip(rgb, 0, 1).astype(np.float32))
    return torch.from_numpy(luma(b.numpy())[None]), b


@pytest.mark.parametrize("step", STEPS + ("all",))
def test_every_step_keeps_range_shape_and_type(step):
    a, b = _tile()
    force = {s: True for s in STEPS} if step == "all" else _only(step)
    extremes = [a, torch.zeros_like(a), torch.ones_like(a)]
    colours = [b, torch.zeros_like(b), torch.ones_like(b)]
    for i, (ga, cb) in enumerate(zip(extremes, colours)):
        for seed in range(4):
            out = film_degrade(ga, np.random.default_rng(seed), ALL_ON, cb, force=force)
            assert isinstance(out, torch.Tensor) and out.shape == ga.shape and out.dtype == torch.float32
            assert torch.isfinite(out).all() and out.min() >= 0 and out.max() <= 1, (step, i, seed)
    # numpy (H, W, 1) in, numpy (H, W, 1) out; B as (H, W, 3)
    arr = film_degrade(a.numpy().transpose(1, 2, 0), np.random.default_rng(0), ALL_ON,
                       b.numpy().transpose(1, 2, 0), force=force)
    assert isinstance(arr, np.ndarray) and arr.shape == (64, 64, 1) and arr.dtype == np.float32
    assert 0 <= arr.min() and arr.max() <= 1


def test_same_seed_same_tile_other_seed_other_tile():
    a, b = _tile()
    first = film_degrade(a, np.random.default_rng(7), ALL_ON, b)
    again = film_degrade(a, np.random.default_rng(7), ALL_ON, b)
    other = film_degrade(a, np.random.default_rng(8), ALL_ON, b)
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    # numpy and torch inputs give the same numbers
    arr = film_degrade(a.numpy()[0], np.random.default_rng(7), ALL_ON, b.numpy().transpose(1, 2, 0))
    assert np.array_equal(arr, first.numpy()[0])


@pytest.mark.parametrize("step", STEPS)
def test_each_step_changes_the_tile_when_forced_on(step):
    a, b = _tile()
    for seed in range(3):
        out = film_degrade(a, np.random.default_rng(seed), ALL_ON, b, force=_only(step))
        changed = float((out - a).abs().max())
        assert changed > 0.02, (step, seed, changed)
    # Nothing forced on and zero probabilities: the tile passes through untouched.
    off = FilmConfig(**{f"p_{s}": 0.0 for s in STEPS})
    assert torch.equal(film_degrade(a, np.random.default_rng(0), off, b), a)


def test_steps_do_what_they_say():
    a, b = _tile()
    rng = np.random.default_rng
    flat = np.full((64, 64), 0.5, np.float32)
    # Vignetting only darkens, more toward the far side of the optical centre.
    v = film.vignette(flat, rng(1), ALL_ON)
    assert v.max() <= 0.5 + 1e-6 and v.min() < 0.5 * (1 - 0.04)
    # Blur lowers the contrast of a checkerboard.
    checker = (np.indices((64, 64)).sum(0) % 2).astype(np.float32)
    assert film.blur(checker, rng(2), ALL_ON).std() < 0.8 * checker.std()
    # Tone curves are monotone: a ramp stays in order.
    ramp = np.linspace(0, 1, 64 * 64, dtype=np.float32).reshape(64, 64)
    for s in range(5):
        t = film.tone(ramp, rng(s), ALL_ON).ravel()
        assert np.all(np.diff(t) >= -1e-6)
    # Grain on a flat grey: zero mean, a deviation within the configured range, spatially correlated.
    g = film.grain(flat, rng(3), ALL_ON) - 0.5
    assert abs(g.mean()) < 0.005 and 0.005 < g.std() < ALL_ON.grain_max * 1.2
    assert np.corrcoef(g[:, 1:].ravel(), g[:, :-1].ravel())[0, 1] > 0.1
    # Dust and scratches touch a small part of the tile.
    d = film.dust(flat, rng(4), ALL_ON)
    assert 0 < np.mean(np.abs(d - flat) > 1e-3) < 0.2
    # JPEG output is 8-bit.
    j = film.jpeg(ramp, rng(5), ALL_ON)
    assert np.allclose(j * 255, np.round(j * 255), atol=1e-3)
    # The spectral grey is a positive mix of B's channels summing to one, not BT.601 itself.
    sg = film.spectral_grey(b.numpy(), rng(6), dataclasses.replace(ALL_ON, p_infrared=0.0))
    w, *_ = np.linalg.lstsq(b.numpy().reshape(3, -1).T, sg.ravel(), rcond=None)
    assert np.all(w > 0) and abs(w.sum() - 1) < 1e-3 and np.abs(w - np.array([0.299, 0.587, 0.114])).max() > 0.01


def test_pseudo_infrared_makes_vegetation_bright():
    # A green field and a red roof of the same BT.601 grey: infrared film tells them apart.
    green, roof = np.array([0.25, 0.55, 0.2], np.float32), np.array([0.77, 0.26, 0.28], np.float32)
    rgb = np.zeros((3, 8, 16), np.float32)
    rgb[:, :, :8], rgb[:, :, 8:] = green[:, None, None], roof[:, None, None]
    g = luma(rgb)
    assert abs(g[0, 0] - g[0, 15]) < 0.02
    ir = film.spectral_grey(rgb, np.random.default_rng(0), dataclasses.replace(ALL_ON, p_infrared=1.0))
    assert ir[0, 0] > ir[0, 15] + 0.2


def test_spectral_step_needs_the_colour_tile():
    a, b = _tile()
    assert is_grey_of(a, b) and not is_grey_of(torch.rand_like(a), b)
    only = _only("spectral")
    assert torch.equal(film_degrade(a, np.random.default_rng(0), ALL_ON, None, force=only), a)
    assert not torch.equal(film_degrade(a, np.random.default_rng(0), ALL_ON, b, force=only), a)


def test_a_256_px_tile_takes_a_few_milliseconds():
    a, b = _tile(n=256)
    cfg = FilmConfig()
    film_degrade(a, np.random.default_rng(0), cfg, b)
    best = []
    for _ in range(3):
        t = time.perf_counter()
        for i in range(20):
            film_degrade(a, np.random.default_rng(i), cfg, b)
        best.append((time.perf_counter() - t) / 20)
    # About 3-4 ms here at the default probabilities; the bound leaves room for a busy machine.
    assert min(best) < 0.03, best


# -- in the datasets -------------------------------------------------------------------------
def test_paired_training_degrades_a_only_and_validation_stays_clean(synthetic_pairs):
    plain = PairedDataset(synthetic_pairs, "train", 48, augment=Augment(), seed=2)
    filmy = PairedDataset(synthetic_pairs, "train", 48, augment=Augment(), seed=2, film=ALL_ON)
    for i in range(3):
        p, f = plain[i], filmy[i]
        assert torch.equal(p["B"], f["B"])  # B never changes, and the geometry is the same
        assert not torch.equal(p["A"], f["A"])
        assert f["A"].shape == p["A"].shape == (1, 48, 48) and 0 <= f["A"].min() and f["A"].max() <= 1
    # Reproducible from (seed, epoch, index): another epoch differs, coming back gives the same.
    first = filmy[1]["A"]
    filmy.epoch = 1
    assert not torch.equal(filmy[1]["A"], first)
    filmy.epoch = 0
    assert torch.equal(filmy[1]["A"], first)
    # Film off in the config: the plain grey.
    off = PairedDataset(synthetic_pairs, "train", 48, augment=Augment(), seed=2,
                        film=dataclasses.replace(ALL_ON, enabled=False))
    assert torch.equal(off[0]["A"], plain[0]["A"])
    # Validation (no augmentation) is clean whatever the film settings.
    val_plain = PairedDataset(synthetic_pairs, "val", 48, augment=None)
    val_film = PairedDataset(synthetic_pairs, "val", 48, augment=None, film=ALL_ON)
    for i in range(min(3, len(val_plain))):
        assert torch.equal(val_plain[i]["A"], val_film[i]["A"]) and torch.equal(val_plain[i]["B"], val_film[i]["B"])


def test_paired_spectral_grey_is_made_from_the_aligned_colour_tile(synthetic_pairs):
    spectral = FilmConfig(**{f"p_{s}": float(s == "spectral") for s in STEPS}, p_infrared=0.0)
    ds = PairedDataset(synthetic_pairs, "train", 48, augment=Augment(), seed=4, film=spectral)
    s = ds[0]
    b = s["B"].numpy().reshape(3, -1).T
    w, res, *_ = np.linalg.lstsq(b, s["A"].numpy().ravel(), rcond=None)
    # A is exactly a mix of B's channels at the same pixels (so it stayed aligned), and not BT.601.
    assert np.abs(b @ w - s["A"].numpy().ravel()).max() < 1e-4
    assert np.abs(w - np.array([0.299, 0.587, 0.114])).max() > 0.01


def test_a_real_grey_scan_beside_its_colour_keeps_its_own_tones(tmp_path):
    rng = np.random.default_rng(0)
    for split in ("train",):
        for d in ("A", "B"):
            os.makedirs(tmp_path / split / d)
        for k in range(2):
            save_png(str(tmp_path / split / "B" / f"t{k}.png"), rng.random((40, 40, 3)).astype(np.float32))
            save_png(str(tmp_path / split / "A" / f"t{k}.png"), rng.random((40, 40, 1)).astype(np.float32))
    spectral = FilmConfig(**{f"p_{s}": float(s == "spectral") for s in STEPS})
    plain = PairedDataset(str(tmp_path), "train", 32, augment=Augment(), seed=0)
    filmy = PairedDataset(str(tmp_path), "train", 32, augment=Augment(), seed=0, film=spectral)
    assert torch.equal(plain[0]["A"], filmy[0]["A"])  # its A is not the grey of B: not remade


def test_unpaired_training_degrades_a_without_the_spectral_step(tmp_path):
    from aerocolor.data.build import DatasetConfig, build_synthetic

    out = str(tmp_path / "u")
    build_synthetic(4, DatasetConfig(out=out, tile=32, layout="unpaired"))
    plain = UnpairedDataset(out, "train", 32, augment=Augment(), seed=0)
    filmy = UnpairedDataset(out, "train", 32, augment=Augment(), seed=0, film=ALL_ON)
    p, f = plain[1], filmy[1]
    assert torch.equal(p["B"], f["B"]) and not torch.equal(p["A"], f["A"])
    only_spectral = UnpairedDataset(out, "train", 32, augment=Augment(), seed=0,
                                    film=FilmConfig(**{f"p_{s}": float(s == "spectral") for s in STEPS}))
    assert torch.equal(only_spectral[1]["A"], p["A"])


# -- configuration, the CLI, the card --------------------------------------------------------
def test_new_configs_have_film_on_and_old_ones_keep_it_off():
    assert TrainConfig().film.enabled is True
    old = TrainConfig().to_dict()
    del old["film"]
    assert TrainConfig.from_dict(old).film.enabled is False
    new = TrainConfig.from_dict(TrainConfig().to_dict())
    assert new.film == FilmConfig()
    tuned = TrainConfig.from_dict({"film": {"grain_max": 0.08}})
    assert tuned.film.enabled is True and tuned.film.grain_max == 0.08


def test_cli_switches_film_on_by_default_and_off_on_request(tmp_path):
    def cfg(*extra):
        args = build_parser().parse_args(["train", "--data", "d", "--run", str(tmp_path / "r"), *extra])
        return train_config_from_args(args)

    assert cfg().film.enabled is True
    assert cfg("--no-film").film.enabled is False
    assert cfg("--film", "--set", "film.p_jpeg=0.5").film.p_jpeg == 0.5
    old = TrainConfig().to_dict()
    old["film"] = {"enabled": False}
    path = tmp_path / "c.json"
    path.write_text(json.dumps(old))
    assert cfg("--config", str(path)).film.enabled is False
    assert cfg("--config", str(path), "--film").film.enabled is True


def _tiny(data, run, **kw):
    base = dict(family="pix2pix", data=data, run=run, tile=64, batch=2, epochs=1, decay_epochs=1,
                steps_per_epoch=2, threads=2, seed=5, model=Pix2PixConfig(net=NetConfig(ngf=8, ndf=8)))
    base.update(kw)
    return TrainConfig(**base)


def test_the_card_records_the_film_settings(tmp_path, synthetic_pairs):
    cfg = _tiny(synthetic_pairs, str(tmp_path / "run"), film=FilmConfig(grain_max=0.07), decay_epochs=0)
    card = checkpoint.load(train(cfg))["card"]
    assert card["train"]["film"] == to_dict(FilmConfig(grain_max=0.07))
    assert card["train"]["film"]["enabled"] is True


class _CancelAfter:
    def __init__(self, n):
        self.n = n

    def is_set(self):
        self.n -= 1
        return self.n <= 0


def test_resuming_a_run_from_before_film_keeps_it_off(tmp_path, synthetic_pairs):
    run = str(tmp_path / "old")
    t = Trainer(_tiny(synthetic_pairs, run, film=FilmConfig(enabled=False)), cancel=_CancelAfter(3))
    t.setup()
    with pytest.raises(Cancelled):
        t.run()
    saved = os.path.join(run, "config.json")
    with open(saved) as fh:
        old = json.load(fh)
    del old["film"]  # as an older AeroColor wrote it
    with open(saved, "w") as fh:
        json.dump(old, fh)
    card = checkpoint.load(train(_tiny(synthetic_pairs, run), resume=True))["card"]
    assert card["train"]["film"]["enabled"] is False
    with open(saved) as fh:
        assert json.load(fh)["film"]["enabled"] is False
