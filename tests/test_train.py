"""pix2pix trains, resumes exactly, stops cleanly on a signal, and writes a complete run folder."""
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.config import NetConfig, TrainConfig
from aerocolor.data.datasets import Augment, PairedDataset
from aerocolor.errors import Cancelled
from aerocolor.models.pix2pix import Pix2Pix, Pix2PixConfig
from aerocolor.training.trainer import Trainer, lr_factor, train
from conftest import REPO, run_cli


def _cfg(data, run, **kw):
    base = dict(family="pix2pix", data=data, run=run, tile=64, batch=2, epochs=2, decay_epochs=1,
                steps_per_epoch=3, threads=2, seed=5, model=Pix2PixConfig(net=NetConfig(ngf=8, ndf=8)))
    base.update(kw)
    return TrainConfig(**base)


@pytest.mark.parametrize("mode", ["lab", "rgb"])
def test_tiny_pix2pix_overfits_a_fixed_batch(synthetic_pairs, mode):
    torch.manual_seed(0)
    cfg = _cfg(synthetic_pairs, "", color_mode=mode, lr_g=1e-3,
               model=Pix2PixConfig(net=NetConfig(ngf=8, ndf=8, dropout=False)))
    fam = Pix2Pix(cfg, torch.device("cpu"))
    ds = PairedDataset(synthetic_pairs, "train", 64, augment=None)
    batch = {k: torch.stack([ds[i][k] for i in range(4)]) for k in ("A", "B")}
    l1 = []
    for _ in range(200):
        fam.set_input(batch)
        l1.append(fam.optimize()["G_L1"])
    assert sum(l1[-5:]) / 5 < 0.5 * l1[0], (l1[0], l1[-5:])


def test_run_folder_has_everything(tmp_path, synthetic_pairs):
    run = str(tmp_path / "run")
    path = train(_cfg(synthetic_pairs, run, save_every=1))
    for name in ("config.json", "events.jsonl", "loss.png", "samples/epoch_001.png", "samples/epoch_003.png",
                 "checkpoints/latest.pt", "checkpoints/epoch_002.pt"):
        assert os.path.isfile(os.path.join(run, name)), name
    with open(os.path.join(run, "events.jsonl")) as fh:
        events = [json.loads(line) for line in fh]
    types = [e["type"] for e in events]
    assert types[0] == "hello" and types.count("metrics") == 3 and "sample" in types
    assert all(e["v"] == 1 for e in events)
    metrics = [e for e in events if e["type"] == "metrics"]
    assert all(0 < m["val"]["L1"] < 1 for m in metrics)
    card = checkpoint.load(path)["card"]
    # The card describes the model fully: rebuilding needs no flags.
    assert card["family"] == "pix2pix" and card["color_mode"] == "lab" and card["tile"] == 64
    assert card["train"]["model"]["net"]["ngf"] == 8 and card["epoch"] == 3
    assert card["data"]["train_images"] > 0 and card["metrics"]["val"]["L1"] > 0
    # "auto" precision is resolved once and saved, so a resumed run trains the same way.
    assert card["train"]["precision"] in ("fp32", "bf16")
    with open(os.path.join(run, "config.json")) as fh:
        assert json.load(fh)["precision"] == card["train"]["precision"]
    _, net = checkpoint.load_generator(path)
    assert net(torch.zeros(1, 1, 64, 64)).shape == (1, 2, 64, 64)


def test_linear_decay_schedule():
    # Study: 100 epochs at the full rate, then 100 of linear decay.
    f = [lr_factor(e, 100, 100) for e in range(200)]
    assert f[0] == f[99] == 1.0
    assert f[100] == pytest.approx(1 - 1 / 101)
    assert f[199] == pytest.approx(1 / 101)
    assert all(a >= b for a, b in zip(f, f[1:]))


class _CancelAfter:
    def __init__(self, n):
        self.n = n

    def is_set(self):
        self.n -= 1
        return self.n <= 0


