"""BicycleGAN's encoder: a colour image to the mean and log-variance of a latent code z.

Residual stages halve the size a few times, then global average pooling makes the
result independent of the tile size (the reference fixes the pooling window to 256 px
tiles and breaks on others).
"""
from __future__ import annotations

from typing import Tuple

import torch
import torch.nn as nn

from aerocolor.nets.conv import Conv2d
from aerocolor.nets.layers import conv_bias, norm_layer


def encoder_stages_for(tile: int, max_stages: int = 4) -> int:
    """Downsampling stages for a tile: keep at least 8x8 px before pooling (256 px -> 4, 64 px -> 3)."""
    stages = 0
    while stages < max_stages and tile // (2 ** (stages + 1)) >= 8:
        stages += 1
    return max(1, stages)


class _DownBlock(nn.Module):
    """Two 3x3 convolutions and a 2x2 average pool, with a pooled 1x1 shortcut."""

    def __init__(self, c_in: int, c_out: int, norm: str):
        super().__init__()
        norm_fn, bias = norm_layer(norm), conv_bias(norm)
        self.body = nn.Sequential(
            norm_fn(c_in), nn.LeakyReLU(0.2, True), Conv2d(c_in, c_in, 3, 1, 1, bias=bias),
            norm_fn(c_in), nn.LeakyReLU(0.2, True), Conv2d(c_in, c_out, 3, 1, 1), nn.AvgPool2d(2))
        self.short = nn.Sequential(nn.AvgPool2d(2), Conv2d(c_in, c_out, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.short(x)


class LatentEncoder(nn.Module):
    def __init__(self, in_ch: int, nz: int, nef: int = 64, stages: int = 4, norm: str = "instance"):
        super().__init__()
        widths = [nef * min(2 ** i, 4) for i in range(stages + 1)]
        layers = [Conv2d(in_ch, widths[0], 4, 2, 1)]
        layers += [_DownBlock(widths[i], widths[i + 1], norm) for i in range(stages)]
        layers += [nn.LeakyReLU(0.2, True), nn.AdaptiveAvgPool2d(1)]
        self.features = nn.Sequential(*layers)
        self.mu = nn.Linear(widths[-1], nz)
        self.logvar = nn.Linear(widths[-1], nz)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.features(x).flatten(1).float()
        return self.mu(h), self.logvar(h)
