"""Colorizations any model must beat: the grey copy, and one constant colour over the input's L.

The constant is the mean a*b* of the training colour images (in CIE Lab), joined to the
grey input's own lightness, so it differs from the truth only in colour, never in detail.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
import torch

from aerocolor.data import color


def grey_copy(grey: np.ndarray) -> np.ndarray:
    """(H, W) or (H, W, 1) grey in [0, 1] to a neutral (H, W, 3) RGB image."""
    g = grey.reshape(grey.shape[0], grey.shape[1], 1).astype(np.float32)
    return np.repeat(g, 3, axis=2)


def mean_ab(colour_images: Iterable[np.ndarray]) -> np.ndarray:
    """Mean a*b* over every pixel of the (H, W, 3) RGB images in [0, 1]."""
    total, count = np.zeros(2, np.float64), 0
    for img in colour_images:
        lab = color.rgb_to_lab(torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))).float())
        total += lab[1:].flatten(1).double().sum(1).numpy()
        count += lab.shape[1] * lab.shape[2]
    if count == 0:
        raise ValueError("no colour images to average")
    return (total / count).astype(np.float32)


def constant_colour(grey: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """The grey input's L* with one constant a*b* everywhere, as (H, W, 3) RGB in [0, 1]."""
    g = torch.from_numpy(grey.reshape(1, grey.shape[0], grey.shape[1]).astype(np.float32))
    L = color.grey_to_lightness(g)
    abt = torch.tensor(ab, dtype=torch.float32).view(2, 1, 1).expand(2, *L.shape[1:])
    return color.lab_to_rgb(torch.cat([L, abt], 0)).numpy().transpose(1, 2, 0)
