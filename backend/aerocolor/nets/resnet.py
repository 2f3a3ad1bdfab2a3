"""ResNet generator: two stride-2 convolutions down, residual blocks, two up.

Inputs must have sides that are multiples of 4. Layers carry readable names
(stem, down1, down2, block0.., up1, up2, head) so CUT can pick feature layers by name.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from aerocolor.nets.conv import Conv2d, ConvTranspose2d
from aerocolor.nets.layers import conv_bias, norm_layer


class ResBlock(nn.Module):
    def __init__(self, ch: int, norm: str, dropout: bool):
        super().__init__()
        norm_fn, bias = norm_layer(norm), conv_bias(norm)
        layers = [nn.ReflectionPad2d(1), Conv2d(ch, ch, 3, bias=bias), norm_fn(ch), nn.ReLU(True)]
        if dropout:
            layers.append(nn.Dropout(0.5))
        layers += [nn.ReflectionPad2d(1), Conv2d(ch, ch, 3, bias=bias), norm_fn(ch)]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class ResnetGenerator(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, ngf: int = 64, blocks: int = 9, norm: str = "batch",
                 dropout: bool = False):
        super().__init__()
        norm_fn, bias = norm_layer(norm), conv_bias(norm)
        self.stem = nn.Sequential(nn.ReflectionPad2d(3), Conv2d(in_ch, ngf, 7, bias=bias),
                                  norm_fn(ngf), nn.ReLU(True))
        self.down1 = nn.Sequential(Conv2d(ngf, ngf * 2, 3, 2, 1, bias=bias), norm_fn(ngf * 2), nn.ReLU(True))
        self.down2 = nn.Sequential(Conv2d(ngf * 2, ngf * 4, 3, 2, 1, bias=bias), norm_fn(ngf * 4), nn.ReLU(True))
        self.blocks = nn.Sequential(*[ResBlock(ngf * 4, norm, dropout) for _ in range(blocks)])
        self.up1 = nn.Sequential(ConvTranspose2d(ngf * 4, ngf * 2, 3, 2, 1, output_padding=1, bias=bias),
                                 norm_fn(ngf * 2), nn.ReLU(True))
        self.up2 = nn.Sequential(ConvTranspose2d(ngf * 2, ngf, 3, 2, 1, output_padding=1, bias=bias),
                                 norm_fn(ngf), nn.ReLU(True))
        self.head = nn.Sequential(nn.ReflectionPad2d(3), Conv2d(ngf, out_ch, 7), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.down2(self.down1(self.stem(x)))
        return self.head(self.up2(self.up1(self.blocks(h))))