def test_interrupted_and_resumed_run_matches_an_uninterrupted_one(tmp_path, synthetic_pairs):
    # WGAN-GP and dropout both draw random numbers: the RNG state must travel with the checkpoint.
    opts = dict(model=Pix2PixConfig(net=NetConfig(ngf=8, ndf=8), gan_mode="wgangp"))
    whole = train(_cfg(synthetic_pairs, str(tmp_path / "whole"), **opts))
    part = _cfg(synthetic_pairs, str(tmp_path / "part"), **opts)
    t = Trainer(part, cancel=_CancelAfter(4))  # stops mid-way through the second epoch
    t.setup()
    with pytest.raises(Cancelled):
        t.run()
    state = checkpoint.load(str(tmp_path / "part" / "checkpoints" / "latest.pt"))["training"]
    assert (state["epoch"], state["step_in_epoch"]) == (1, 1)
    resumed = train(_cfg(synthetic_pairs, str(tmp_path / "part"), **opts), resume=True)
    a, b = checkpoint.load(whole), checkpoint.load(resumed)
    for net in ("G", "D"):
        for k, v in a["nets"][net].items():
            assert torch.allclose(v.float(), b["nets"][net][k].float(), atol=1e-6), (net, k)
    la = [h["losses"] for h in a["training"]["history"]]
    lb = [h["losses"] for h in b["training"]["history"]]
    assert len(la) == len(lb) == 3
    for x, y in zip(la, lb):
        assert x == pytest.approx(y, rel=1e-5, abs=1e-7)


