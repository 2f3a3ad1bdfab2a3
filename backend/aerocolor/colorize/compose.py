"""The model's colour joined to the photo's own pixels, as 8-bit RGBA rows for the writer.

Lab models: the photo's full-resolution L* plus the predicted a*b*. Where that colour
lies outside sRGB, plain clipping would change the lightness (and so the photo's
detail); instead the chroma is reduced until the colour fits, keeping L* and the hue.

This runs on every output pixel beside the generator, so it is written for speed in
numpy: lightness and sRGB encoding come from tables sampled from data/color.py's exact
functions, and the gamut test needs no transcendental functions (linear RGB in [0, 1]).
"""
from __future__ import annotations

import functools
from concurrent.futures import Executor
from typing import Optional

import numpy as np
import torch

from aerocolor.data import color

_L_STEPS = 1 << 14         # lightness table: grey in [0, 1] in 16384 steps, linearly interpolated
_LIN_STEPS = 1 << 20       # sRGB encoding table: linear light in 2^20 steps (exact 8-bit codes)
_BISECT_STEPS = 8          # chroma found to 1/256 of the prediction
_GAMUT_TOL = 1e-4
_KAPPA = 3.0 * (6.0 / 29.0) ** 2


def _srgb8_at(i: np.ndarray) -> np.ndarray:
    """The 8-bit sRGB code of linear light i / _LIN_STEPS (color.linear_to_srgb, rounded)."""
    lin = torch.from_numpy(np.asarray(i, np.float64) / _LIN_STEPS)
    return np.floor(color.linear_to_srgb(lin).numpy() * 255.0 + 0.5).astype(np.int64)


def _srgb8_table() -> np.ndarray:
    """_srgb8_at for every step, built from where each code begins: evaluating the power function at
    all 2^20 steps would add 30-50 ms to the start of every colorize (docs/performance.md)."""
    codes = np.arange(1, 256)
    # First step of each code, from the inverse function, then moved onto the exact boundary of
    # the rounded forward function (float64 puts the estimate within a step of it).
    first = np.ceil(color.srgb_to_linear(torch.from_numpy((codes - 0.5) / 255.0)).numpy() * _LIN_STEPS)
    first = np.clip(first.astype(np.int64), 0, _LIN_STEPS + 1)
    for _ in range(4):
        early = (first > 0) & (_srgb8_at(np.maximum(first - 1, 0)) >= codes)
        late = (first <= _LIN_STEPS) & (_srgb8_at(np.minimum(first, _LIN_STEPS)) < codes)
        if not (early.any() or late.any()):
            break
        first = first - early + late
    else:
        raise AssertionError("the sRGB code boundaries did not settle")
    runs = np.diff(np.concatenate([[0], first, [_LIN_STEPS + 1]]))
    return np.repeat(np.arange(256, dtype=np.uint8), runs)


@functools.lru_cache(maxsize=1)
def _tables():
    g = torch.linspace(0.0, 1.0, _L_STEPS + 1, dtype=torch.float64)
    lightness = color.grey_to_lightness(g).numpy().astype(np.float32)
    # The colour module's own matrix and white (folded together), so that a* = b* = 0 gives R = G = B.
    m = color.xyz_to_linear_rgb_matrix().numpy().astype(np.float32)
    return lightness, _srgb8_table(), m


def lightness(grey: np.ndarray) -> np.ndarray:
    """L* of neutral sRGB greys in [0, 1] (color.grey_to_lightness, from a table: error below 1e-4)."""
    table = _tables()[0]
    x = np.clip(grey, 0.0, 1.0, dtype=np.float32) * np.float32(_L_STEPS)
    i = np.minimum(x.astype(np.int32), _L_STEPS - 1)
    frac = x - i.astype(np.float32)
    lo = table[i]
    return lo + (table[i + 1] - lo) * frac


