"""CycleGAN: unpaired grey <-> colour with two generators and a cycle loss (Zhu et al. 2017).

G turns grey into colour (the inference generator), F turns colour into grey. Colour
images are 3 channels whatever the mode (see Family.colour_image): in Lab mode G predicts
a*b* and the colour image is the input's L with them.

Identity loss between 1-band grey and 3-band colour. The usual identity asks a generator
to leave an image of its own output domain unchanged; here the domains have different
band counts, so each generator gets the other domain's image in its own input form:
  G: a colour image's luminance (its grey version, made as the dataset makes grey
     inputs) must come back as that colour image: |G(grey(B)) - B|, weight lambda_b;
  F: a grey image written as a colour image without chroma must come back as the same
     grey: |F(neutral(A)) - A|, weight lambda_a.
Both are scaled by lambda_identity. The G term uses only B itself (never a pair), so the
training stays unpaired.
"""
from __future__ import annotations

from typing import Dict, List

import torch
import torch.nn.functional as F

from aerocolor.data import color
from aerocolor.errors import BadInput
from aerocolor.family_options import CycleGANConfig  # noqa: F401 (the family's options)
from aerocolor.models.losses import GANLoss
from aerocolor.models.base import (Family, build_discriminator, build_generator, check_gan_options,
                                   discriminator_loss, frozen)


class ImagePool:
    """Shows a discriminator earlier generated images half of the time (Shrivastava et al. 2017)."""

    def __init__(self, size: int):
        self.size = size
        self.images: List[torch.Tensor] = []

    def query(self, images: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return images
        out = []
        for img in images.detach():
            img = img[None]
            if len(self.images) < self.size:
                self.images.append(img)
                out.append(img)
            elif float(torch.rand(())) < 0.5:
                i = int(torch.randint(0, self.size, ()))
                out.append(self.images[i].clone())
                self.images[i] = img
            else:
                out.append(img)
        return torch.cat(out, 0)


class CycleGAN(Family):
    """Grey -> colour (G) and colour -> grey (F) trained together through the cycle."""

    name = "cyclegan"
    config_cls = CycleGANConfig
    paired = False
    generator_name = "G"

    def __init__(self, cfg, device):
        super().__init__(cfg, device)
        o: CycleGANConfig = self.opt
        self.check()
        self.add_net("G", build_generator(o.net, 1, self.out_ch, cfg.tile))
        self.add_net("F", build_generator(o.net, 3, 1, cfg.tile))
        self.add_net("D_A", build_discriminator(o.net, 1, o.gan_mode))  # judges grey images
        self.add_net("D_B", build_discriminator(o.net, 3, o.gan_mode))  # judges colour images
        self.gan = GANLoss(o.gan_mode)
        self.pool_A, self.pool_B = ImagePool(o.pool_size), ImagePool(o.pool_size)
        self.opt_G = self.adam("G", list(self.G.parameters()) + list(self.F.parameters()), cfg.lr_g)
        self.opt_D = self.adam("D", list(self.D_A.parameters()) + list(self.D_B.parameters()), cfg.lr_d)

    def extra_state(self) -> dict:
        return {"pool_A": list(self.pool_A.images), "pool_B": list(self.pool_B.images)}

    def load_extra_state(self, state: dict) -> None:
        self.pool_A.images = [t.to(self.device) for t in state.get("pool_A", [])]
        self.pool_B.images = [t.to(self.device) for t in state.get("pool_B", [])]

    def check(self) -> None:
        o: CycleGANConfig = self.opt
        check_gan_options(o.gan_mode, o.net)
        if o.lambda_a < 0 or o.lambda_b < 0 or o.lambda_identity < 0:
            raise BadInput("CycleGAN's lambda_a, lambda_b and lambda_identity must not be negative.")
        if o.pool_size < 0:
            raise BadInput("The image pool size must be 0 (no pool) or more.")

    def _d_loss(self, D, real: torch.Tensor, fake: torch.Tensor, tag: str, losses: dict) -> torch.Tensor:
        return discriminator_loss(self.gan, D, real, fake, self.opt.gan_mode, self.opt.lambda_gp, tag, losses)

    def optimize(self) -> Dict[str, float]:
        o: CycleGANConfig = self.opt
        real_A = self.real_A
        grey_B = color.model_input(color.rgb_to_grey(self.rgb.float()), self.mode).to(real_A.dtype)
        real_Bc = self.colour_image(grey_B, self.real_B)

        fake_Bc = self.colour_image(real_A, self.G(real_A))
        rec_A = self.F(fake_Bc)
        fake_A = self.F(real_Bc)
        rec_Bc = self.colour_image(fake_A, self.G(fake_A))

        # Generators: fool both discriminators, close both cycles, keep identities.
        self.opt_G.zero_grad(set_to_none=True)
        with frozen(self.D_A, self.D_B):
            losses = {"G_GAN": self.gan(self.D_B(fake_Bc), True), "F_GAN": self.gan(self.D_A(fake_A), True)}
        losses.update({"cycle_A": F.l1_loss(rec_A.float(), real_A.float()) * o.lambda_a,
                       "cycle_B": F.l1_loss(rec_Bc.float(), real_Bc.float()) * o.lambda_b})
        if o.lambda_identity > 0:
            losses["idt_G"] = F.l1_loss(self.G(grey_B).float(), self.real_B.float()) * o.lambda_b * o.lambda_identity
            losses["idt_F"] = F.l1_loss(self.F(self.neutral_colour(real_A)).float(),
                                        real_A.float()) * o.lambda_a * o.lambda_identity
        sum(losses.values()).backward()
        self.opt_G.step()

        # Discriminators, on images from the pools.
        self.opt_D.zero_grad(set_to_none=True)
        loss_D = self._d_loss(self.D_A, real_A, self.pool_A.query(fake_A), "D_A", losses) \
            + self._d_loss(self.D_B, real_Bc, self.pool_B.query(fake_Bc), "D_B", losses)
        loss_D.backward()
        self.opt_D.step()
        return {k: float(v.detach()) for k, v in losses.items()}
