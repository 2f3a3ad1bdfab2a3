"""Film-scan degradations of the grey model input A, so a model trained on modern orthophotos
turned grey also sees what a 1920-1990 aerial film scan looks like.

A modern tile made grey with BT.601 luma is clean, sharp and evenly lit; a historical frame is
not: its film had its own spectral sensitivity (orthochromatic, panchromatic behind a yellow
haze filter, infrared), its tone curve has a toe and a shoulder, the lens softens and darkens
toward the frame corners, the emulsion has grain, the negative collected dust and scratches,
and the scan was often saved as JPEG. Each of those is one step below, applied with its own
probability and drawn from its own child generator, so a step's draws do not depend on whether
another fired, and one Generator reproduces the whole result.

Only A changes; the colour target B never does. The spectral step needs B (it makes A again
from the colour), so it runs for paired samples whose A is the grey of B; for an unpaired
historical A set there is no B and only the other steps apply.

Speed, one 256x256 tile given as tensors (best of 7 x 50 calls, numpy 1.26, Pillow 13, the
shared 2-core development machine): 2.2 ms at the default probabilities, 5.2 ms with every step
forced on, 0.5 ms with none firing (child generators, copies). Per step
beyond that: JPEG 0.8, grain 0.75, blur 0.45, spectral 0.45, tone 0.25, dust 0.15, vignetting
under 0.1 ms; the dataset's grey-of-B check adds 0.2 ms. Under load from other processes the
same calls took up to twice as long.
tests/test_film.py checks it stays well under 30 ms.

Torch-free (config.py imports FilmConfig); torch tensors in and out are converted on the way.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from aerocolor.data.layout import LUMA_WEIGHTS

STEPS = ("spectral", "vignette", "blur", "tone", "grain", "dust", "jpeg")


@dataclass
class FilmConfig:
    """Which film-scan degradations training applies to the grey input, and how strongly."""

    enabled: bool = True
    p_spectral: float = 0.5        # grey from a random spectral response instead of BT.601 (paired only)
    p_infrared: float = 0.15       # share of those that are pseudo near-infrared (vegetation bright)
    spectral_concentration: float = 25.0  # Dirichlet concentration around the luma weights: lower varies more
    p_vignette: float = 0.3
    vignette_max: float = 0.35     # largest exposure loss at the far tile corner (0.35: 35 % darker)
    p_blur: float = 0.4
    blur_max: float = 1.5          # largest Gaussian sigma in px; a down-up resample goes to 1 + this
    p_tone: float = 0.7
    p_grain: float = 0.6
    grain_max: float = 0.05        # largest grain standard deviation in mid-tones, in [0, 1] units
    p_dust: float = 0.3
    p_jpeg: float = 0.25
    jpeg_quality_min: int = 30
    jpeg_quality_max: int = 90

    def probability(self, step: str) -> float:
        return float(getattr(self, "p_" + step))


# -- conversions ---------------------------------------------------------------------------
def _is_tensor(x: Any) -> bool:
    return type(x).__module__.split(".")[0] == "torch"


def _grey_plane(a: Any) -> np.ndarray:
    """(1, H, W) tensor, (H, W, 1) or (H, W) array to a float32 (H, W) array (a copy)."""
    arr = np.asarray(a.detach().cpu() if _is_tensor(a) else a, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[0] if _is_tensor(a) else arr[..., 0]
    return np.array(arr, dtype=np.float32)


def _rgb_planes(b: Any) -> np.ndarray:
    """(3, H, W) tensor or (H, W, 3) array to a float32 (3, H, W) array."""
    if _is_tensor(b):
        return np.asarray(b.detach().cpu(), dtype=np.float32)
    return np.ascontiguousarray(np.asarray(b, dtype=np.float32).transpose(2, 0, 1))


def _like(out: np.ndarray, a: Any) -> Any:
    """The (H, W) result in the type and layout of the input A."""
    if _is_tensor(a):
        import torch

        return torch.from_numpy(np.ascontiguousarray(out[None])).to(a.dtype)
    arr = np.asarray(a)
    return out[..., None] if arr.ndim == 3 else out


def _weighted(rgb: np.ndarray, w) -> np.ndarray:
    """(3, H, W) to (H, W): w[0] R + w[1] G + w[2] B. einsum, not a matrix product: OpenBLAS's
    threads would spin beside torch's (as in data/layout.py), and it is the fastest way here."""
    return np.einsum("chw,c->hw", rgb, np.asarray(w, np.float32))


