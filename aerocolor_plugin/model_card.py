"""A checkpoint's card read inside QGIS, where torch is not installed: what the Colorize dock
shows about a model and which options it offers (a latent code only for BicycleGAN).

A checkpoint is a zip written by torch.save; its data.pkl holds the card as plain JSON types
beside references to the weights. It is read here with an unpickler that builds nothing but
dicts and lists: every torch object becomes None, anything else is refused.
"""
from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile
from typing import Dict, List, Optional, Tuple

from .i18n_util import tr

_cache: Dict[str, Tuple[float, Optional[dict]]] = {}


class _CardUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" or module.startswith("torch."):
            return _nothing
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a checkpoint")

    def persistent_load(self, pid):
        return None       # a tensor's storage: not read


def _nothing(*_args, **_kwargs):
    return None


def read_card(path: str) -> Optional[dict]:
    """The card of the checkpoint at `path`, or None when it is not an AeroColor checkpoint.
    Cached until the file changes."""
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return None
    hit = _cache.get(path)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    card = None
    try:
        with zipfile.ZipFile(path) as zf:
            name = next((n for n in zf.namelist() if n.endswith("/data.pkl") or n == "data.pkl"), None)
            if name is not None:
                obj = _CardUnpickler(io.BytesIO(zf.read(name))).load()
                if isinstance(obj, dict) and obj.get("format") == "aerocolor-checkpoint":
                    card = obj.get("card") if isinstance(obj.get("card"), dict) else None
    except (OSError, zipfile.BadZipFile, pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, IndexError, KeyError):
        card = None
    _cache[path] = (mtime, card)
    return card


def latent_size(card: Optional[dict]) -> int:
    """Numbers in the model's latent code (BicycleGAN); 0 for models with one colouring."""
    try:
        return int((card or {}).get("nz") or 0)
    except (TypeError, ValueError):
        return 0


LATENT_MODES = ("random", "zeros", "reference")


def latent_mode_labels() -> List[str]:
    """What the user sees for each of LATENT_MODES, in that order (the dock and Processing)."""
    return [tr("random, from a seed"), tr("the model's average (z = 0)"), tr("like a colour image")]


def latent_args(card: Optional[dict], mode: str, samples: int = 1, seed: int = 0, image: str = "") -> List[str]:
    """The backend's options for the latent code the user chose; none for a model without one.
    Raises ValueError with one sentence when the chosen colour image is missing."""
    if not latent_size(card):
        return []
    if mode == "random":
        return (["--samples", str(samples)] if samples > 1 else []) + ["--seed", str(seed)]
    if mode == "zeros":
        return ["--z-fixed", "zeros"]
    if not image or not os.path.isfile(image):
        raise ValueError(tr("Choose the colour image whose colouring the model should follow."))
    return ["--z-reference", image]


def summary(card: Optional[dict]) -> str:
    """One line about the model: family, colour space, tile, ground resolution, latent code."""
    if not card:
        return ""
    parts = [str(card.get("family", "?")), "L*a*b*" if card.get("color_mode") == "lab" else "RGB"]
    if card.get("tile"):
        parts.append(f"{card['tile']} px")
    unit = "m" if (card.get("gsd_units") or "metre") == "metre" else card["gsd_units"]
    if card.get("gsd_range"):
        low, high = card["gsd_range"]
        parts.append(f"{low:.3g}-{high:.3g} {unit}/px")
    elif card.get("gsd"):
        parts.append(f"{card['gsd']:.3g} {unit}/px")
    nz = latent_size(card)
    if nz:
        parts.append(f"z: {nz}")
    return " · ".join(parts)
