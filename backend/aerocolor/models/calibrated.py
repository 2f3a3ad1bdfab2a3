"""Colour a model can stand behind: chroma that falls back toward grey where a scene is unlike
anything the model learned.

Two parts, fitted once on a model's own dataset and kept in its card (``calibration``):

- a chroma gain: the least-squares factor between the predicted and the true a*b* on validation
  tiles (at most 1 unless asked: `--max-gain`). A GAN trained with L1 tends to over- or under-saturate as a whole;
- a familiarity map from the generator's own encoder: at one layer (the deepest of stride at
  most 32: a U-Net's fifth level, a ResNet's last downsampling) every position's feature vector
  is compared (Mahalanobis distance, shrunk covariance) with the same features over the
  training tiles. Positions farther than almost all training positions get their chroma scaled
  down smoothly, toward grey: the input's own lightness without invented hues. For the NEON
  model, simple input statistics (lightness, contrast, edges) and stride-8 features found IGN's
  1 m city and farmland as familiar as its own forest (familiarity 0.9-1.0); at stride 32 their
  median distance is 1.7-2.9 times the training median.

The calibrated generator is the checkpoint's generator wrapped, so colorize, the study and
validation all use it alike. Lab models only: in RGB mode there is no chroma to scale apart
from the lightness.
"""
from __future__ import annotations

from typing import Iterable, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from aerocolor.data import color
from aerocolor.errors import BadInput

MAX_STRIDE = 32         # the familiarity layer: the deepest encoder layer at most this much coarser
FAMILIAR_QUANTILE = 0.99  # training positions counted as familiar: beyond their distance chroma falls
SHRINK = 0.1            # covariance shrinkage toward its mean variance (a few tiles, many channels)
MAX_VECTORS = 50_000    # training feature vectors kept for the statistics


def _top_modules(net: nn.Module) -> List[Tuple[str, nn.Module]]:
    """Modules one or two names deep (down.2, blocks.0, stem): the layers a familiarity can use."""
    return [(n, m) for n, m in net.named_modules() if n and n.count(".") <= 1]


def _capture(net: nn.Module, name: str, x: torch.Tensor, *z) -> Tuple[torch.Tensor, torch.Tensor]:
    """(net output, the output of its module `name`) for input x."""
    layer = dict(net.named_modules())[name]
    got = {}
    handle = layer.register_forward_hook(lambda _m, _i, out: got.__setitem__("f", out))
    try:
        out = net(x, *z)
    finally:
        handle.remove()
    return out, got["f"]


