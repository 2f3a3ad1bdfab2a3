"""The matrix-product convolutions give what torch's own kernels give, values and gradients."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from aerocolor.nets.conv import Conv2d, ConvTranspose2d, takes_matmul_path

CASES = [  # in, out, kernel, stride, padding, output_padding, input size, batch, bias
    (16, 8, 4, 2, 1, 0, (4, 4), 2, True),
    (8, 16, 4, 2, 1, 0, (2, 2), 1, False),
    (8, 16, 4, 2, 1, 0, (1, 1), 3, True),    # transposed only: the U-Net's innermost up level
    (6, 5, 3, 2, 1, 1, (3, 5), 2, True),     # odd, non-square, output padding
    (6, 5, 3, 1, 1, 0, (7, 6), 1, True),     # stride 1 (CUT/BicycleGAN encoder style)
    (4, 4, 4, 2, 1, 0, (32, 32), 1, True),   # large: the native kernel
]


def _grads(out, x, layer):
    g = torch.randn(out.shape)
    return torch.autograd.grad(out, [x, layer.weight] + ([layer.bias] if layer.bias is not None else []), g)


@pytest.mark.parametrize("case,transposed", [(c, t) for c in CASES for t in (False, True)
                                             if t or c[6] != (1, 1)])
def test_matches_the_native_kernel(case, transposed):
    c_in, c_out, k, s, p, op, (h, w), n, bias = case
    torch.manual_seed(0)
    if transposed:
        layer = ConvTranspose2d(c_in, c_out, k, s, p, output_padding=op, bias=bias)
    else:
        layer = Conv2d(c_in, c_out, k, s, p, bias=bias)
    x = torch.randn(n, c_in, h, w, requires_grad=True)
    ours = layer(x)
    if transposed:
        ref = F.conv_transpose2d(x, layer.weight, layer.bias, s, p, output_padding=op)
    else:
        ref = F.conv2d(x, layer.weight, layer.bias, s, p)
    assert ours.shape == ref.shape
    assert torch.allclose(ours, ref, atol=1e-5, rtol=1e-4)
    torch.manual_seed(1)
    g_ours = _grads(ours, x, layer)
    torch.manual_seed(1)
    g_ref = _grads(ref, x, layer)
    for a, b in zip(g_ours, g_ref):
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4)
    assert takes_matmul_path(layer, x) == (min(h * w, ours.shape[-2] * ours.shape[-1]) <= 64)


def test_bf16_autocast_keeps_dtype_and_accuracy():
    torch.manual_seed(0)
    layer = ConvTranspose2d(64, 32, 4, 2, 1)
    x = torch.randn(2, 64, 4, 4)
    assert takes_matmul_path(layer, x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        ours = layer(x)
        ref = F.conv_transpose2d(x, layer.weight, layer.bias, 2, 1)
    assert ours.dtype == ref.dtype == torch.bfloat16
    exact = F.conv_transpose2d(x, layer.weight, layer.bias, 2, 1)
    err_ours = (ours.float() - exact).abs().max()
    err_ref = (ref.float() - exact).abs().max()
    assert err_ours <= 2 * err_ref + 1e-3


def test_state_dict_keys_are_torch_s_own():
    ours = ConvTranspose2d(4, 3, 4, 2, 1)
    theirs = torch.nn.ConvTranspose2d(4, 3, 4, 2, 1)
    theirs.load_state_dict(ours.state_dict())
    assert ours.state_dict().keys() == theirs.state_dict().keys()


def test_inference_counts_the_whole_batch():
    # In training the limit is per image (the weight-gradient reorders it saves do not grow with the
    # batch); without gradients the unfold/fold copies do, and torch's kernels win for a large batch.
    layer = Conv2d(8, 8, 4, 2, 1)
    one, eight = torch.randn(1, 8, 16, 16), torch.randn(8, 8, 16, 16)   # 8x8 = 64 output pixels each
    assert takes_matmul_path(layer, one) and takes_matmul_path(layer, eight)
    with torch.no_grad():
        assert takes_matmul_path(layer, one)
        assert not takes_matmul_path(layer, eight)
    with torch.inference_mode():
        assert takes_matmul_path(layer, torch.randn(8, 8, 4, 4))          # 8 images x 2x2 = 32 rows
        assert not takes_matmul_path(layer, eight)
