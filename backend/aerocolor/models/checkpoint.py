"""Self-describing checkpoints: one file holds the card (everything needed to rebuild and
use the model) and the weights; loading needs no flags and never runs code from the file.

Layout of the file (a torch.save of plain types and tensors only):
  {"format": "aerocolor-checkpoint", "format_version": 1,
   "card": {...JSON-able...},                     # family, options, colour mode, tile, m/px, ...
   "nets": {name: state_dict}, "generator": "G",
   "training": {optimizers, schedulers, rng, epoch, step} | absent in exported models}
"""
from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import pickle
import zipfile
from typing import Any, Callable, Dict, Optional

import torch

from aerocolor.colorize.output_files import write_atomically
from aerocolor.errors import BadInput, DiskError

FORMAT = "aerocolor-checkpoint"
FORMAT_VERSION = 1


def save(path: str, payload: Dict[str, Any]) -> None:
    """Write to a temporary name in the same folder, then rename: the old file survives any failure."""
    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, **payload}
    # The card must be plain JSON: anything else would need pickle to load again.
    payload["card"] = json.loads(json.dumps(payload["card"], default=str))
    try:
        write_atomically(path, lambda tmp: torch.save(payload, tmp))
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskError(f"No space left to save {path}; free some disk space and resume "
                            f"(the previous checkpoint is intact).", str(exc)) from None
        raise DiskError(f"Could not save {path} ({exc.strerror}); check the folder's permissions "
                        f"and resume (the previous checkpoint is intact).", str(exc)) from None
    except RuntimeError as exc:  # torch reports a full disk from its zip writer this way
        raise DiskError(f"Could not save {path}; check free disk space and resume "
                        f"(the previous checkpoint is intact).", str(exc)) from None


def load(path: str, map_location: Any = "cpu") -> Dict[str, Any]:
    """Load and validate a checkpoint with weights_only=True; refuse anything else in one sentence."""
    if not os.path.isfile(path):
        raise BadInput(f"The checkpoint {path} does not exist; check the path.")
    if os.path.getsize(path) == 0:
        raise BadInput(f"The checkpoint {path} is empty; use an earlier checkpoint or train again.")
    try:
        obj = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        raise BadInput(f"{path} needs code execution to load (it is not a plain AeroColor checkpoint), "
                       f"so it was refused; use a checkpoint written by AeroColor.", str(exc)) from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError) as exc:
        raise BadInput(f"{path} is damaged or not a checkpoint (perhaps truncated by an interrupted "
                       f"copy); use an earlier checkpoint such as latest.pt of the run.", str(exc)) from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise BadInput(f"{path} is a PyTorch file from another program, not an AeroColor checkpoint; "
                       f"train a model with 'aerocolor train' or pick a file it wrote.")
    if obj.get("format_version", 0) > FORMAT_VERSION:
        raise BadInput(f"{path} was written by a newer AeroColor (format {obj['format_version']}); "
                       f"update AeroColor to use it.")
    for key in ("card", "nets"):
        if key not in obj:
            raise BadInput(f"{path} lacks its {key}; it is damaged, use an earlier checkpoint.")
    from aerocolor import __version__
    from aerocolor.models import FAMILIES

    family = obj["card"].get("family") if isinstance(obj["card"], dict) else None
    if family not in FAMILIES:
        raise BadInput(f"{path} holds a model of the family {family!r}, which AeroColor {__version__} does not "
                       f"know; a newer version of AeroColor may read it, or use a checkpoint of "
                       f"{', '.join(FAMILIES)}.")
    return obj


