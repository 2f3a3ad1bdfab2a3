"""Conv2d and ConvTranspose2d that run small-spatial layers as one matrix product on the CPU.

The deep levels of a U-Net hold most of its weights (8 of 54 million per layer at ngf 64) but
see only 1x1 to 8x8 pixels. oneDNN's convolution kernels spend far more time reordering
those weights than computing there: on a 2-core AVX512-BF16 CPU a 1024->512 transposed
convolution on a 4x4 input took 41 ms forward and backward in bf16, the same layer as
unfold/fold around a single GEMM 19 ms. Large images keep the native kernels, which win there.

Both classes are drop-ins: same parameters, same state-dict keys, same results up to float
rounding (the overlapping sums of fold are done in fp32), so checkpoints do not notice.
"""
from __future__ import annotations

from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

# Use the matrix product when the smaller of a layer's input and output has at most this many
# pixels per image (measured on the shapes of the U-Net at 256 px: 8x8 wins, 16x16 does not).
MATMUL_MAX_PIXELS = 64


def takes_matmul_path(layer: nn.Module, x: torch.Tensor) -> bool:
    """Whether `layer` (one of the classes below) computes `x` as a matrix product."""
    # A traced graph (the ONNX export) would fix the choice made for the example's batch size, and
    # its fold needs ONNX's Col2Im; the runtime has its own convolution kernels anyway.
    if (torch.jit.is_tracing() or x.device.type != "cpu" or x.dim() != 4 or layer.groups != 1
            or layer.padding_mode != "zeros" or not isinstance(layer.padding, tuple) or tuple(layer.dilation) != (1, 1)):
        return False
    h, w = x.shape[-2:]
    ho, wo = layer.out_size(h, w)
    rows = min(h * w, ho * wo)
    if not torch.is_grad_enabled():
        # Inference has no weight gradients, whose reorders are what the matrix product saves in
        # training, while unfold/fold copies grow with the batch: there the limit counts the rows of
        # the whole batch. The U-Net 256's small layers at batch 8 took 92 ms with the per-image
        # limit and 66 ms with this one.
        rows *= x.shape[0]
    return rows <= MATMUL_MAX_PIXELS


def _bias(out: torch.Tensor, bias) -> torch.Tensor:
    return out if bias is None else out + bias.to(out.dtype).view(1, -1, 1, 1)


class Conv2d(nn.Conv2d):
    def out_size(self, h: int, w: int) -> Tuple[int, int]:
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        return (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not takes_matmul_path(self, x):
            return super().forward(x)
        ho, wo = self.out_size(*x.shape[-2:])
        n = x.shape[0]
        cols = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)  # N, C*k*k, L
        # (N*L, C*k*k) @ (C*k*k, Co): one 2-D GEMM that reads the weights once for the whole batch
        # (a 3-D matmul would copy the weights once per image).
        out = cols.transpose(1, 2).reshape(n * ho * wo, -1) @ self.weight.reshape(self.out_channels, -1).t()
        out = out.reshape(n, ho * wo, self.out_channels).transpose(1, 2).reshape(n, self.out_channels, ho, wo)
        return _bias(out.contiguous(), self.bias)


class ConvTranspose2d(nn.ConvTranspose2d):
    def out_size(self, h: int, w: int) -> Tuple[int, int]:
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        oph, opw = self.output_padding
        return (h - 1) * sh - 2 * ph + kh + oph, (w - 1) * sw - 2 * pw + kw + opw

    def forward(self, x: torch.Tensor, output_size=None) -> torch.Tensor:
        if output_size is not None or not takes_matmul_path(self, x):
            return super().forward(x, output_size)
        # Each input pixel spreads C_out*k*k values; fold adds up the overlapping ones.
        n, c, h, w = x.shape
        rows = x.flatten(2).transpose(1, 2).reshape(n * h * w, c)
        cols = (rows @ self.weight.reshape(c, -1)).reshape(n, h * w, -1)  # N, L, Co*k*k
        out = F.fold(cols.transpose(1, 2).float(), self.out_size(h, w), self.kernel_size,
                     padding=self.padding, stride=self.stride).to(cols.dtype)
        return _bias(out, self.bias)