def _linear_rgb(L: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Lab (each (N,), float32) to linear-light sRGB (3, N), unclipped."""
    m = _tables()[2]
    f = np.empty((3, L.shape[0]), np.float32)
    np.multiply(L + np.float32(16.0), np.float32(1 / 116), out=f[1])
    np.add(f[1], a * np.float32(1 / 500), out=f[0])
    np.subtract(f[1], b * np.float32(1 / 200), out=f[2])
    low = f <= np.float32(6 / 29)        # the linear toe of L*: dark colours only
    t = f * f
    t *= f
    if low.any():
        t[low] = np.float32(_KAPPA) * (f[low] - np.float32(4 / 29))
    # einsum, not `m @ t`: a matrix product goes to OpenBLAS, whose threads keep spinning after each
    # call and take CPU from the generator (0.3-0.5 s per 4 MP colorize, docs/performance.md).
    return np.einsum("ij,jn->in", m, t)


def _outside(lin: np.ndarray) -> np.ndarray:
    return ((lin < -_GAMUT_TOL) | (lin > 1.0 + _GAMUT_TOL)).any(axis=0)


def lab_to_srgb8(L: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """L (N,) and a*b* (2, N) to 8-bit sRGB (3, N); a*b* shrink toward grey where needed so L stays exact."""
    L, ab = L.astype(np.float32, copy=False), ab.astype(np.float32, copy=False)
    lin = _linear_rgb(L, ab[0], ab[1])
    bad = np.flatnonzero(_outside(lin))
    if bad.size:
        Lb, ab_b = L[bad], ab[:, bad]
        lo = np.zeros(bad.size, np.float32)        # neutral grey always fits
        hi = np.ones(bad.size, np.float32)
        for _ in range(_BISECT_STEPS):
            mid = (lo + hi) * 0.5
            out = _outside(_linear_rgb(Lb, ab_b[0] * mid, ab_b[1] * mid))
            hi = np.where(out, mid, hi)
            lo = np.where(out, lo, mid)
        lin[:, bad] = _linear_rgb(Lb, ab_b[0] * lo, ab_b[1] * lo)
    # In place, and np.take rather than indexing: about 1.6x faster here (docs/performance.md).
    lin *= np.float32(_LIN_STEPS)
    lin += np.float32(0.5)
    np.clip(lin, 0.0, np.float32(_LIN_STEPS + 0.5), out=lin)
    return np.take(_tables()[1], lin.astype(np.int32))


# The colour on its way from the blender to the writer (colorize halves its memory this way).
COLOUR_DTYPE = torch.float16

# Pixels converted at a time: the conversion's temporaries (ten float arrays) stay a few MB
# however wide the raster, at no cost in speed.
CHUNK_PIXELS = 1 << 18


def rgba_chunks(model_input: np.ndarray, valid: np.ndarray, colour: np.ndarray, mode: str,
                pool: Optional[Executor] = None):
    """model_input (h, w) as TileModel.prepare made it, valid (h, w), colour (C, h, w) at model scale
    -> uint8 RGBA a few rows at a time: yields (first row, (4, rows, w)) in order. Lab: L* =
    (input + 1) * 50, the photo's own lightness. With `pool` (an executor) several chunks are
    converted at once (numpy lets go of the GIL in its arithmetic), for when cores are free."""
    h, w = valid.shape
    # With a pool, chunks of a quarter the size, so that one strip gives several threads work.
    rows = max(1, (CHUNK_PIXELS if pool is None else CHUNK_PIXELS // 4) // max(w, 1))
    starts = range(0, h, rows)

    def one(r: int) -> np.ndarray:
        return _to_rgba(model_input[r:r + rows], valid[r:r + rows], colour[:, r:r + rows], mode)

    if pool is None:
        for r in starts:
            yield r, one(r)
    else:
        yield from zip(starts, pool.map(one, starts))


def model_output_to_rgb(out: torch.Tensor, grey: torch.Tensor, mode: str) -> torch.Tensor:
    """Generator output (N, C, H, W) and its grey input (N, 1, H, W) in [0, 1] to the very 8-bit sRGB
    colorize writes (gamut handling and rounding included), as float in [0, 1] on out's device.

    The one conversion from model output to colour: validation, sample grids and the study score
    exactly the image a user gets."""
    x = color.model_input(grey.detach().float(), mode).cpu().numpy()
    o = out.detach().to(COLOUR_DTYPE).float().cpu().numpy()  # as colorize hands it to the writer
    valid = np.ones(x.shape[2:], bool)
    rgb = np.stack([_to_rgba(x[i, 0], valid, o[i], mode)[:3] for i in range(o.shape[0])])
    return torch.from_numpy(rgb).to(out.device).float().div_(255.0)


def _to_float32(a: np.ndarray) -> np.ndarray:
    """float16 widened by torch, which uses the CPU's conversion instructions where numpy does not
    (under 1 ms against 17 ms per 4 MP of a*b*, docs/performance.md)."""
    if a.dtype == np.float16:
        return torch.from_numpy(np.ascontiguousarray(a)).float().numpy()
    return a.astype(np.float32, copy=False)


def _to_rgba(model_input: np.ndarray, valid: np.ndarray, colour: np.ndarray, mode: str) -> np.ndarray:
    h, w = valid.shape
    out = np.zeros((4, h, w), np.uint8)
    keep = valid.reshape(-1)
    every = bool(keep.all())
    if mode == "lab" and keep.any():
        x = model_input.reshape(-1) if every else model_input.reshape(-1)[keep]
        L = (x + np.float32(1)) * np.float32(50)
        ab = colour.reshape(2, -1) if every else colour.reshape(2, -1)[:, keep]
        rgb = lab_to_srgb8(L, _to_float32(ab) * np.float32(color.AB_SCALE))
    elif keep.any():
        c = _to_float32(colour.reshape(3, -1) if every else colour.reshape(3, -1)[:, keep])
        rgb = (np.clip((c + np.float32(1)) * np.float32(127.5), 0.0, 255.0) + np.float32(0.5)).astype(np.uint8)
    if keep.any():
        if every:
            out[:3] = rgb.reshape(3, h, w)
        else:
            out[:3].reshape(3, -1)[:, keep] = rgb
    out[3] = valid
    out[3] *= 255
    return out
