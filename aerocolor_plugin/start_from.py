"""Start from: the model a new training run begins with, for the Train dock and Processing alike.

A run fine-tunes the bundled default model or a checkpoint file (``aerocolor train --from-model``),
or trains a new model from nothing. A model fixes its family, colour mode and network options
(the backend refuses flags that contradict them), so those are passed only for a new model; the
tile is the run's own but must be a multiple of the model's ``multiple``.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional

from .i18n_util import tr
from .model_card import read_card
from .bridge.paths import default_model

START_CHOICES = ("default", "file", "nothing")
NET_OPTIONS = ("ngf", "ndf")   # the network options the dock and Processing offer; a model fixes them


def start_labels() -> List[str]:
    """What the user sees for each of START_CHOICES, in that order."""
    return [tr("the bundled default model"), tr("a model file (.pt)"), tr("nothing: a new model")]


def model_path(start: str, path: str = "") -> str:
    """The checkpoint the run starts from ('' for nothing). Raises ValueError with one sentence when
    it is missing or not an AeroColor model."""
    if start == "nothing":
        return ""
    if start == "default":
        found = default_model()
        if not found:
            raise ValueError(tr("This copy of AeroColor has no bundled default model; start from a model file "
                                "or from nothing."))
        return found
    path = (path or "").strip()
    if not path or not os.path.isfile(path):
        raise ValueError(tr("Choose the model file (.pt) to start from, or start from nothing."))
    if read_card(path) is None:
        raise ValueError(tr("{0} is not an AeroColor model; choose a checkpoint (.pt) from a training run.")
                         .format(path))
    return path


def model_name(start: str, path: str) -> str:
    return tr("The default model") if start == "default" else os.path.basename(path)


def colour_name(mode: Optional[str]) -> str:
    return "L*a*b*" if mode == "lab" else "RGB"


def net_values(card: Optional[dict]) -> Dict[str, int]:
    """The model's values of NET_OPTIONS, from the options it was trained with."""
    net = (((card or {}).get("train") or {}).get("model") or {}).get("net") or {}
    return {k: net[k] for k in NET_OPTIONS if isinstance(net.get(k), int)}


def fitting_tile(card: Optional[dict], tile: int) -> int:
    """`tile` if the model can train on it, else the model's own tile."""
    multiple = int((card or {}).get("multiple") or 1)
    return tile if tile >= multiple and tile % multiple == 0 else int((card or {}).get("tile") or tile)


def train_model_args(start: str, path: str, family: str, color_mode: str, tile: int,
                     net: Dict[str, int]) -> List[str]:
    """The model part of a new run's command line: ``--from-model default|PATH --tile T`` when it starts
    from a model, else ``--family F --color-mode C --tile T`` and the network options in `net`.
    Raises ValueError with one sentence for a choice the backend would refuse."""
    if start not in START_CHOICES:
        raise ValueError(f"unknown start {start!r}")
    if start == "nothing":
        args = ["--family", family, "--color-mode", color_mode, "--tile", str(tile)]
        for key in NET_OPTIONS:
            if key in net:
                args += [f"--{key}", str(net[key])]
        return args
    model = model_path(start, path)
    card = read_card(model) or {}
    if (card.get("family"), card.get("color_mode")) != (family, color_mode):
        raise ValueError(tr("{0} is a {1} model in {2}; fine-tuning keeps both: choose them, or start from "
                            "nothing to train a new {3} model in {4}.").format(
            model_name(start, model), card.get("family"), colour_name(card.get("color_mode")), family,
            colour_name(color_mode)))
    multiple = int(card.get("multiple") or 1)
    if tile < multiple or tile % multiple:
        raise ValueError(tr("{0} works on tiles that are a multiple of {1} px; choose a tile of {2} px, for "
                            "example.").format(model_name(start, model), multiple, fitting_tile(card, tile)))
    return ["--from-model", "default" if start == "default" else model, "--tile", str(tile)]
