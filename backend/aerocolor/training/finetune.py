"""Fine-tuning: a new run that starts from a trained model's architecture and weights.

A researcher captures modern imagery of their own place and tunes the bundled default (or any
checkpoint) on it: minutes of training instead of days, because the generator already knows
how aerial photos are coloured. The run takes the base model's family, colour mode, network
options and stretch from its card; the data, the schedule and the loss weights are the run's
own. The card of every checkpoint the run writes names its base in ``lineage``.
"""
from __future__ import annotations

import os
from typing import Dict, List, Optional, Tuple

import torch

from aerocolor.models import checkpoint
from aerocolor.errors import BadInput

# A dataset this many times finer or coarser than the model's m/px is refused: the model would
# see its scenes at a scale it never learned, and learning the new scale is not a fine-tune.
GSD_FACTOR = 2.0


def base_config(path: str, given: dict) -> dict:
    """A TrainConfig dict for a run that fine-tunes the model at `path`, from its card and the
    options the user gave (`given`: only what was given, family and colour mode included)."""
    card = checkpoint.card_of(path)
    trained = card.get("train") or {}
    for key, flag, what in (("family", "--family", "family"), ("color_mode", "--color-mode", "colour mode")):
        if given.get(key) is not None and given[key] != card.get(key):
            raise BadInput(f"{path} is a {card.get('family')} model in {card.get('color_mode')}; fine-tuning "
                           f"keeps its {what}: drop {flag} {given[key]}, or train a new model without "
                           f"--from-model.")
    # The architecture and what its input means come from the model; the run's own flags may change
    # anything else (loss weights, schedule, data).
    base = {"family": card["family"], "color_mode": card["color_mode"], "tile": card.get("tile", trained.get("tile"))}
    if "stretch" in trained:
        base["stretch"] = trained["stretch"]
    model = dict(trained.get("model") or {})
    if isinstance(model.get("net"), dict) and card.get("unet_depth"):
        model["net"] = {**model["net"], "unet_depth": card["unet_depth"]}  # depth follows the tile otherwise
    given_model = dict(given.get("model") or {})
    if "net" in given_model:
        model["net"] = {**(model.get("net") or {}), **given_model.pop("net")}
    model.update(given_model)
    out = {**base, **{k: v for k, v in given.items() if k not in ("model", "family", "color_mode")},
           "model": model, "from_model": os.path.abspath(path)}
    return out


def data_range(manifest: Optional[dict]) -> Optional[Tuple[float, float]]:
    """(finest, coarsest) m/px of a dataset's tiles, from its manifest; None where unknown."""
    man = manifest or {}
    scales = [float(s) for s in (man.get("scales") or []) if s] or ([float(man["gsd"])] if man.get("gsd") else [])
    return (min(scales), max(scales)) if scales else None


def check_resolution(path: str, card: dict, data: Optional[Tuple[float, float]]) -> None:
    """Refuse a dataset far finer or coarser than the m/px the model learned, before any training.

    Multi-scale on either side: refused only where no scale of the data comes within GSD_FACTOR
    of the model's range."""
    low, high = card.get("gsd_range") or (card.get("gsd"), card.get("gsd"))
    if not data or not low or not high:
        return
    if data[1] < low / GSD_FACTOR or data[0] > high * GSD_FACTOR:
        learned = f"{low:g} m/px" if low == high else f"{low:g}-{high:g} m/px"
        have = f"{data[0]:g} m/px" if data[0] == data[1] else f"{data[0]:g}-{data[1]:g} m/px"
        raise BadInput(f"The dataset is at {have} but {path} learned {learned}; make the training "
                       f"set at a resolution within {GSD_FACTOR:g}x of that (aerocolor dataset --gsd, or the "
                       f"Capture dock's ground resolution), or train a new model without --from-model.")


def start_from(path: str, nets: Dict[str, torch.nn.Module], generator: str,
               data: Optional[Tuple[float, float]]) -> List[dict]:
    """Copy the model's weights at `path` into a new run's nets; returns the run's lineage.

    Every net the checkpoint holds must match its counterpart exactly; nets it lacks (an export
    keeps only what inference needs, so no discriminator) keep their fresh initialisation."""
    obj = checkpoint.load(path)
    card = obj["card"]
    check_resolution(path, card, data)
    held = obj["nets"]
    if generator not in held:
        raise BadInput(f"{path} holds no generator weights; it is damaged, use another checkpoint.")
    fresh = []
    for name, net in nets.items():
        if name not in held:
            fresh.append(name)
            continue
        try:
            net.load_state_dict(held[name])  # copies, widening an fp16 export to the net's dtype
        except RuntimeError as exc:
            raise BadInput(f"The options given change the network {name} of {path}; fine-tuning keeps the "
                           f"model's architecture: drop the network flags (--ngf, --netG, --unet-depth, ...).",
                           str(exc)) from None
    entry = {"model": os.path.abspath(path), "sha256": checkpoint.file_sha256(path),
             "name": (card.get("model_card") or {}).get("name"), "family": card.get("family"),
             "data": (card.get("data") or {}).get("path"), "epoch": card.get("epoch"),
             "train_seconds": card.get("train_seconds"), "fresh_nets": fresh}
    return [entry] + list(card.get("lineage") or [])
