"""pix2pix: a conditional GAN on aligned pairs, with an L1 term (Isola et al. 2017).

The discriminator sees (input, output) stacked: grey + RGB in rgb mode, L + a*b* in lab mode.
"""
from __future__ import annotations

from typing import Dict

import torch

from aerocolor.errors import BadInput
from aerocolor.family_options import Pix2PixConfig  # noqa: F401 (the family's options)
from aerocolor.models.losses import GAN_MODES, GANLoss
from aerocolor.models.base import Family, build_discriminator, build_generator, discriminator_loss, frozen


class Pix2Pix(Family):
    name = "pix2pix"
    config_cls = Pix2PixConfig
    paired = True

    def __init__(self, cfg, device):
        super().__init__(cfg, device)
        o: Pix2PixConfig = self.opt
        self.check()
        self.add_net("G", build_generator(o.net, self.in_ch, self.out_ch, cfg.tile))
        self.add_net("D", build_discriminator(o.net, self.in_ch + self.out_ch, o.gan_mode))
        self.gan = GANLoss(o.gan_mode)
        self.opt_G = self.adam("G", self.G.parameters(), cfg.lr_g)
        self.opt_D = self.adam("D", self.D.parameters(), cfg.lr_d)

    def check(self) -> None:
        o: Pix2PixConfig = self.opt
        if o.gan_mode not in GAN_MODES:
            raise BadInput(f"Unknown GAN mode {o.gan_mode!r}; choose vanilla, lsgan or wgangp.")
        if o.lambda_l1 < 0 or o.lambda_gan < 0:
            raise BadInput("--lambda-l1 and --lambda-gan must be 0 or more.")
        if o.lambda_l1 == 0 and o.lambda_gan == 0:
            raise BadInput("With --lambda-l1 0 and --lambda-gan 0 the generator has nothing to learn; "
                           "give one of them a weight above 0.")
        if o.gan_mode == "wgangp" and o.net.d_norm_for(o.gan_mode) == "batch":
            raise BadInput("A WGAN-GP critic must not use batch norm (the penalty is per sample); "
                           "use --norm-d none or instance.")

    def optimize(self) -> Dict[str, float]:
        o: Pix2PixConfig = self.opt
        fake_B = self.G(self.real_A)
        loss_G_L1 = torch.nn.functional.l1_loss(fake_B.float(), self.real_B.float()) * o.lambda_l1
        if o.lambda_gan == 0:
            # L1 alone: D is kept (checkpoints keep one shape) but neither trained nor run.
            self.opt_G.zero_grad(set_to_none=True)
            loss_G_L1.backward()
            self.opt_G.step()
            return {"G_L1": float(loss_G_L1.detach())}

        fake_AB = torch.cat([self.real_A, fake_B], 1)
        real_AB = torch.cat([self.real_A, self.real_B], 1)
        losses: Dict[str, torch.Tensor] = {}
        # Discriminator: real pairs up, generated pairs down.
        self.opt_D.zero_grad(set_to_none=True)
        discriminator_loss(self.gan, self.D, real_AB, fake_AB, o.gan_mode, o.lambda_gp, "D", losses).backward()
        self.opt_D.step()

        # Generator: fool D and stay close to the target.
        self.opt_G.zero_grad(set_to_none=True)
        with frozen(self.D):
            loss_G_GAN = self.gan(self.D(fake_AB), True) * o.lambda_gan
            (loss_G_GAN + loss_G_L1).backward()
        self.opt_G.step()
        losses.update(G_GAN=loss_G_GAN, G_L1=loss_G_L1)
        return {k: float(v.detach()) for k, v in losses.items()}
