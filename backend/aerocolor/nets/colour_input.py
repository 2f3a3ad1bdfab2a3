"""A generator that reads colour images but also takes the 1-band grey input at inference.

CUT encodes its own output (a colour image) with the generator's encoder, and its NCE
identity feeds it real colour images, so the network reads 3 channels. A grey photo is
the colour image with no chroma: (L, 0, 0) in Lab mode, (g, g, g) in RGB mode. This
wrapper makes that explicit, so ``net(x)`` with x of shape (N, 1, H, W) works like every
other family's generator (the reference silently assumes 3-band input).
"""
from __future__ import annotations

import torch
import torch.nn as nn


def neutral_colour(grey_in: torch.Tensor, mode: str) -> torch.Tensor:
    """Model input (1 channel, [-1, 1]) as a 3-channel colour image with no chroma."""
    if mode == "lab":
        return torch.cat([grey_in, torch.zeros_like(grey_in).expand(-1, 2, -1, -1)], 1)
    return grey_in.expand(-1, 3, -1, -1)


class ColourInputGenerator(nn.Module):
    def __init__(self, net: nn.Module, mode: str):
        super().__init__()
        self.net = net
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.size(1) == 1:
            x = neutral_colour(x, self.mode)
        return self.net(x)
