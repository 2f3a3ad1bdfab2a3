"""BicycleGAN: many plausible colorizations of one photo, steered by a latent code z (Zhu et al. 2017).

Two passes share the generator G(grey, z):
  cVAE-GAN  the encoder E reads the true colour image, z is drawn from its posterior, and
            G must rebuild the colours (L1) and fool D; KL keeps E's codes near N(0, I);
  cLR-GAN   z is drawn from N(0, I), G's output must fool D2, and E must read the same z
            back from it (latent regression, which trains G only).
The batch is split between the passes (the first half, rounded up, goes to cVAE-GAN);
a batch of one serves both, so any batch size works. z enters the U-Net at its input, its
bottleneck (``middle``) or every encoder level (``all``), the study's question 6.

Inference: ``net(x, z)`` with z of shape (N, nz); the checkpoint card carries nz. E stays in
exported models too, so colorize can take z from a reference colour image (E's mean for it).
"""
from __future__ import annotations

from typing import Dict, Optional

import torch
import torch.nn.functional as F

from aerocolor.config import TrainConfig
from aerocolor.data import color
from aerocolor.errors import BadInput
from aerocolor.family_options import BicycleGANConfig  # noqa: F401 (the family's options)
from aerocolor.models.losses import GANLoss, kl_to_standard_normal
from aerocolor.models.base import (Family, build_discriminator, build_generator, check_gan_options,
                                   discriminator_loss, frozen)
from aerocolor.nets.encoder import LatentEncoder, encoder_stages_for
from aerocolor.nets.unet import Z_WHERE