def familiarity_layer(net: nn.Module, size: int = 256) -> str:
    """The encoder layer whose features describe a position: the first at the deepest stride <= MAX_STRIDE."""
    strides = []
    hooks = [m.register_forward_hook(lambda _m, _i, out, n=n: strides.append((n, out)))
             for n, m in _top_modules(net)]
    try:
        with torch.no_grad():
            net(torch.zeros(1, 1, size, size), *([torch.zeros(1, net.nz)] if getattr(net, "nz", 0) else []))
    finally:
        for h in hooks:
            h.remove()
    found = [(size // o.shape[-1], n) for n, o in strides if torch.is_tensor(o) and o.dim() == 4]
    best = max(s for s, _ in found if s <= MAX_STRIDE)
    return next(n for s, n in found if s == best)


def _vectors(f: torch.Tensor) -> torch.Tensor:
    """(N, C, h, w) features to (N*h*w, C) float64 vectors."""
    return f.detach().double().permute(0, 2, 3, 1).reshape(-1, f.shape[1])


class CalibratedGenerator(nn.Module):
    """A Lab generator whose a*b* are scaled by the card's gain and the input's familiarity."""

    def __init__(self, net: nn.Module, calibration: dict):
        super().__init__()
        self.net = net
        self.nz = getattr(net, "nz", 0)
        self.layer = calibration["layer"]
        self.register_buffer("mean", torch.tensor(calibration["feature_mean"], dtype=torch.float32))
        self.register_buffer("icov", torch.tensor(calibration["feature_icov"], dtype=torch.float32))
        self.gain = float(calibration["gain"])
        self.familiar = float(calibration["familiar_d2"])

    def distance2(self, f: torch.Tensor) -> torch.Tensor:
        """Squared Mahalanobis distance of every position of features (N, C, h, w): (N, 1, h, w)."""
        d = f.float().permute(0, 2, 3, 1) - self.mean
        return torch.einsum("nhwi,ij,nhwj->nhw", d, self.icov, d).unsqueeze(1)

    def _confidence(self, f: torch.Tensor, size) -> torch.Tensor:
        conf = torch.exp(-(self.distance2(f) - self.familiar).clamp_min(0.0) / self.familiar)
        return F.interpolate(conf, size=size, mode="bilinear", align_corners=False)

    def familiarity(self, x: torch.Tensor, *z) -> torch.Tensor:
        """(N, 1, H, W) in [0, 1]: 1 where the input looks like training, falling toward 0 beyond."""
        _, f = _capture(self.net, self.layer, x, *z)
        return self._confidence(f, x.shape[-2:])

    def forward(self, x: torch.Tensor, *z) -> torch.Tensor:
        out, f = _capture(self.net, self.layer, x, *z)
        return out * (self.gain * self._confidence(f, out.shape[-2:])).to(out.dtype)


def wrap(card: dict, net: nn.Module) -> nn.Module:
    """The generator as the card says it is to be used: calibrated (on the net's device, in eval mode)
    when the card has a calibration."""
    calib = card.get("calibration")
    if not calib:
        return net
    return CalibratedGenerator(net, calib).to(next(net.parameters()).device).eval()


def fit(net: nn.Module, card: dict, train_greys: Iterable[torch.Tensor], val_pairs: Iterable[tuple],
        max_gain: float = 1.0, seed: int = 0) -> dict:
    """The calibration for `net` (uncalibrated) from training greys (N, 1, H, W) in [0, 1] and
    validation (grey, rgb) batches."""
    if card.get("color_mode") != "lab":
        raise BadInput("Only Lab models can be calibrated (their chroma is apart from the photo's lightness); "
                       "this one works in RGB.")
    layer = familiarity_layer(net, int(card.get("tile") or 256))
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        rows = [_vectors(_capture(net, layer, color.model_input(grey, "lab"))[1]) for grey in train_greys]
    feats = torch.cat(rows, 0) if rows else torch.zeros(0, 1, dtype=torch.float64)
    if feats.shape[0] < 8:
        raise BadInput("Too few training tiles to learn what the model has seen; calibrate on a larger dataset.")
    if feats.shape[0] > MAX_VECTORS:
        feats = feats[torch.randperm(feats.shape[0], generator=gen)[:MAX_VECTORS]]
    mean = feats.mean(0)
    cov = torch.cov(feats.T)
    c = cov.shape[0]
    cov = (1 - SHRINK) * cov + SHRINK * torch.eye(c, dtype=cov.dtype) * (torch.trace(cov) / c + 1e-8)
    icov = torch.linalg.inv(cov)
    d = feats - mean
    familiar = float(torch.quantile(torch.einsum("ni,ij,nj->n", d, icov, d).float(), FAMILIAR_QUANTILE))
    num = den = 0.0
    with torch.no_grad():
        for grey, rgb in val_pairs:
            pred = net(color.model_input(grey, "lab")).float()
            true = color.model_target(rgb, "lab")
            num += float((pred * true).sum())
            den += float((pred * pred).sum())
    if den == 0.0:
        raise BadInput("The validation split holds no tiles (or the model predicts no colour); calibrate on a "
                       "dataset with a val split.")
    gain = float(np.clip(num / den, 0.0, max_gain))
    return {"gain": round(gain, 4), "layer": layer, "feature_mean": mean.float().tolist(),
            "feature_icov": icov.float().tolist(), "familiar_d2": familiar, "quantile": FAMILIAR_QUANTILE,
            "shrink": SHRINK}
