"""Typed run configurations: one dataclass per run kind, saved as JSON beside the results.

Each model family owns its options dataclass (models/<family>.py); TrainConfig holds
the options every family shares and the family's own under ``model``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import typing
from dataclasses import dataclass, field
from typing import Any, Optional

from aerocolor.data.film import FilmConfig
from aerocolor.data.imageio import Stretch
from aerocolor.errors import BadInput
from aerocolor.family_options import OPTIONS, NetConfig, unpaired_net  # noqa: F401 (NetConfig, unpaired_net: this module's API too)


def to_dict(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def _field_default(cls: type, name: str) -> Any:
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None if f.default is dataclasses.MISSING else f.default


def from_dict(cls: type, data: dict, where: str = "config") -> Any:
    """Build a (nested) dataclass from a dict; unknown keys are an error, not silently dropped."""
    if not isinstance(data, dict):
        raise BadInput(f"{where} must be a JSON object.")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise BadInput(f"{where} has an unknown option {unknown[0]!r}; known: {', '.join(sorted(names))}.")
    kwargs = {}
    for name, value in data.items():
        hint = hints[name]
        target = next((a for a in typing.get_args(hint) if dataclasses.is_dataclass(a)), hint)
        if dataclasses.is_dataclass(target) and isinstance(value, dict):
            value = from_dict(target, value, f"{where}.{name}")
            # Keys not given keep the field's own default (a family's NetConfig defaults
            # differ: CycleGAN's is a ResNet), not the nested class's defaults.
            default = _field_default(cls, name)
            if dataclasses.is_dataclass(default) and type(default) is type(value):
                value = dataclasses.replace(default, **{k: getattr(value, k) for k in data[name]})
        elif isinstance(value, list) and typing.get_origin(hint) is tuple:
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)


@dataclass
class TrainConfig:
    family: str = "pix2pix"
    data: str = ""
    run: str = ""
    color_mode: str = "lab"       # rgb: grey -> RGB; lab: L -> a*b*
    tile: int = 256
    batch: int = 1
    epochs: int = 100             # at the full learning rate
    decay_epochs: int = 100       # then linear decay to zero
    steps_per_epoch: Optional[int] = None  # cap for quick trials; None: the whole dataset
    repeat: int = 1               # passes over the data per epoch (few large tiles: random crops)
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    seed: int = 0
    device: str = "auto"          # auto | cpu | cuda | cuda:N
    threads: int = 0              # 0: all cores
    precision: str = "auto"       # auto (bf16 on CPUs with native bf16, else fp32) | fp32 | bf16 (autocast)
    channels_last: bool = False
    workers: int = 0
    save_every: int = 10          # keep a numbered checkpoint every N epochs (latest.pt always)
    save_minutes: float = 10.0    # also write latest.pt within an epoch this often (0: at epoch ends only)
    val_max: int = 64             # validation tiles used each epoch
    stretch: Stretch = field(default_factory=Stretch)
    from_model: str = ""          # fine-tune: start from this checkpoint's weights (its architecture too)
    film: FilmConfig = field(default_factory=FilmConfig)  # film-scan degradations of the grey input
    model: Any = None             # the family's options dataclass

    @property
    def total_epochs(self) -> int:
        return self.epochs + self.decay_epochs

    def to_dict(self) -> dict:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        data = dict(data)
        model = data.pop("model", None) or {}
        # Runs saved before film augmentation existed trained without it: a config (or a card)
        # without the key keeps it off, so resuming one continues exactly as it began.
        # New runs get it through TrainConfig() or the CLI, which fill the key in.
        data.setdefault("film", {"enabled": False})
        cfg = from_dict(cls, data, "train config")
        if cfg.family not in OPTIONS:
            raise BadInput(f"Unknown model family {cfg.family!r}; choose one of {', '.join(OPTIONS)}.")
        cfg.model = from_dict(OPTIONS[cfg.family], model, f"{cfg.family} options")
        return cfg


def save_json(path: str, obj: Any) -> None:
    """Write JSON atomically: a temporary name, then a rename."""
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(to_dict(obj), fh, indent=2)
    os.replace(tmp, path)
