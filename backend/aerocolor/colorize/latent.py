"""The latent code z of a model that takes one (BicycleGAN) at inference, three ways:

  random     drawn from N(0, I) with a seed, one code per output (--samples K, --seed)
  reference  read from a colour image by the model's encoder E: its mean mu for the image
             (--z-reference), so the output takes that image's colours
  fixed      zeros, the prior's mean and most likely code, or nz numbers (--z-fixed)

Every output records its code in its AEROCOLOR_SETTINGS tag (z, z_values), so any colouring can
be made again with --z-fixed and those numbers.
"""
from __future__ import annotations

import math
import os
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F

from aerocolor.data.imageio import Stretch, read_image
from aerocolor.errors import BadInput

FIXED_WORDS = ("zeros", "mean")  # both name N(0, I)'s mean


def check(reference: Optional[str], fixed: Optional[Union[str, Sequence[float]]], samples: int,
          nz: int, family: str) -> None:
    """Refuse, in one sentence, a reference or fixed code that cannot apply."""
    if reference is None and fixed is None:
        return
    if reference is not None and fixed is not None:
        raise BadInput("Give either --z-reference or --z-fixed, not both: each sets the one latent code.")
    flag = "--z-reference" if reference is not None else "--z-fixed"
    if not nz:
        raise BadInput(f"{flag} sets the latent code of a model that has one (BicycleGAN); this {family} "
                       f"model gives one colouring, so drop {flag}.")
    if samples > 1:
        raise BadInput(f"--samples {samples} draws random latent codes but {flag} gives one code; "
                       f"drop one of them.")


def fixed_code(value: Union[str, Sequence[float]], nz: int) -> torch.Tensor:
    """'zeros' (or 'mean'), or nz numbers (comma-separated text or a sequence), as a (1, nz) code."""
    if isinstance(value, str) and value.strip().lower() in FIXED_WORDS:
        return torch.zeros(1, nz)
    parts = value.split(",") if isinstance(value, str) else value
    try:
        numbers = [float(p) for p in parts]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != nz or not all(math.isfinite(x) for x in numbers):
        raise BadInput(f"--z-fixed takes zeros or {nz} comma-separated numbers (this model's nz), "
                       f"not {value!r}.")
    return torch.tensor([numbers], dtype=torch.float32)


def reference_input(path: str, card: dict) -> torch.Tensor:
    """A colour image as E's input (1, 3, tile, tile): scaled so that its shorter side is the model's
    training tile (E saw tiles at that size) and centre-cropped, as training crops a tile without
    augmentation, then prepared exactly as training prepares the colour target B."""
    from aerocolor.models.bicyclegan import encoder_input

    tile = int(card["tile"])
    img, _ = read_image(path, Stretch.from_dict(card.get("stretch")), shrink_to=tile)
    if img.shape[2] != 3:
        raise BadInput(f"{path} is a grey image; --z-reference needs a colour (RGB) image whose colours "
                       f"the output should take.")
    rgb = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
    h, w = rgb.shape[-2:]
    if min(h, w) != tile:
        s = tile / min(h, w)
        h, w = max(tile, round(h * s)), max(tile, round(w * s))
        rgb = F.interpolate(rgb, size=(h, w), mode="bilinear", align_corners=False, antialias=s < 1)
        rgb = rgb.clamp(0.0, 1.0)
    y, x = (h - tile) // 2, (w - tile) // 2
    return encoder_input(rgb[..., y:y + tile, x:x + tile], card["color_mode"])


@torch.inference_mode()
def reference_code(encoder: torch.nn.Module, path: str, card: dict) -> torch.Tensor:
    """E's mean code (1, nz) for the colour image at `path`: the most likely code, not a sample."""
    device = next(encoder.parameters()).device
    mu, _logvar = encoder(reference_input(path, card).to(device))
    return mu.float().cpu()


def codes(card: dict, samples: int, seed: int, reference: Optional[str],
          fixed: Optional[Union[str, Sequence[float]]],
          encoder: Callable[[], torch.nn.Module]) -> Tuple[Optional[torch.Tensor], List[dict]]:
    """(K, nz) codes for the K outputs (None for a model without z), and what each output's
    settings record about its code. `encoder` gives E; it is called only for a reference."""
    nz = int(card.get("nz") or 0)
    if not nz:
        return None, [{} for _ in range(samples)]
    if reference is not None:
        zs = reference_code(encoder(), reference, card)
        about = [{"z": "reference", "z_reference": os.path.abspath(reference)}]
    elif fixed is not None:
        zs = fixed_code(fixed, nz)
        about = [{"z": "fixed"}]
    else:
        zs = torch.randn(samples, nz, generator=torch.Generator().manual_seed(seed))
        about = [{"z": "random", "sample": k + 1, "samples": samples, "seed": seed} for k in range(samples)]
    for entry, z in zip(about, zs):
        entry["z_values"] = [float(v) for v in z]  # float32 exactly: the text gives the same code back
    return zs, about
