"""Colour spaces on whole torch batches, and the model's input/target scaling.

sRGB (IEC 61966-2-1) with a D65 white, CIE L*a*b* (1976). The white point is
taken as M @ [1, 1, 1] so that neutral greys map to a* = b* = 0 exactly.
Tensors are (N, C, H, W) or (C, H, W), values of RGB in [0, 1].
"""
from __future__ import annotations

import torch

from aerocolor.data.layout import GREY_FORMULA, LUMA_WEIGHTS  # noqa: F401 (the one grey formula)

_M = torch.tensor([[0.4124564, 0.3575761, 0.1804375],
                   [0.2126729, 0.7151522, 0.0721750],
                   [0.0193339, 0.1191920, 0.9503041]], dtype=torch.float64)
_M_INV = torch.linalg.inv(_M)
_WHITE = _M.sum(dim=1)
_EPS = (6.0 / 29.0) ** 3
_KAPPA = 3.0 * (6.0 / 29.0) ** 2

# Model scaling: L in [0, 100] -> [-1, 1]; a*, b* divided by 110 (sRGB's gamut stays within +-110).
AB_SCALE = 110.0


def xyz_to_linear_rgb_matrix() -> torch.Tensor:
    """M^-1 with the white folded in (float64): Lab's (X/Xn, Y/Yn, Z/Zn) to linear sRGB.
    For code that converts outside torch (colorize's numpy writer) with exactly these constants."""
    return _M_INV * _WHITE[None, :]


def _channel_dim(x: torch.Tensor) -> int:
    return 1 if x.dim() == 4 else 0


def srgb_to_linear(c: torch.Tensor) -> torch.Tensor:
    return torch.where(c <= 0.04045, c / 12.92, ((c.clamp(min=0) + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(c: torch.Tensor) -> torch.Tensor:
    c = c.clamp(min=0)
    return torch.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1.0 / 2.4) - 0.055)


def _f(t: torch.Tensor) -> torch.Tensor:
    return torch.where(t > _EPS, t.clamp(min=_EPS) ** (1.0 / 3.0), t / _KAPPA + 4.0 / 29.0)


def _f_inv(t: torch.Tensor) -> torch.Tensor:
    return torch.where(t > 6.0 / 29.0, t ** 3, _KAPPA * (t - 4.0 / 29.0))


def _apply(matrix: torch.Tensor, x: torch.Tensor, dim: int) -> torch.Tensor:
    m = matrix.to(x.dtype).to(x.device)
    return torch.movedim(torch.tensordot(torch.movedim(x, dim, -1), m.T, dims=1), -1, dim)


def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    dim = _channel_dim(rgb)
    xyz = _apply(_M, srgb_to_linear(rgb.float()), dim)
    white = _WHITE.to(xyz.dtype).to(xyz.device).view(*([3] + [1] * (xyz.dim() - dim - 1)))
    fx, fy, fz = _f(xyz / white).unbind(dim)
    return torch.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], dim)


def lab_to_rgb(lab: torch.Tensor) -> torch.Tensor:
    """Lab to sRGB in [0, 1]; out-of-gamut colours are clipped."""
    dim = _channel_dim(lab)
    L, a, b = lab.float().unbind(dim)
    fy = (L + 16.0) / 116.0
    f = torch.stack([fy + a / 500.0, fy, fy - b / 200.0], dim)
    white = _WHITE.to(f.dtype).to(f.device).view(*([3] + [1] * (f.dim() - dim - 1)))
    lin = _apply(_M_INV, _f_inv(f) * white, dim)
    return linear_to_srgb(lin).clamp(0.0, 1.0)


def rgb_to_grey(rgb: torch.Tensor) -> torch.Tensor:
    dim = _channel_dim(rgb)
    w = torch.tensor(LUMA_WEIGHTS, dtype=rgb.dtype, device=rgb.device)
    return _apply(w.view(1, 3), rgb, dim)


def grey_to_lightness(grey: torch.Tensor) -> torch.Tensor:
    """L* of a neutral sRGB grey (R = G = B = grey): how a grey photo enters Lab mode."""
    return 116.0 * _f(srgb_to_linear(grey.float())) - 16.0


# --- model scaling -----------------------------------------------------------------------

COLOR_MODES = ("rgb", "lab")


def model_input(grey: torch.Tensor, mode: str) -> torch.Tensor:
    """Grey in [0, 1] (1 channel) to what the generator reads, in [-1, 1]."""
    if mode == "lab":
        return grey_to_lightness(grey) / 50.0 - 1.0
    return grey * 2.0 - 1.0


def model_target(rgb: torch.Tensor, mode: str) -> torch.Tensor:
    """Colour in [0, 1] to what the generator should produce: RGB or a*b*, in [-1, 1]."""
    if mode == "lab":
        dim = _channel_dim(rgb)
        return rgb_to_lab(rgb).narrow(dim, 1, 2) / AB_SCALE
    return rgb * 2.0 - 1.0


def output_channels(mode: str) -> int:
    return 2 if mode == "lab" else 3
