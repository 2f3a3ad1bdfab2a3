"""Tone match: a photo's greys mapped onto the greys a model was trained on, for the model's eyes only.

A scan of old film is often darker, flatter or harsher than the modern photos a model learned
from, and the model reads tone as texture (a dark field looks like forest). The match is a
monotone map from the photo's grey quantiles to the training set's (kept in the model's card as
``grey_quantiles``); the model sees the mapped grey, and the colour is still joined to the
photo's own lightness, so the output's tones are the photo's. Torch-free (numpy only).
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np

from aerocolor.errors import BadInput

# Percentiles matched: dense in the tails, where film's toe and shoulder bend the tones.
PERCENTILES = (0.5, 1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 98, 99, 99.5)


def grey_quantiles(grey: np.ndarray, valid: Optional[np.ndarray] = None) -> list:
    """The PERCENTILES of grey values in [0, 1] (uint8 codes count as code / 255), valid pixels only."""
    g = grey.astype(np.float32) / 255.0 if grey.dtype == np.uint8 else np.asarray(grey, np.float32)
    g = g[valid] if valid is not None else g.reshape(-1)
    if g.size == 0:
        raise BadInput("The photo has no valid pixel to match the tones of; colorize it without --tone-match.")
    return [round(float(q), 5) for q in np.percentile(g, PERCENTILES)]


def tiles_quantiles(greys, max_tiles: int = 64, per_tile: int = 4096, seed: int = 0) -> list:
    """grey_quantiles over a sample of pixels of up to max_tiles grey tiles (arrays in [0, 1]):
    what a card keeps of its training greys."""
    rng = np.random.default_rng(seed)
    picked = []
    for i, g in enumerate(greys):
        if i >= max_tiles:
            break
        flat = np.asarray(g, np.float32).reshape(-1)
        picked.append(flat[rng.integers(0, flat.size, min(per_tile, flat.size))])
    if not picked:
        raise BadInput("No training tiles to take grey statistics from.")
    return grey_quantiles(np.concatenate(picked))


def tone_map(photo: Sequence[float], model: Sequence[float]) -> Tuple[np.ndarray, np.ndarray]:
    """(xp, fp) for np.interp: the photo's quantiles to the model's, with 0 and 1 kept as they are.
    Flat stretches of the photo (many pixels of one value) are spread so that xp rises strictly."""
    xp = np.concatenate([[0.0], np.asarray(photo, np.float64), [1.0]])
    fp = np.concatenate([[0.0], np.asarray(model, np.float64), [1.0]])
    xp = np.maximum.accumulate(np.clip(xp, 0.0, 1.0))
    fp = np.maximum.accumulate(np.clip(fp, 0.0, 1.0))
    xp = xp + np.arange(xp.size) * 1e-6  # strictly rising, so np.interp is a function
    return xp.astype(np.float32), fp.astype(np.float32)


def apply(grey: np.ndarray, mapping: Tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Grey in [0, 1] (or uint8 codes) through the map; float32 in [0, 1], same shape."""
    g = grey.astype(np.float32) / 255.0 if grey.dtype == np.uint8 else grey
    return np.interp(g, mapping[0], mapping[1]).astype(np.float32)


def model_quantiles(card: dict) -> list:
    """The training greys' quantiles from a card, or one sentence on why there are none."""
    q = card.get("grey_quantiles")
    if not q or len(q) != len(PERCENTILES):
        raise BadInput("This model's card holds no statistics of its training greys (it was trained before "
                       "AeroColor kept them); colorize without the tone match, or fine-tune it to get them.")
    return list(q)