def file_sha256(path: str) -> str:
    """A file's identity: the base model in a lineage, the model in a many-raster ledger."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def card_of(path: str) -> dict:
    return load(path)["card"]


def _restore(path: str, build: Callable[[], torch.nn.Module], weights, what: str,
             device: Optional[torch.device]) -> torch.nn.Module:
    """The net `build` makes, with `weights`, in eval mode, on `device`; a mismatch is refused in one
    sentence.

    The net is built without memory (on the meta device) and takes the checkpoint's tensors as its
    own: building the U-Net 256 with random weights only to overwrite them took 0.34-0.37 s of every
    colorize run, and held a second copy of its 218 MB of weights."""
    try:
        with torch.device("meta"):
            net = build()
        shapes = net.state_dict()
        # Same dtype as the net's own (an fp16 export is widened here, as copying into fp32 did).
        weights = {k: (v.to(shapes[k].dtype) if k in shapes and v.dtype != shapes[k].dtype else v)
                   for k, v in weights.items()}
        net.load_state_dict(weights, assign=True)
        if any(t.is_meta for t in itertools.chain(net.parameters(), net.buffers())):
            net = build()       # a tensor the checkpoint does not hold (a constant made by the net)
            net.load_state_dict(weights)
    except RuntimeError as exc:
        raise BadInput(f"{path}: {what} do not match the model its card describes; the file is "
                       f"damaged or was edited. Use another checkpoint.", str(exc)) from None
    net.eval()
    return net if device is None else net.to(device)


def generator_from(obj: Dict[str, Any], path: str, device: Optional[torch.device] = None):
    """(card, generator in eval mode) from a checkpoint `load` read from `path`."""
    from aerocolor.models import family_class

    card = obj["card"]
    weights = obj["nets"].get(obj.get("generator", "G"))
    if weights is None:
        raise BadInput(f"{path}: the weights do not match the model its card describes (its generator is "
                       f"missing); the file is damaged or was edited. Use another checkpoint.")
    from aerocolor.models.calibrated import wrap

    net = _restore(path, lambda: family_class(card["family"]).build_generator_from(card), weights,
                   "the weights", device)
    return card, wrap(card, net)


def encoder_from(obj: Dict[str, Any], path: str, device: Optional[torch.device] = None):
    """The family's latent encoder (BicycleGAN's E) in eval mode from a checkpoint `load` read from
    `path`, to read a latent code from a reference colour image; refused in one sentence where the
    checkpoint has none."""
    from aerocolor.models import family_class

    card = obj["card"]
    family = family_class(card["family"])
    name = family.encoder_name
    if name is None:
        raise BadInput(f"{path} is a {card['family']} model, which has no latent code to read from a "
                       f"reference image; drop the reference.")
    if name not in obj["nets"]:
        raise BadInput(f"{path} has no encoder to read a latent code from a reference image (it was exported "
                       f"before exports kept one); export it again from its training checkpoint with "
                       f"'aerocolor export', or use --z-fixed instead.")
    return _restore(path, lambda: family.build_encoder_from(card), obj["nets"][name], "the encoder's weights",
                    device)


def load_generator(path: str, device: Optional[torch.device] = None):
    """(card, generator in eval mode) from a checkpoint, for inference."""
    return generator_from(load(path), path, device)


def load_encoder(path: str, device: Optional[torch.device] = None):
    """encoder_from for the checkpoint at `path`."""
    return encoder_from(load(path), path, device)


def export(path: str, out: str, half: bool = True, all_nets: bool = False) -> dict:
    """An inference-only copy: the card and the weights of the nets inference uses (the generator,
    and BicycleGAN's encoder for reference-image latent codes), fp16 by default, no optimiser
    state, so a model can be shared or bundled at a fraction of the size. `all_nets` keeps every
    net (the discriminator too): a fine-tune from the export then starts with a trained critic."""
    from aerocolor.models import family_class

    obj = load(path)
    name = obj.get("generator", "G")
    encoder = family_class(obj["card"]["family"]).encoder_name
    names = [name] + ([encoder] if encoder and encoder in obj["nets"] else [])
    if all_nets:
        names += [n for n in obj["nets"] if n not in names]
    nets = {}
    for n in names:
        weights = obj["nets"][n]
        if half:
            weights = {k: (v.half() if v.is_floating_point() else v) for k, v in weights.items()}
        nets[n] = weights
    card = dict(obj["card"])
    card["exported"] = {"from": os.path.basename(path), "half": half, "nets": names}
    save(out, {"card": card, "generator": name, "nets": nets})
    return card


def format_card(card: dict, nets: Optional[list] = None) -> str:
    """The card as text for `aerocolor info`; with `nets` (the networks the file holds), also what
    they allow."""
    t = card.get("train", {})
    m = t.get("model", {}) or {}
    net = m.get("net", {}) or {}
    lines = [
        f"family        {card.get('family')}",
        f"colour mode   {card.get('color_mode')}   (input {card.get('in_channels', 1)} band, "
        f"output {'a*b* joined to the input L' if card.get('color_mode') == 'lab' else 'RGB'})",
        f"generator     {net.get('netG')} ngf {net.get('ngf')}"
        + (f" depth {card.get('unet_depth')}" if net.get('netG') == 'unet' else f" blocks {net.get('resnet_blocks')}")
        + f", norm {net.get('norm_g')}",
        f"discriminator PatchGAN ndf {net.get('ndf')} layers {net.get('d_layers')}, GAN mode {m.get('gan_mode')}",
        f"options       " + (", ".join(f"{k} {v}" for k, v in m.items() if k not in ("net", "gan_mode")) or "-"),
        f"tile          {card.get('tile')} px (input sides multiple of {card.get('multiple')})",
        f"ground res.   {_ground_res(card)}",
        f"data          {card.get('data', {}).get('path')} ({card.get('data', {}).get('train_images')} "
        f"training images, layout {card.get('data', {}).get('layout')})",
        f"extent        {card.get('data', {}).get('extent') or 'not georeferenced'}",
        f"epochs        {card.get('epoch')} of {card.get('total_epochs')}",
        f"metrics       {card.get('metrics') or {}}",
        f"stretch       {card.get('stretch')}",
        f"written by    aerocolor {card.get('aerocolor')} / torch {card.get('torch')} at {card.get('created')}",
    ]
    if nets is not None:
        lines.append(f"networks      {', '.join(sorted(nets))}")
    if nets is not None and card.get("nz"):
        from aerocolor.models import family_class

        enc = family_class(card["family"]).encoder_name
        lines.append(f"latent code   nz {card['nz']}; " + (
            "--z-reference can read it from a colour image (the encoder is in this file)" if enc in nets else
            "this file has no encoder, so --z-reference cannot be used: export it again or use --z-fixed"))
    return "\n".join(lines)


def _ground_res(card: dict) -> str:
    unit = card.get("gsd_units") or "m"
    if card.get("gsd_range"):
        return f"{card['gsd_range'][0]:g}-{card['gsd_range'][1]:g} {unit}/px (multi-scale)"
    return f"{card['gsd']} {unit}/px" if card.get("gsd") else "unknown"
