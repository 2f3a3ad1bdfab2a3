"""Measures of one image against its ground truth, and colourfulness of one image.

Images are float (H, W, 3) arrays of sRGB in [0, 1]. SSIM and CIEDE2000 come from
scikit-image; PSNR too, for the same conventions.
"""
from __future__ import annotations

import numpy as np


def psnr(pred: np.ndarray, ref: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB over all channels (peak 1.0); inf for identical images."""
    from skimage.metrics import peak_signal_noise_ratio

    if np.array_equal(pred, ref):
        return float("inf")
    return float(peak_signal_noise_ratio(ref.astype(np.float64), pred.astype(np.float64), data_range=1.0))


def ssim(pred: np.ndarray, ref: np.ndarray) -> float:
    """Mean structural similarity (7x7 window, per channel, averaged), data range 1.0."""
    from skimage.metrics import structural_similarity

    side = min(pred.shape[0], pred.shape[1])
    win = min(7, side if side % 2 else side - 1)
    return float(structural_similarity(ref.astype(np.float64), pred.astype(np.float64), data_range=1.0,
                                       channel_axis=2, win_size=win))


def ciede2000(pred: np.ndarray, ref: np.ndarray) -> float:
    """Mean CIEDE2000 colour difference per pixel (D65 Lab); about 1 is just noticeable."""
    from skimage.color import deltaE_ciede2000, rgb2lab

    return float(np.mean(deltaE_ciede2000(rgb2lab(ref.astype(np.float64)), rgb2lab(pred.astype(np.float64)))))


def colourfulness(img: np.ndarray) -> float:
    """Hasler and Suesstrunk (2003) colourfulness on the 0-255 scale; 0 for any grey image.

    With rg = R - G and yb = (R + G) / 2 - B:
    M = sqrt(var(rg) + var(yb)) + 0.3 * sqrt(mean(rg)^2 + mean(yb)^2).
    """
    rgb = img.astype(np.float64) * 255.0
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg = r - g
    yb = 0.5 * (r + g) - b
    spread = np.sqrt(rg.var() + yb.var())
    centre = np.sqrt(rg.mean() ** 2 + yb.mean() ** 2)
    return float(spread + 0.3 * centre)


def mean_chroma(img: np.ndarray) -> float:
    """Mean CIE Lab chroma sqrt(a*^2 + b*^2) per pixel (D65, as ciede2000); 0 for any grey image."""
    from skimage.color import rgb2lab

    lab = rgb2lab(img.astype(np.float64))
    return float(np.mean(np.hypot(lab[..., 1], lab[..., 2])))


def chroma_ratio(pred: np.ndarray, ref: np.ndarray) -> float:
    """mean_chroma(pred) / mean_chroma(ref): 1 when a colorization is as saturated as its truth on
    average, below 1 when washed out, above when garish; nan when the reference has no colour."""
    ref_c = mean_chroma(ref)
    return mean_chroma(pred) / ref_c if ref_c > 1e-9 else float("nan")