def test_kill_9_within_an_epoch_loses_only_the_steps_since_the_last_timed_save(tmp_path, synthetic_pairs):
    """--save-minutes writes latest.pt within an epoch; after kill -9 a resume continues from that step and
    ends where an uninterrupted run ends."""
    flags = ["--tile", "64", "--ngf", "8", "--ndf", "8", "--batch", "2", "--seed", "5", "--epochs", "1",
             "--decay-epochs", "0", "--repeat", "3", "--threads", "2", "--data", synthetic_pairs]
    whole = str(tmp_path / "whole")
    assert run_cli("train", "--run", whole, "--save-minutes", "0", *flags).returncode == 0
    run = str(tmp_path / "killed")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    proc = subprocess.Popen([sys.executable, "-m", "aerocolor", "--events", "jsonl", "train", "--run", run,
                             "--save-minutes", "0.00001", *flags], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        for line in proc.stdout:  # every step is a timed save here; kill after the third
            ev = json.loads(line)
            if ev["type"] == "checkpoint" and ev["step"] >= 3:
                proc.kill()
                break
    finally:
        proc.kill()
        proc.wait(timeout=60)
    state = checkpoint.load(os.path.join(run, "checkpoints", "latest.pt"))["training"]
    steps = checkpoint.load(os.path.join(whole, "checkpoints", "latest.pt"))["training"]["global_step"]
    assert steps >= 12 and state["epoch"] == 0 and 3 <= state["step_in_epoch"] < steps  # within the epoch
    assert run_cli("train", "--run", run, "--resume").returncode == 0
    a = checkpoint.load(os.path.join(whole, "checkpoints", "latest.pt"))
    b = checkpoint.load(os.path.join(run, "checkpoints", "latest.pt"))
    assert b["training"]["global_step"] == a["training"]["global_step"]
    for net in ("G", "D"):
        for k, v in a["nets"][net].items():
            assert torch.allclose(v.float(), b["nets"][net][k].float(), atol=1e-6), (net, k)


def test_sigint_saves_and_exits_with_the_cancel_code(tmp_path, synthetic_pairs):
    run = str(tmp_path / "run")
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"))
    proc = subprocess.Popen([sys.executable, "-m", "aerocolor", "--events", "jsonl", "train",
                             "--data", synthetic_pairs, "--run", run, "--tile", "64", "--ngf", "8", "--ndf", "8",
                             "--epochs", "500", "--decay-epochs", "0", "--threads", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    for line in proc.stdout:
        if json.loads(line)["type"] == "checkpoint":
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 3, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["type"] == "error" and last["code"] == "cancelled" and "--resume" in last["message"]
    assert checkpoint.load(os.path.join(run, "checkpoints", "latest.pt"))["training"]["epoch"] >= 1
    res = run_cli("train", "--run", run, "--resume", "--threads", "1", timeout=30, stdin="cancel\n")
    assert res.returncode == 3, res.stderr  # `cancel` on stdin stops a resumed run the same way


def test_cli_train_then_info(tmp_path, synthetic_pairs):
    run = str(tmp_path / "cli")
    res = run_cli("train", "--data", synthetic_pairs, "--run", run, "--tile", "64", "--ngf", "8", "--ndf", "8",
                  "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "2", "--color-mode", "rgb",
                  "--gan-mode", "lsgan", "--netG", "resnet", "--resnet-blocks", "2")
    assert res.returncode == 0, res.stderr
    info = run_cli("info", os.path.join(run, "checkpoints", "latest.pt"), "--json")
    card = json.loads(info.stdout)
    assert card["color_mode"] == "rgb" and card["train"]["model"]["gan_mode"] == "lsgan"
    assert card["train"]["model"]["net"]["netG"] == "resnet"
    text = run_cli("info", os.path.join(run, "checkpoints", "latest.pt")).stdout
    assert "pix2pix" in text and "resnet" in text


def test_export_keeps_the_card_and_predicts_like_the_original(tmp_path, tiny_checkpoint):
    out = str(tmp_path / "model.pt")
    res = run_cli("export", tiny_checkpoint, out)
    assert res.returncode == 0, res.stderr
    exported = checkpoint.load(out)
    assert "training" not in exported and exported["card"]["exported"]["half"] is True
    assert os.path.getsize(out) < 0.6 * os.path.getsize(tiny_checkpoint)
    _, a = checkpoint.load_generator(tiny_checkpoint)
    _, b = checkpoint.load_generator(out)
    x = torch.rand(1, 1, 64, 64) * 2 - 1
    with torch.no_grad():
        assert float((a(x) - b(x)).abs().max()) < 5e-3  # fp16 weights, fp32 compute


def test_repeat_makes_longer_epochs_with_fresh_crops(tmp_path, synthetic_pairs):
    cfg = _cfg(synthetic_pairs, str(tmp_path / "r"), steps_per_epoch=None, repeat=3, batch=4)
    t = Trainer(cfg)
    t.setup()
    n = len(t.train_set)
    order = t._order(0)
    assert len(order) == 3 * n and t.steps_per_epoch == -(-3 * n // 4)
    assert sorted(i % n for i in order) == sorted(list(range(n)) * 3)
    t.train_set.epoch = 0
    first, again = t.train_set[0], t.train_set[n]  # the same tile in the first and second pass
    assert torch.equal(t.train_set[0]["B"], first["B"])
    assert not torch.equal(first["B"], again["B"])


def test_share_of_steps_with_the_discriminator_loss_near_zero(tmp_path, synthetic_pairs, monkeypatch):
    """The study's collapse measure: a step counts when the mean of D's real and fake terms is below 0.05.
    The real step runs (so the schedule and events are the trainer's own); its D terms are then replaced
    with a known pattern: near zero on every third step."""
    real_optimize = Pix2Pix.optimize
    calls = []

    def optimize(self):
        losses = real_optimize(self)
        calls.append(1)
        low = len(calls) % 3 == 0
        losses.update(D_real=0.01 if low else 0.6, D_fake=0.02 if low else 0.7)
        return losses

    monkeypatch.setattr(Pix2Pix, "optimize", optimize)
    run = str(tmp_path / "run")
    train(_cfg(synthetic_pairs, run, epochs=1, decay_epochs=0, steps_per_epoch=6))
    with open(os.path.join(run, "events.jsonl")) as fh:
        metrics = [json.loads(line) for line in fh if '"metrics"' in line]
    assert len(calls) == 6 and metrics[-1]["d_near_zero"] == pytest.approx(2 / 6)


def test_the_sample_grid_names_its_columns(tmp_path):
    from PIL import Image

    from aerocolor.training.plots import sample_grid

    g = torch.full((2, 1, 64, 64), 0.5)
    c = torch.rand(2, 3, 64, 64)
    path = sample_grid(str(tmp_path / "grid.png"), g, c, c)
    with Image.open(path) as im:
        arr = np.asarray(im)
    assert arr.shape == (16 + 64 * 2 + 2, 64 * 3 + 4, 3)
    header = arr[:16]
    for col in range(3):  # dark label text over each of the three columns
        assert (header[:, col * 66: col * 66 + 64] < 128).any(), col
    assert (arr[16:16 + 64, :64] == 128).all()  # the grey input starts right below the header
