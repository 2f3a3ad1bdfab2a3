"""Training on two processes with torch.distributed (gloo on the CPU), launched by the real
torchrun in a subprocess: same checkpoint format, averaged gradients, only rank 0 writes,
a cancel reaches every rank, and the run resumes."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.config import TrainConfig
from aerocolor.protocol import read_events
from aerocolor.training.trainer import train
from conftest import REPO

# No normalisation, no dropout, fp32: every loss is a mean of per-sample terms, so two ranks
# with one sample each must take exactly the step one process takes with both samples.
NET = ["--ngf", "8", "--ndf", "8", "--norm-g", "none", "--norm-d", "none", "--no-dropout", "--precision", "fp32"]


def torchrun(*args, timeout=300, wait=True):
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "backend"), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           "-m", "aerocolor", "--", *args]  # "--": torchrun would take --run for its own --run-path
    if not wait:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def _hellos(run):
    return [e for e in read_events(os.path.join(run, "events.jsonl")) if e["type"] == "hello"]


def test_two_processes_average_gradients_and_write_one_checkpoint(synthetic_pairs, tmp_path):
    run2 = str(tmp_path / "two")
    res = torchrun("train", "--family", "pix2pix", "--data", synthetic_pairs, "--run", run2, "--tile", "64",
                   "--batch", "1", "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "2",
                   "--device", "cpu", "--threads", "1", "--save-every", "1", *NET)
    assert res.returncode == 0, res.stderr[-3000:]
    two = checkpoint.load(os.path.join(run2, "checkpoints", "latest.pt"))

    # The same training in one process with both ranks' samples in one batch of 2.
    cfg = TrainConfig.from_dict({**json.load(open(os.path.join(run2, "config.json"))), "run": str(tmp_path / "one"),
                                 "batch": 2, "threads": 2})
    one = checkpoint.load(train(cfg))

    # Same checkpoint format: same keys, nets, optimiser state layout and card entries.
    assert set(two) == set(one) and two["generator"] == one["generator"] == "G"
    assert set(two["nets"]) == set(one["nets"]) and set(two["training"]) == set(one["training"])
    assert set(two["card"]) == set(one["card"])
    assert two["training"]["global_step"] == one["training"]["global_step"] == 2
    for name in one["nets"]:
        for key, w in one["nets"][name].items():
            assert torch.allclose(two["nets"][name][key], w, atol=2e-6), (name, key)
    # Only rank 0 wrote the run folder: one hello, one epoch of metrics, one numbered checkpoint.
    assert len(_hellos(run2)) == 1
    assert two["card"]["ranks"] == 2 and "per-rank" in two["card"]["batch_norm"] and one["card"]["batch_norm"] is None
    assert sum(e["type"] == "metrics" for e in read_events(os.path.join(run2, "events.jsonl"))) == 1
    assert sorted(os.listdir(os.path.join(run2, "checkpoints"))) == ["epoch_001.pt", "latest.pt"]
    card, net = checkpoint.load_generator(os.path.join(run2, "checkpoints", "latest.pt"))
    assert net(torch.zeros(1, 1, 64, 64)).shape == (1, 2, 64, 64)


def test_two_processes_stop_together_and_resume(synthetic_pairs, tmp_path):
    run = str(tmp_path / "cut")
    args = ["train", "--family", "cut", "--data", synthetic_pairs, "--run", run, "--tile", "64", "--batch", "1",
            "--epochs", "8", "--decay-epochs", "0", "--steps-per-epoch", "4", "--device", "cpu", "--threads", "1",
            "--resnet-blocks", "2", "--set", "num_patches=16", "--ngf", "8", "--ndf", "8"]
    proc = torchrun(*args, wait=False)
    latest = os.path.join(run, "checkpoints", "latest.pt")
    deadline = time.time() + 240
    while not os.path.exists(latest) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be stopped: " + proc.communicate()[1][-2000:]
    proc.send_signal(signal.SIGTERM)  # torchrun passes it to both ranks; either seeing it stops both
    _out, err = proc.communicate(timeout=120)
    stopped = checkpoint.load(latest)["training"]
    assert 1 <= stopped["epoch"] < 8, err[-2000:]
    assert stopped["global_step"] == stopped["epoch"] * 4 + stopped["step_in_epoch"]

    res = torchrun("train", "--run", run, "--resume", "--device", "cpu", "--threads", "1")
    assert res.returncode == 0, res.stderr[-3000:]
    done = checkpoint.load(latest)
    assert done["card"]["epoch"] == 8 and done["card"]["family"] == "cut"
    assert done["training"]["global_step"] == 8 * 4  # no step lost or repeated across the stop
    assert [h["epoch"] for h in done["training"]["history"]] == list(range(1, 9))
    hellos = _hellos(run)
    assert [h["resumed"] for h in hellos] == [False, True]
    # Each rank took back its own random state (CUT draws its NCE patches from it), so the
    # stopped and resumed run ends exactly where the same run without a stop ends.
    assert len(stopped["rng_cpu_ranks"]) == 2
    assert not torch.equal(stopped["rng_cpu_ranks"][0], stopped["rng_cpu_ranks"][1])
    straight = str(tmp_path / "straight")
    res = torchrun(*[straight if a == run else a for a in args])
    assert res.returncode == 0, res.stderr[-3000:]
    whole = checkpoint.load(os.path.join(straight, "checkpoints", "latest.pt"))
    for name, net in whole["nets"].items():
        for key, w in net.items():
            assert torch.equal(done["nets"][name][key], w), (name, key)


def test_each_rank_takes_back_its_own_image_pools_and_random_state_on_resume(synthetic_pairs, tmp_path):
    """CycleGAN's image pools are each rank's own (each saw its own fakes): both are saved, and a stopped
    and resumed run ends exactly where the same run without a stop ends. Before, every rank was given
    rank 0's pools on resume."""
    run = str(tmp_path / "cyc")
    common = ["--family", "cyclegan", "--data", synthetic_pairs, "--tile", "64", "--batch", "1", "--epochs", "6",
              "--decay-epochs", "0", "--steps-per-epoch", "4", "--device", "cpu", "--threads", "1",
              "--resnet-blocks", "1", "--ngf", "8", "--ndf", "8", "--pool-size", "3", "--precision", "fp32"]
    proc = torchrun("train", "--run", run, *common, wait=False)
    latest = os.path.join(run, "checkpoints", "latest.pt")
    deadline = time.time() + 240
    while not os.path.exists(latest) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be stopped: " + proc.communicate()[1][-2000:]
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=120)
    stopped = checkpoint.load(latest)["training"]
    assert 1 <= stopped["epoch"] < 6, err[-2000:]
    pools = [s["family_state"]["pool_A"] for s in stopped["rank_states"]]
    assert len(pools) == 2 and len(pools[0]) == len(pools[1]) == 3
    assert not all(torch.equal(a, b) for a, b in zip(*pools))      # each rank pooled its own fakes
    res = torchrun("train", "--run", run, "--resume", "--device", "cpu", "--threads", "1")
    assert res.returncode == 0, res.stderr[-3000:]
    straight = str(tmp_path / "straight")
    res = torchrun("train", "--run", straight, *common)
    assert res.returncode == 0, res.stderr[-3000:]
    done = checkpoint.load(latest)
    whole = checkpoint.load(os.path.join(straight, "checkpoints", "latest.pt"))
    assert done["training"]["global_step"] == whole["training"]["global_step"] == 24
    for name, net in whole["nets"].items():
        for key, w in net.items():
            assert torch.equal(done["nets"][name][key], w), (name, key)
