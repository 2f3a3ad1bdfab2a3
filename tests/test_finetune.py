"""Fine-tuning: a run that starts from a checkpoint's architecture and weights (--from-model)."""
import json
import os
import shutil

import pytest
import torch

from aerocolor.models import checkpoint
from aerocolor.assets import DEFAULT_MODEL
from aerocolor.config import TrainConfig
from aerocolor.errors import BadInput
from aerocolor.training.finetune import check_resolution
from aerocolor.training.trainer import Trainer, train
from conftest import run_cli


def _tune_cfg(base, data, run, **kw):
    from aerocolor.training.finetune import base_config

    given = dict(data=data, run=run, epochs=1, decay_epochs=0, steps_per_epoch=2, batch=2, threads=2, seed=9)
    given.update(kw)
    return TrainConfig.from_dict(base_config(base, given))


def test_fine_tuning_starts_from_every_tensor_of_the_checkpoint(tiny_checkpoint, synthetic_pairs, tmp_path):
    run = str(tmp_path / "tuned")
    cfg = _tune_cfg(tiny_checkpoint, synthetic_pairs, run)
    # The architecture came from the card, not from TrainConfig's defaults (ngf 64).
    assert cfg.model.net.ngf == 8 and cfg.family == "pix2pix" and cfg.color_mode == "lab" and cfg.tile == 64
    trainer = Trainer(cfg)
    trainer.setup()
    held = checkpoint.load(tiny_checkpoint)["nets"]
    assert set(held) == set(trainer.family.nets)
    for name, net in trainer.family.nets.items():
        mine = net.state_dict()
        assert set(mine) == set(held[name])
        for key, tensor in mine.items():
            assert torch.equal(tensor, held[name][key]), (name, key)
    path = trainer.run()
    card = checkpoint.load(path)["card"]
    (entry,) = card["lineage"]
    assert entry["model"] == os.path.abspath(tiny_checkpoint) and len(entry["sha256"]) == 64
    assert entry["fresh_nets"] == [] and entry["family"] == "pix2pix"
    # A run that starts fresh moves away from the base: the tuned generator differs after its steps.
    tuned = checkpoint.load(path)["nets"]["G"]
    assert any(not torch.equal(tuned[k], held["G"][k]) for k in tuned if tuned[k].is_floating_point())


def test_a_resumed_fine_tune_keeps_its_lineage_and_its_own_weights(tiny_checkpoint, synthetic_pairs, tmp_path):
    run = str(tmp_path / "tuned")
    first = checkpoint.load(train(_tune_cfg(tiny_checkpoint, synthetic_pairs, run)))
    trainer = Trainer(_tune_cfg(tiny_checkpoint, synthetic_pairs, run), resume=True)
    trainer.setup()
    assert trainer.lineage == first["card"]["lineage"]
    for key, tensor in trainer.family.nets["G"].state_dict().items():  # latest.pt's, not the base's
        assert torch.equal(tensor, first["nets"]["G"][key]), key


def test_the_bundled_default_model_fine_tunes_with_a_fresh_discriminator(synthetic_pairs, tmp_path):
    """The export ships the generator only (fp16); its values are the run's start, widened to fp32."""
    run = str(tmp_path / "from_default")
    res = run_cli("--events", "jsonl", "train", "--from-model", "default", "--data", synthetic_pairs, "--run", run,
                  "--tile", "64", "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "1",
                  "--batch", "2", "--threads", "2")
    assert res.returncode == 0, res.stderr[-2000:]
    with open(os.path.join(run, "config.json")) as fh:
        saved = json.load(fh)
    base = checkpoint.card_of(DEFAULT_MODEL)
    assert saved["from_model"] == DEFAULT_MODEL and saved["model"]["net"]["ngf"] == base["train"]["model"]["net"]["ngf"]
    card = checkpoint.card_of(os.path.join(run, "checkpoints", "latest.pt"))
    assert card["lineage"][0]["fresh_nets"] == ["D"] and card["lineage"][0]["name"] == base["model_card"]["name"]


@pytest.mark.parametrize("flags, says", [
    (["--family", "cyclegan"], "fine-tuning keeps its family"),
    (["--color-mode", "rgb"], "fine-tuning keeps its colour mode"),
    (["--ngf", "16"], "change the network G"),
])
def test_a_base_model_of_another_kind_than_asked_is_refused_before_training(tiny_checkpoint, synthetic_pairs,
                                                                            tmp_path, flags, says):
    run = str(tmp_path / "refused")
    res = run_cli("train", "--from-model", tiny_checkpoint, "--data", synthetic_pairs, "--run", run,
                  "--tile", "64", "--epochs", "1", "--decay-epochs", "0", "--steps-per-epoch", "1", *flags)
    assert res.returncode == 2, res.stderr[-2000:]
    assert says in res.stderr and "Traceback" not in res.stderr
    assert not os.path.exists(os.path.join(run, "checkpoints", "latest.pt"))


def test_a_dataset_far_from_the_models_resolution_is_refused(tiny_checkpoint, synthetic_pairs, tmp_path):
    check_resolution("m.pt", {"gsd": 0.1}, (0.15, 0.15))  # within 2x: fine
    check_resolution("m.pt", {"gsd": None}, (1.0, 1.0))  # unknown: nothing to compare
    check_resolution("m.pt", {"gsd_range": [0.1, 2.0]}, (1.0, 1.0))  # a multi-scale model: inside its range
    check_resolution("m.pt", {"gsd": 0.1}, (0.15, 2.0))  # multi-scale data: one of its scales is near
    with pytest.raises(BadInput, match=r"at 1 m/px but m.pt learned 0.1 m/px"):
        check_resolution("m.pt", {"gsd": 0.1}, (1.0, 1.0))
    with pytest.raises(BadInput, match=r"learned 0.25-2 m/px"):
        check_resolution("m.pt", {"gsd": 0.1, "gsd_range": [0.25, 2.0]}, (0.1, 0.1))
    # Through a run: the base learned 0.1 m/px (card edited here), the data says 1 m/px.
    base = str(tmp_path / "base.pt")
    obj = checkpoint.load(tiny_checkpoint)
    obj["card"]["gsd"] = 0.1
    checkpoint.save(base, {k: v for k, v in obj.items() if k not in ("format", "format_version")})
    data = str(tmp_path / "coarse")
    shutil.copytree(synthetic_pairs, data)
    with open(os.path.join(data, "manifest.json")) as fh:
        man = json.load(fh)
    man["gsd"] = 1.0
    with open(os.path.join(data, "manifest.json"), "w") as fh:
        json.dump(man, fh)
    trainer = Trainer(_tune_cfg(base, data, str(tmp_path / "run")))
    with pytest.raises(BadInput, match="1 m/px"):
        trainer.setup()


def test_an_export_with_all_nets_fine_tunes_with_its_trained_discriminator(tiny_checkpoint, synthetic_pairs,
                                                                          tmp_path):
    full = str(tmp_path / "full.pt")
    res = run_cli("export", tiny_checkpoint, full, "--all-nets")
    assert res.returncode == 0, res.stderr[-2000:]
    obj = checkpoint.load(full)
    assert set(obj["nets"]) == {"G", "D"} and "training" not in obj
    trainer = Trainer(_tune_cfg(full, synthetic_pairs, str(tmp_path / "tuned")))
    trainer.setup()
    assert trainer.lineage[0]["fresh_nets"] == []
    for key, tensor in trainer.family.nets["D"].state_dict().items():  # fp16 export, widened back
        assert torch.equal(tensor, obj["nets"]["D"][key].to(tensor.dtype)), key
