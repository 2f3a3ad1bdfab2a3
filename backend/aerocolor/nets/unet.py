"""U-Net generator with skip connections; its depth follows the tile size.

Each encoder level halves the size, so a tile of 2**d px reaches 1x1 after d levels.
Any input whose sides are multiples of 2**depth works (colorize pads tiles to that).
An optional latent code z (BicycleGAN) enters at the input, the bottleneck ("middle")
or every encoder level ("all").
"""
from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn as nn

from aerocolor.family_options import Z_WHERE  # noqa: F401 (declared with the options; imported from here too)
from aerocolor.nets.conv import Conv2d, ConvTranspose2d
from aerocolor.nets.layers import conv_bias, norm_layer


def unet_depth_for(tile: int, max_depth: int = 8) -> int:
    """Levels needed to bring a tile to 1x1, capped (256 px -> 8, 64 px -> 6)."""
    if tile < 16 or tile & (tile - 1):
        raise ValueError(f"U-Net tiles must be a power of two of at least 16 px, not {tile}")
    return min(int(math.log2(tile)), max_depth)


class UNetGenerator(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, ngf: int = 64, depth: int = 8, norm: str = "batch",
                 dropout: bool = True, nz: int = 0, z_where: str = "input"):
        super().__init__()
        if depth < 2:
            raise ValueError("a U-Net needs at least 2 levels")
        if z_where not in Z_WHERE:
            raise ValueError(f"z_where must be one of {Z_WHERE}")
        self.depth, self.nz, self.z_where = depth, nz, z_where
        norm_fn, bias = norm_layer(norm), conv_bias(norm)
        widths = [ngf * min(2 ** i, 8) for i in range(depth)]  # ngf, 2ngf, 4ngf, 8ngf, 8ngf, ...

        def z_extra(level: int) -> int:
            if nz == 0:
                return 0
            if z_where == "all" or (z_where == "input" and level == 0):
                return nz
            return 0

        self.down = nn.ModuleList()
        for i in range(depth):
            c_in = (in_ch if i == 0 else widths[i - 1]) + z_extra(i)
            layers = [] if i == 0 else [nn.LeakyReLU(0.2, True)]
            layers.append(Conv2d(c_in, widths[i], 4, 2, 1, bias=bias if 0 < i < depth - 1 else True))
            if 0 < i < depth - 1:
                layers.append(norm_fn(widths[i]))
            self.down.append(nn.Sequential(*layers))

        # Decoder level i mirrors encoder level i; it reads level i's output (plus the skip).
        self.up = nn.ModuleList()
        z_mid = nz if nz and z_where == "middle" else 0
        for i in reversed(range(depth)):
            innermost, outermost = i == depth - 1, i == 0
            c_in = widths[i] + (z_mid if innermost else 0) if innermost else widths[i] * 2
            c_out = out_ch if outermost else widths[i - 1]
            layers = [nn.ReLU(True), ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=True if outermost else bias)]
            if outermost:
                layers.append(nn.Tanh())
            else:
                layers.append(norm_fn(c_out))
                # Dropout on the three levels nearest the bottleneck (but not the bottleneck itself).
                if dropout and depth - 4 <= i < depth - 1 and i > 0:
                    layers.append(nn.Dropout(0.5))
            self.up.append(nn.Sequential(*layers))

    @staticmethod
    def _with_z(x: torch.Tensor, z: Optional[torch.Tensor]) -> torch.Tensor:
        if z is None:
            return x
        return torch.cat([x, z.view(z.size(0), z.size(1), 1, 1).expand(-1, -1, x.size(2), x.size(3))], 1)

    def forward(self, x: torch.Tensor, z: Optional[torch.Tensor] = None) -> torch.Tensor:
        if self.nz and z is None:
            raise ValueError("this generator needs a latent code z")
        skips = []
        h = x
        for i, layer in enumerate(self.down):
            if self.nz and (self.z_where == "all" or (self.z_where == "input" and i == 0)):
                h = self._with_z(h, z)
            h = layer(h)
            skips.append(h)
        for j, layer in enumerate(self.up):
            i = self.depth - 1 - j
            if j == 0:
                h = layer(self._with_z(h, z) if self.nz and self.z_where == "middle" else h)
            else:
                h = layer(torch.cat([h, skips[i]], 1))
        return h