def luma(rgb: np.ndarray) -> np.ndarray:
    """(3, H, W) to (H, W) BT.601 grey, as the dataset makes A."""
    return _weighted(rgb, LUMA_WEIGHTS)


def is_grey_of(a: Any, b: Any, tol: float = 0.02) -> bool:
    """Whether A is (up to 8-bit rounding and JPEG) the BT.601 grey of B: then A may be made
    again from B. A real historical scan beside a modern colour tile differs far more."""
    g, rgb = _grey_plane(a), _rgb_planes(b)
    return g.shape == rgb.shape[1:] and float(np.mean(np.abs(g - luma(rgb)))) < tol


# -- building blocks -----------------------------------------------------------------------
def _gauss_kernel(sigma: float) -> np.ndarray:
    r = max(1, int(np.ceil(3.0 * sigma)))
    k = np.exp(-0.5 * (np.arange(-r, r + 1, dtype=np.float32) / np.float32(sigma)) ** 2)
    return (k / k.sum()).astype(np.float32)


def _blur(x: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian with mirrored edges: sums of shifted slices (the kernel's mirrored taps
    added first), under 1 ms for a 256 px tile; numpy has no 2-D convolution of its own."""
    k = _gauss_kernel(sigma)
    r = len(k) // 2
    h, w = x.shape
    p = np.pad(x, r, mode="reflect" if r < min(h, w) else "edge")
    rows = p[:, r:r + w] * k[r]
    for i in range(r):
        rows += (p[:, i:i + w] + p[:, 2 * r - i:2 * r - i + w]) * k[i]
    out = rows[r:r + h] * k[r]
    for i in range(r):
        out += (rows[i:i + h] + rows[2 * r - i:2 * r - i + h]) * k[i]
    return out


_LUT_SIZE = 4096


def _lookup(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """A pointwise function of x in [0, 1] given as a table over [0, 1]."""
    idx = np.clip(x, 0.0, 1.0) * np.float32(len(table) - 1) + np.float32(0.5)
    return table[idx.astype(np.intp)]


def _resize(x: np.ndarray, size: tuple, resample) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(x, mode="F").resize(size, resample), dtype=np.float32)


# -- the steps (each takes its own Generator) ----------------------------------------------
def spectral_grey(rgb: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Grey from colour through a random film sensitivity instead of the fixed luma weights."""
    c = max(cfg.spectral_concentration, 1e-3)
    if rng.random() < cfg.p_infrared:
        # Infrared aerial film renders vegetation bright and water dark. True near-infrared is not
        # in RGB tiles, so this is a proxy: a red-green weighting (IR film sits behind a deep red
        # filter) brightened by the green-red vegetation index (G-R)/(G+R), an RGB stand-in for NDVI.
        g = _weighted(rgb, rng.dirichlet(c * np.array([0.45, 0.5, 0.05])))
        r_, g_, b_ = rgb
        veg = np.clip((g_ - r_) / (g_ + r_ + 1e-3), 0.0, 1.0) * np.float32(rng.uniform(1.5, 4.0))
        g = g + (1.0 - g) * np.clip(veg, 0.0, 1.0)
        # Water (blue over red and green) absorbs near-infrared: darken it.
        water = np.clip(b_ - np.maximum(r_, g_), 0.0, 1.0) * np.float32(rng.uniform(1.0, 3.0))
        g = g * (1.0 - np.clip(water, 0.0, 0.8))
    else:
        # Positive weights summing to one around BT.601: orthochromatic (little red), panchromatic
        # behind a yellow haze filter (little blue) and everything between.
        g = _weighted(rgb, rng.dirichlet(c * np.asarray(LUMA_WEIGHTS, np.float64)))
    return np.clip(g, 0.0, 1.0).astype(np.float32)


def vignette(x: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Lens fall-off (cos^4 law). A tile is a crop of a frame, so the optical centre may lie
    off the tile: the fall-off is then a gradient across it."""
    h, w = x.shape
    cy = (h - 1) / 2 + rng.uniform(-1.0, 1.0) * h
    cx = (w - 1) / 2 + rng.uniform(-1.0, 1.0) * w
    ys = (np.arange(h, dtype=np.float32) - np.float32(cy))[:, None]
    xs = (np.arange(w, dtype=np.float32) - np.float32(cx))[None, :]
    r2 = ys * ys + xs * xs
    r2_far = float(r2.max()) or 1.0
    loss = rng.uniform(0.05, max(cfg.vignette_max, 0.05))  # exposure lost at the farthest corner
    # cos^4(atan(r t)) = 1 / (1 + r^2 t^2)^2; choose t^2 so the far corner gets 1 - loss.
    t2 = (1.0 / np.sqrt(1.0 - loss) - 1.0) / r2_far
    return x / (1.0 + r2 * np.float32(t2)) ** 2


def blur(x: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Lens softness, motion and a scan coarser than the ground pixel: a Gaussian, or a
    downsample then upsample (which also aliases fine texture as a coarse scan does)."""
    top = max(cfg.blur_max, 0.35)
    if rng.random() < 0.5:
        return _blur(x, rng.uniform(0.3, top))
    from PIL import Image

    h, w = x.shape
    f = rng.uniform(1.25, 1.0 + top)
    small = _resize(x, (max(1, round(w / f)), max(1, round(h / f))), Image.Resampling.BOX)
    up = Image.Resampling.BICUBIC if rng.random() < 0.5 else Image.Resampling.BILINEAR
    return np.clip(_resize(small, (w, h), up), 0.0, 1.0)


def tone(x: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Exposure and development: gamma, an S-curve (toe and shoulder of the film's
    characteristic curve, or its inverse: flat, low-contrast prints) and faded black/white points."""
    # A pointwise curve: computed on a 4096-step table and looked up, cheaper than evaluating
    # powers and exponentials per pixel; the table's step is far below 8-bit precision.
    v = np.linspace(0.0, 1.0, _LUT_SIZE) ** np.exp(rng.uniform(np.log(0.7), np.log(1.45)))
    k, m = rng.uniform(3.0, 10.0), rng.uniform(0.4, 0.6)
    lo, hi = 1.0 / (1.0 + np.exp(k * m)), 1.0 / (1.0 + np.exp(-k * (1.0 - m)))
    s = (1.0 / (1.0 + np.exp(-k * (v - m))) - lo) / (hi - lo)
    # Blend weight in [-0.5, 1]: the result stays monotone (the logistic's slope stays below 3).
    v = v + rng.uniform(-0.5, 1.0) * (s - v)
    black, white = rng.uniform(0.0, 0.08), rng.uniform(0.88, 1.0)
    return _lookup(x, (black + (white - black) * v).astype(np.float32))


def grain(x: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Film grain: noise strongest in mid-tones (where silver clumps vary most), a little blurred
    so it forms clumps of a pixel or two rather than independent pixels."""
    h, w = x.shape
    # Uniform noise of unit deviation: a third of the time of normal draws, and the blur below
    # makes it near-normal anyway (its shape matters far less than its size and clumping).
    n = (rng.random((h, w), dtype=np.float32) - np.float32(0.5)) * np.float32(np.sqrt(12.0))
    sigma = rng.uniform(0.4, 1.2)
    k = _gauss_kernel(sigma)
    # White noise through the 2-D kernel k (x) k keeps a deviation of sum(k^2): divide it back out.
    n = _blur(n, sigma) / np.float32(np.sum(k * k))
    amp = np.float32(rng.uniform(0.01, max(cfg.grain_max, 0.01)))
    xc = np.clip(x, 0.0, 1.0)
    return x + amp * n * (np.float32(0.3) + np.float32(1.4) * np.sqrt(xc * (1.0 - xc)))


def dust(x: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Dust specks (dark or bright, depending on whether they sat on the negative or the print)
    and, sometimes, thin scratches along the film's transport direction."""
    h, w = x.shape
    x = x.copy()
    for _ in range(int(rng.integers(1, 10))):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        rad = rng.uniform(0.6, 2.5)
        target = np.float32(1.0 if rng.random() < 0.5 else 0.0)
        alpha = np.float32(rng.uniform(0.5, 1.0))
        y0, y1 = max(0, int(cy - rad - 1)), min(h, int(cy + rad + 2))
        x0, x1 = max(0, int(cx - rad - 1)), min(w, int(cx + rad + 2))
        if y0 >= y1 or x0 >= x1:
            continue
        yy = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5 - np.float32(cy)
        xx = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5 - np.float32(cx)
        m = alpha * np.clip(np.float32(rad + 0.5) - np.sqrt(yy * yy + xx * xx), 0.0, 1.0)
        x[y0:y1, x0:x1] += m * (target - x[y0:y1, x0:x1])
    if rng.random() < 0.5:
        # Scratches run along the film; quarter turns of the tile make that rows or columns.
        ys = np.arange(h, dtype=np.float32)[:, None]
        xs = np.arange(w, dtype=np.float32)[None, :]
        for _ in range(int(rng.integers(1, 3))):
            theta = (np.pi / 2 if rng.random() < 0.5 else 0.0) + rng.uniform(-0.12, 0.12)
            py, px = rng.uniform(0, h), rng.uniform(0, w)
            d = np.abs((xs - np.float32(px)) * np.float32(np.cos(theta)) - (ys - np.float32(py)) * np.float32(np.sin(theta)))
            half = rng.uniform(0.3, 0.9)
            m = np.float32(rng.uniform(0.15, 0.5)) * np.clip(np.float32(half + 0.5) - d, 0.0, 1.0)
            target = np.float32(1.0 if rng.random() < 0.5 else 0.0)
            x += m * (target - x)
    return x


def jpeg(x: np.ndarray, rng: np.random.Generator, cfg: FilmConfig) -> np.ndarray:
    """Scans are often archived as JPEG: 8x8 blocking and ringing at a random quality."""
    from PIL import Image

    lo, hi = sorted((int(cfg.jpeg_quality_min), int(cfg.jpeg_quality_max)))
    q = int(rng.integers(max(1, lo), min(95, hi) + 1))
    buf = io.BytesIO()
    Image.fromarray((np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8), mode="L").save(buf, "JPEG", quality=q)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("L"), dtype=np.float32) / np.float32(255.0)


_STEP_FUNCS = {"vignette": vignette, "blur": blur, "tone": tone, "grain": grain, "dust": dust, "jpeg": jpeg}


def film_degrade(a: Any, rng: np.random.Generator, cfg: Optional[FilmConfig] = None, b: Any = None,
                 force: Optional[dict] = None) -> Any:
    """Degrade one grey input A as a film scan; returns it in A's own type and layout.

    a: (1, H, W) tensor or (H, W, 1) / (H, W) array in [0, 1]. b: the colour tile (3, H, W)
    tensor or (H, W, 3) array when A is its grey, else None (no spectral step). rng: the
    sample's Generator; the same state gives the same result. force: {step: True/False} to
    switch steps on or off regardless of their probability (tests, previews).
    """
    cfg = cfg or FilmConfig()
    force = force or {}
    # One child seed per step, drawn up front: whether a step fires never shifts another's draws.
    seeds = rng.integers(0, 2 ** 63, size=len(STEPS))
    x = _grey_plane(a)
    for name, seed in zip(STEPS, seeds):
        r = np.random.default_rng(int(seed))
        fire = r.random() < cfg.probability(name)
        fire = force.get(name, fire)
        if not fire:
            continue
        if name == "spectral":
            if b is not None:
                x = spectral_grey(_rgb_planes(b), r, cfg)
            continue
        x = _STEP_FUNCS[name](x, r, cfg)
    return _like(np.clip(x, 0.0, 1.0).astype(np.float32, copy=False), a)