class BicycleGAN(Family):
    name = "bicyclegan"
    config_cls = BicycleGANConfig
    paired = True
    generator_name = "G"
    encoder_name = "E"

    def __init__(self, cfg: TrainConfig, device):
        super().__init__(cfg, device)
        o: BicycleGANConfig = self.opt
        self.check()
        self.add_net("G", build_generator(o.net, 1, self.out_ch, cfg.tile, o.nz, o.z_where))
        self.add_net("E", LatentEncoder(3, o.nz, o.nef, encoder_stages_for(cfg.tile), "instance"))
        self.add_net("D", build_discriminator(o.net, 1 + self.out_ch, o.gan_mode))
        self.add_net("D2", build_discriminator(o.net, 1 + self.out_ch, o.gan_mode))
        self.gan = GANLoss(o.gan_mode)
        self.opt_G = self.adam("G", self.G.parameters(), cfg.lr_g)
        self.opt_E = self.adam("E", self.E.parameters(), cfg.lr_g)
        self.opt_D = self.adam("D", list(self.D.parameters()) + list(self.D2.parameters()), cfg.lr_d)

    def check(self) -> None:
        o: BicycleGANConfig = self.opt
        check_gan_options(o.gan_mode, o.net)
        if o.nz < 1:
            raise BadInput("BicycleGAN needs a latent code of at least 1 number (--nz 8 is usual); "
                           "for one colorization per photo use --family pix2pix.")
        if o.z_where not in Z_WHERE:
            raise BadInput(f"--z-where {o.z_where!r} is not known; choose input, middle or all.")
        if o.net.netG != "unet":
            raise BadInput("BicycleGAN's latent code enters a U-Net generator; use --netG unet.")
        if min(o.lambda_l1, o.lambda_kl, o.lambda_z, o.lambda_gan, o.lambda_gan2) < 0:
            raise BadInput("BicycleGAN's loss weights must not be negative.")

    def card_extra(self) -> dict:
        return {"nz": self.opt.nz, "z_where": self.opt.z_where}

    def _d_pair(self, D, grey, real, fake, tag: str, losses: dict) -> torch.Tensor:
        return discriminator_loss(self.gan, D, torch.cat([grey, real], 1), torch.cat([grey, fake], 1),
                                  self.opt.gan_mode, self.opt.lambda_gp, tag, losses)

    def optimize(self) -> Dict[str, float]:
        o: BicycleGANConfig = self.opt
        n = self.real_A.size(0)
        h = (n + 1) // 2 if n > 1 else 1
        enc, rnd = slice(0, h), (slice(h, n) if n > 1 else slice(0, 1))
        A_enc, B_enc, A_rnd, B_rnd = self.real_A[enc], self.real_B[enc], self.real_A[rnd], self.real_B[rnd]

        # cVAE-GAN: a code read from the true colours; cLR-GAN: a code from the prior.
        # (encoder_input prepares a reference image at inference exactly as this input.)
        mu, logvar = self.E(self.colour_image(A_enc, B_enc))
        z_enc = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        fake_enc = self.G(A_enc, z_enc.to(A_enc.dtype))
        z_rnd = torch.randn(A_rnd.size(0), o.nz, device=self.device)
        fake_rnd = self.G(A_rnd, z_rnd.to(A_rnd.dtype))

        # Discriminators: D for the cVAE-GAN pass, D2 for the cLR-GAN pass.
        self.opt_D.zero_grad(set_to_none=True)
        losses: Dict[str, torch.Tensor] = {}
        loss_D = self._d_pair(self.D, A_enc, B_enc, fake_enc, "D", losses) \
            + self._d_pair(self.D2, A_rnd, B_rnd, fake_rnd, "D2", losses)
        loss_D.backward()
        self.opt_D.step()

        # Generator and encoder.
        self.opt_G.zero_grad(set_to_none=True)
        self.opt_E.zero_grad(set_to_none=True)
        with frozen(self.D, self.D2):
            losses["G_GAN"] = self.gan(self.D(torch.cat([A_enc, fake_enc], 1)), True) * o.lambda_gan
            losses["G_GAN2"] = self.gan(self.D2(torch.cat([A_rnd, fake_rnd], 1)), True) * o.lambda_gan2
        losses["G_L1"] = F.l1_loss(fake_enc.float(), B_enc.float()) * o.lambda_l1
        losses["KL"] = kl_to_standard_normal(mu, logvar) * o.lambda_kl
        total = losses["G_GAN"] + losses["G_GAN2"] + losses["G_L1"] + losses["KL"]
        if o.lambda_z > 0:
            # Latent regression trains G only: E's weights take no gradient from it.
            with frozen(self.E):
                mu2, _ = self.E(self.colour_image(A_rnd, fake_rnd))
            losses["z_L1"] = F.l1_loss(mu2.float(), z_rnd) * o.lambda_z
            total = total + losses["z_L1"]
        total.backward()
        self.opt_G.step()
        self.opt_E.step()
        return {k: float(v.detach()) for k, v in losses.items()}

    @torch.no_grad()
    def generate(self, x: torch.Tensor, z: Optional[torch.Tensor] = None, **kwargs) -> torch.Tensor:
        """z defaults to zeros, the prior's most likely code (sample grids and validation)."""
        if z is None:
            z = torch.zeros(x.size(0), self.opt.nz, device=x.device, dtype=x.dtype)
        return self.G(x, z)

    @classmethod
    def build_generator_from(cls, card: dict):
        cfg = TrainConfig.from_dict(card["train"])
        o: BicycleGANConfig = cfg.model
        return build_generator(o.net, 1, color.output_channels(cfg.color_mode), cfg.tile, o.nz, o.z_where)

    @classmethod
    def build_encoder_from(cls, card: dict):
        """The encoder E described by a checkpoint card (no weights yet)."""
        cfg = TrainConfig.from_dict(card["train"])
        o: BicycleGANConfig = cfg.model
        return LatentEncoder(3, o.nz, o.nef, encoder_stages_for(cfg.tile), "instance")


def encoder_input(rgb: torch.Tensor, mode: str) -> torch.Tensor:
    """A colour image (N, 3, H, W) in [0, 1] as E reads the colour target B in training:
    Lab: the L* of its luma grey (how paired data make A from B) beside its a*b*; RGB: itself, in [-1, 1]."""
    target = color.model_target(rgb.float(), mode)
    if mode == "lab":
        return torch.cat([color.model_input(color.rgb_to_grey(rgb.float()), mode), target], 1)
    return target
