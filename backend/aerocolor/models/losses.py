"""Adversarial losses (vanilla, LSGAN, WGAN-GP) and the WGAN-GP gradient penalty.

PatchNCE and the KL term of BicycleGAN are here too.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from aerocolor.family_options import GAN_MODES  # noqa: F401 (declared with the options; imported from here too)


class GANLoss:
    """Loss on discriminator outputs (logits for vanilla; raw scores for LSGAN and WGAN)."""

    def __init__(self, mode: str):
        if mode not in GAN_MODES:
            raise ValueError(f"unknown GAN mode {mode!r}; choose one of {', '.join(GAN_MODES)}")
        self.mode = mode

    def __call__(self, pred: torch.Tensor, target_is_real: bool) -> torch.Tensor:
        pred = pred.float()
        if self.mode == "wgangp":
            return -pred.mean() if target_is_real else pred.mean()
        target = torch.full_like(pred, 1.0 if target_is_real else 0.0)
        if self.mode == "lsgan":
            return F.mse_loss(pred, target)
        return F.binary_cross_entropy_with_logits(pred, target)


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, weight: float = 10.0) -> torch.Tensor:
    """weight * E[(||grad_x D(x)||_2 - 1)^2] at random points between real and fake samples.

    One interpolation factor per sample; the gradient norm is taken over all of a
    sample's pixels and channels (Gulrajani et al. 2017).
    """
    alpha = torch.rand(real.size(0), 1, 1, 1, device=real.device, dtype=real.dtype)
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    out = critic(mixed)
    (grad,) = torch.autograd.grad(out.float().sum(), mixed, create_graph=True)
    norms = grad.float().flatten(1).norm(2, dim=1)
    return weight * ((norms - 1.0) ** 2).mean()


def patch_nce(q: torch.Tensor, k: torch.Tensor, temperature: float = 0.07) -> torch.Tensor:
    """PatchNCE (Park et al. 2020) with negatives from the same image.

    q, k: (N, P, C) unit vectors of P patches, q from the output, k from the input. Each
    query patch must pick its own location's key among the image's P keys: a P-way
    classification whose right answer is the diagonal. Keys are not trained through.
    """
    k = k.detach()
    logits = torch.bmm(q.float(), k.float().transpose(1, 2)) / temperature  # (N, P, P)
    target = torch.arange(q.size(1), device=q.device).repeat(q.size(0))
    return F.cross_entropy(logits.flatten(0, 1), target)


def kl_to_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)), summed over the code, averaged over the batch."""
    mu, logvar = mu.float(), logvar.float()
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1).mean()
