"""`aerocolor train`'s flags: the model options are generated from their dataclasses (family_options.py),
so each is declared once, with its help line, and none is left without a flag or a help."""
from __future__ import annotations

import argparse
import dataclasses

import pytest

from aerocolor import family_options
from aerocolor.cli import build_parser, train_config_from_args
from aerocolor.errors import BadInput
from aerocolor.family_options import OPTIONS, SET_ONLY, NetConfig


def _train_parser() -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["train"]


def _cfg(tmp_path, *flags):
    return train_config_from_args(build_parser().parse_args(["train", "--data", "d", "--run", str(tmp_path), *flags]))


def test_every_train_flag_has_help_and_every_model_option_a_flag():
    actions = _train_parser()._actions
    assert [a.option_strings for a in actions if not (a.help or "").strip()] == []
    dests = {a.dest for a in actions}
    for cls in (NetConfig, *OPTIONS.values()):
        for f in dataclasses.fields(cls):
            assert f.name in dests or f.name in SET_ONLY, f"{cls.__name__}.{f.name} has no flag"
    helps = {a.dest: a.help for a in actions}
    assert helps["lambda_l1"].startswith("pix2pix/BicycleGAN: ")   # the families that declare it, once
    assert helps["lambda_gan"].startswith("pix2pix/CUT/FastCUT/BicycleGAN: ")
    assert "0 on pix2pix trains on L1 alone" in helps["lambda_gan"]
    assert not helps["gan_mode"].startswith(("pix2pix", "CUT"))  # every family has it: no prefix
    assert "(default 100 for pix2pix, 10 for BicycleGAN)" in helps["lambda_l1"]


def test_generated_flags_land_in_the_train_config(tmp_path):
    cfg = _cfg(tmp_path, "--family", "cyclegan", "--lambda-identity", "0.2", "--ngf", "16")
    assert cfg.model.lambda_identity == 0.2 and cfg.model.net.ngf == 16
    assert cfg.model.net.netG == "resnet"          # the rest of CycleGAN's own network defaults stay
    cfg = _cfg(tmp_path, "--family", "cut", "--nce-layers", "stem,down1", "--no-nce-idt", "--flip-equivariance",
               "--set", "nce_t=0.1")
    assert list(cfg.model.nce_layers) == ["stem", "down1"] and cfg.model.nce_idt is False
    assert cfg.model.flip_equivariance is True and cfg.model.nce_t == 0.1
    cfg = _cfg(tmp_path, "--no-dropout", "--netG", "resnet", "--lambda-gan", "0", "--init-gain", "0.05")
    assert cfg.model.net.dropout is False and cfg.model.net.netG == "resnet"
    assert cfg.model.lambda_gan == 0 and cfg.model.net.init_gain == 0.05
    assert _cfg(tmp_path).model.net.dropout is True  # not given: the family's default
    with pytest.raises(BadInput, match=r"^--lambda-identity does not apply to pix2pix\.$"):
        _cfg(tmp_path, "--lambda-identity", "0.2")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--run", "r", "--gan-mode", "hinge"])


def test_two_families_that_describe_one_option_differently_are_refused(monkeypatch):
    @dataclasses.dataclass
    class Odd:
        lambda_l1: float = family_options.option(1.0, "another sentence for the L1 weight")

    monkeypatch.setitem(OPTIONS, "odd", Odd)
    with pytest.raises(ValueError, match="Odd.lambda_l1 has another help"):
        family_options.train_options()



@pytest.mark.parametrize("where", ["before", "after"])
def test_events_jsonl_is_accepted_before_and_after_the_command(tmp_path, where):
    import json

    import numpy as np

    from conftest import run_cli, write_geotiff

    src = write_geotiff(str(tmp_path / "a.tif"), np.zeros((8, 8), np.uint8))
    out = str(tmp_path / "m.vrt")
    args = ["--events", "jsonl", "mosaic", out, src] if where == "before" else ["mosaic", out, src, "--events", "jsonl"]
    res = run_cli(*args, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    events = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert events and events[-1]["type"] == "result"
    assert build_parser().parse_args(["mosaic", out, src]).events == "text"


def test_every_flag_of_every_command_has_a_help_line():
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = {name: [a.option_strings or [a.dest] for a in p._actions if not (a.help or "").strip()]
               for name, p in sub.choices.items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_the_flags_copied_into_the_config_are_its_fields_and_reach_it(tmp_path):
    from aerocolor.config import TrainConfig

    args = build_parser().parse_args(["train", "--data", "d", "--run", str(tmp_path), "--epochs", "3",
                                      "--save-minutes", "2.5", "--color-mode", "rgb"])
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    assert set(args.config_flags) <= fields and {"epochs", "save_minutes", "color_mode"} <= set(args.config_flags)
    cfg = train_config_from_args(args)
    assert (cfg.epochs, cfg.save_minutes, cfg.color_mode) == (3, 2.5, "rgb")
