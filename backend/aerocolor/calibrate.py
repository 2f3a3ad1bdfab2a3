"""Colour a model can stand behind: chroma that falls back toward grey where a scene is unlike
anything the model learned.

Two parts, fitted once on a model's own dataset and kept in its card (``calibration``):

- a chroma gain: the least-squares factor between the predicted and the true a*b* on validation
  tiles (at most 1). A GAN trained with L1 tends to over- or under-saturate as a whole;
- a familiarity map: every 16 x 16 cell of the grey input is described by its mean lightness,
  its contrast and its edge strength, and compared (Mahalanobis distance) with the same
  features over the training tiles. Cells beyond what training covered get their chroma
  scaled down smoothly, toward grey: the input's own lightness without invented hues.

The calibrated generator is the checkpoint's generator wrapped, so colorize, the study and
validation all use it alike. Lab models only: in RGB mode there is no chroma to scale apart
from the lightness.
"""
from __future__ import annotations

from typing import Iterable, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from aerocolor.data import color
from aerocolor.errors import BadInput

CELL = 16            # input pixels per side of one familiarity cell
FEATURES = 3         # mean L, contrast, edge strength
# The share of training cells counted as familiar: beyond their distance, chroma starts to fall.
FAMILIAR_QUANTILE = 0.99


def cell_features(x: torch.Tensor) -> torch.Tensor:
    """Model input (N, 1, H, W) in [-1, 1] to (N, 3, H/CELL, W/CELL) features per cell."""
    x = x.float()
    mean = F.avg_pool2d(x, CELL, ceil_mode=True)
    sq = F.avg_pool2d(x * x, CELL, ceil_mode=True)
    std = (sq - mean * mean).clamp_min(0.0).sqrt()
    gx = (x[..., :, 1:] - x[..., :, :-1]).abs()
    gy = (x[..., 1:, :] - x[..., :-1, :]).abs()
    edge = F.avg_pool2d(F.pad(gx, (0, 1)) + F.pad(gy, (0, 0, 0, 1)), CELL, ceil_mode=True)
    return torch.cat([mean, std, edge], 1)


class CalibratedGenerator(nn.Module):
    """A Lab generator whose a*b* are scaled by the card's gain and the input's familiarity."""

    def __init__(self, net: nn.Module, calibration: dict):
        super().__init__()
        self.net = net
        self.nz = getattr(net, "nz", 0)
        self.register_buffer("mean", torch.tensor(calibration["feature_mean"], dtype=torch.float32))
        self.register_buffer("icov", torch.tensor(calibration["feature_icov"], dtype=torch.float32))
        self.gain = float(calibration["gain"])
        self.familiar = float(calibration["familiar_d2"])

    def familiarity(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 1, H, W) in [0, 1]: 1 where the input looks like training, falling toward 0 beyond."""
        f = cell_features(x).permute(0, 2, 3, 1) - self.mean
        d2 = torch.einsum("nhwi,ij,nhwj->nhw", f, self.icov, f).unsqueeze(1)
        conf = torch.exp(-(d2 - self.familiar).clamp_min(0.0) / self.familiar)
        return F.interpolate(conf, size=x.shape[-2:], mode="bilinear", align_corners=False)

    def forward(self, x: torch.Tensor, *z) -> torch.Tensor:
        out = self.net(x, *z)
        return out * (self.gain * self.familiarity(x)).to(out.dtype)


def wrap(card: dict, net: nn.Module) -> nn.Module:
    """The generator as the card says it is to be used: calibrated when the card has a calibration."""
    calib = card.get("calibration")
    return CalibratedGenerator(net, calib) if calib else net


def _features(greys: Iterable[torch.Tensor]) -> torch.Tensor:
    rows = [cell_features(color.model_input(g, "lab")).permute(0, 2, 3, 1).reshape(-1, FEATURES) for g in greys]
    return torch.cat(rows, 0).double()


def fit(net: nn.Module, card: dict, train_greys: Iterable[torch.Tensor], val_pairs: Iterable[tuple],
        max_gain: float = 1.0) -> dict:
    """The calibration for `net` (uncalibrated) from training greys (N, 1, H, W) in [0, 1] and
    validation (grey, rgb) batches."""
    if card.get("color_mode") != "lab":
        raise BadInput("Only Lab models can be calibrated (their chroma is apart from the photo's lightness); "
                       "this one works in RGB.")
    feats = _features(train_greys)
    if feats.shape[0] < 4 * FEATURES:
        raise BadInput("Too few training tiles to learn what the model has seen; calibrate on a larger dataset.")
    mean = feats.mean(0)
    cov = torch.cov(feats.T) + torch.eye(FEATURES, dtype=torch.float64) * 1e-6
    icov = torch.linalg.inv(cov)
    centred = feats - mean
    d2 = torch.einsum("ni,ij,nj->n", centred, icov, centred)
    familiar = float(torch.quantile(d2, FAMILIAR_QUANTILE))
    num = den = 0.0
    with torch.no_grad():
        for grey, rgb in val_pairs:
            x = color.model_input(grey, "lab")
            pred = net(x).float()
            true = color.model_target(rgb, "lab")
            num += float((pred * true).sum())
            den += float((pred * pred).sum())
    if den == 0.0:
        raise BadInput("The validation split holds no tiles (or the model predicts no colour); calibrate on a "
                       "dataset with a val split.")
    gain = float(np.clip(num / den, 0.0, max_gain))
    return {"gain": round(gain, 4), "feature_mean": mean.tolist(), "feature_icov": icov.tolist(),
            "familiar_d2": familiar, "cell": CELL, "features": ["mean L", "contrast", "edge strength"],
            "quantile": FAMILIAR_QUANTILE}


def calibrate(model: str, data: str, output: str, max_tiles: int = 256, device: Optional[str] = None) -> dict:
    """Fit the calibration of the checkpoint `model` on the dataset `data`; write `output` (the same
    checkpoint with the calibration in its card). Returns the calibration."""
    from aerocolor import checkpoint
    from aerocolor.data.datasets import open_dataset

    obj = checkpoint.load(model)
    card, net = checkpoint.generator_from(obj, model)
    if card.get("calibration"):
        raise BadInput(f"{model} is calibrated already; calibrate the checkpoint it was made from.")
    tile = int(card["tile"])
    train = open_dataset(data, "train", tile, True, None)
    val = open_dataset(data, "val", tile, True, None)
    if val is None:
        raise BadInput(f"{data} has no val split; the chroma gain is fitted on validation tiles.")

    def batches(ds, limit):
        for i in range(0, min(len(ds), limit), 8):
            items = [ds[j] for j in range(i, min(i + 8, len(ds), limit))]
            yield torch.stack([it["A"] for it in items]), torch.stack([it["B"] for it in items])

    calib = fit(net, card, (g for g, _ in batches(train, max_tiles)), batches(val, max_tiles))
    calib["data"] = data
    obj["card"]["calibration"] = calib
    checkpoint.save(output, {k: v for k, v in obj.items() if k not in ("format", "format_version")})
    return calib
