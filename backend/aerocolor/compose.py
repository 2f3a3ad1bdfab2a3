"""The model's colour joined to the photo's own pixels, as 8-bit RGBA rows for the writer.

Lab models: the photo's full-resolution L* plus the predicted a*b*. Where that colour
lies outside sRGB, plain clipping would change the lightness (and so the photo's
detail); instead the chroma is reduced until the colour fits, keeping L* and the hue.
"""
from __future__ import annotations

import numpy as np
import torch

from aerocolor.data import color

# Largest Lab round-trip error (delta E) still counted as "in gamut": float32 noise is ~1e-3.
_GAMUT_TOL = 0.05
_BISECT_STEPS = 8   # chroma found to 1/256 of the prediction


def _outside(lab: torch.Tensor, rgb: torch.Tensor) -> torch.Tensor:
    """(N,) True where lab_to_rgb had to clip (the round trip does not come back). Both (3, N)."""
    return (color.rgb_to_lab(rgb) - lab).abs().amax(dim=0) > _GAMUT_TOL


def lab_to_rgb_keep_lightness(L: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """L (N,) and a*b* (2, N) to sRGB (3, N) in [0, 1], shrinking a*b* where needed so L stays exact."""
    lab = torch.cat([L[None], ab], 0)
    rgb = color.lab_to_rgb(lab)
    bad = _outside(lab, rgb).nonzero().squeeze(1)
    if bad.numel():
        Lb, abb = L[bad][None], ab[:, bad]
        lo = torch.zeros(bad.numel())      # neutral grey always fits
        hi = torch.ones(bad.numel())
        for _ in range(_BISECT_STEPS):
            mid = (lo + hi) / 2
            trial = torch.cat([Lb, abb * mid], 0)
            out = _outside(trial, color.lab_to_rgb(trial))
            hi = torch.where(out, mid, hi)
            lo = torch.where(out, lo, mid)
        rgb[:, bad] = color.lab_to_rgb(torch.cat([Lb, abb * lo], 0))
    return rgb


def to_rgba(grey: np.ndarray, valid: np.ndarray, colour: np.ndarray, mode: str) -> np.ndarray:
    """grey (h, w) in [0, 1], valid (h, w), colour (C, h, w) at model scale -> uint8 (4, h, w)."""
    h, w = grey.shape
    keep = valid.reshape(-1)
    rgb = np.zeros((3, h * w), np.float32)
    if keep.any():
        if mode == "lab":
            L = color.grey_to_lightness(torch.from_numpy(grey.reshape(-1)[keep]))
            ab = torch.from_numpy(colour.reshape(2, -1)[:, keep]) * color.AB_SCALE
            rgb[:, keep] = lab_to_rgb_keep_lightness(L, ab).numpy()
        else:
            rgb[:, keep] = np.clip((colour.reshape(3, -1)[:, keep] + 1.0) * 0.5, 0.0, 1.0)
    out = np.empty((4, h, w), np.uint8)
    np.multiply(rgb, 255.0, out=rgb)
    rgb += 0.5
    out[:3] = rgb.reshape(3, h, w).astype(np.uint8)
    out[3] = np.where(valid, 255, 0).astype(np.uint8)
    return out
