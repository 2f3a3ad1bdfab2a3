"""CUT and FastCUT: contrastive unpaired translation (Park et al. 2020).

One generator; PatchNCE keeps each output patch tied to the input patch at the same place
(against the other patches of the same image) in the generator's own encoder features,
read through forward hooks on layers chosen by name, so the ResNet and the U-Net
generator both work. The generator reads colour images (grey enters without chroma, see
nets/colour_input.py), because PatchNCE encodes the generated colour image and NCE
identity feeds it real ones.

CUT and FastCUT are one class with two sets of defaults (the study's question 5):
  CUT      lambda_nce 1 (lambda_X), NCE identity on with lambda_nce_idt 1 (lambda_Y)
  FastCUT  lambda_nce 10, NCE identity off, flip equivariance on
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import torch

from aerocolor.config import NetConfig, TrainConfig
from aerocolor.data import color
from aerocolor.errors import BadInput
from aerocolor.family_options import CUTConfig, FastCUTConfig  # noqa: F401 (the family's options)
from aerocolor.models.losses import GANLoss, patch_nce
from aerocolor.models.base import (Family, build_discriminator, build_generator, check_gan_options,
                                   discriminator_loss, frozen)
from aerocolor.nets.colour_input import ColourInputGenerator
from aerocolor.nets.feature_mlp import FeatureTap, PatchSampleMLP
from aerocolor.nets.unet import unet_depth_for


def default_nce_layers(net: NetConfig, tile: int) -> Tuple[str, ...]:
    """Five layers from fine to coarse: the stem, both downsamplings and two residual blocks
    (ResNet), or the first five encoder levels that are larger than 1x1 (U-Net)."""
    if net.netG == "resnet":
        last = max(0, net.resnet_blocks - 1)
        blocks = sorted({0, min(4, last)}) if net.resnet_blocks else []
        return ("stem", "down1", "down2") + tuple(f"blocks.{b}" for b in blocks)
    depth = net.unet_depth or unet_depth_for(tile)
    return tuple(f"down.{i}" for i in range(min(5, depth - 1)))


class CUT(Family):
    name = "cut"
    config_cls = CUTConfig
    paired = False
    generator_name = "G"

    def __init__(self, cfg: TrainConfig, device):
        super().__init__(cfg, device)
        o: CUTConfig = self.opt
        self.check()
        self.add_net("G", ColourInputGenerator(build_generator(o.net, 3, self.out_ch, cfg.tile), self.mode))
        self.add_net("D", build_discriminator(o.net, 3, o.gan_mode))
        layers = tuple(o.nce_layers) if o.nce_layers else default_nce_layers(o.net, cfg.tile)
        try:
            self.tap = FeatureTap(self.G, layers, root=self.G.net)
        except KeyError as exc:
            raise BadInput(f"nce_layers: {exc.args[0]}.") from None
        probe = torch.zeros(1, 3, cfg.tile, cfg.tile, device=device)
        self.G.eval()
        channels = self.tap.channels(probe)
        self.G.train()
        self.add_net("MLP", PatchSampleMLP(channels, o.mlp_width))
        self.gan = GANLoss(o.gan_mode)
        self.opt_G = self.adam("G", list(self.G.parameters()) + list(self.MLP.parameters()), cfg.lr_g)
        self.opt_D = self.adam("D", self.D.parameters(), cfg.lr_d)

    def check(self) -> None:
        o: CUTConfig = self.opt
        check_gan_options(o.gan_mode, o.net)
        if isinstance(o, FastCUTConfig) and o.nce_idt:
            raise BadInput("FastCUT is CUT without NCE identity; use --family cut to train with NCE identity.")
        if o.nce_idt and o.lambda_nce_idt <= 0:
            raise BadInput("NCE identity is on but its weight lambda_nce_idt is 0; give it a weight "
                           "(1 is usual) or turn it off with --no-nce-idt.")
        if o.lambda_nce <= 0:
            raise BadInput("CUT without PatchNCE (lambda_nce 0) would not keep the image's content; "
                           "give lambda_nce a positive weight (1 for CUT, 10 for FastCUT).")
        if o.num_patches < 2 or o.nce_t <= 0:
            raise BadInput("PatchNCE needs at least 2 patches (num_patches) and a positive temperature nce_t.")

    def _nce(self, src_feats: List[torch.Tensor], target: torch.Tensor, flipped: bool) -> torch.Tensor:
        """PatchNCE between an input's features and those of the colour image made from it
        (made from the mirrored input when `flipped`: its features are mirrored back first)."""
        o: CUTConfig = self.opt
        tgt_feats = self.tap.features(target)
        if flipped:
            tgt_feats = [f.flip(3) for f in tgt_feats]
        q, ids = self.MLP(tgt_feats, o.num_patches)
        k, _ = self.MLP(src_feats, o.num_patches, ids)
        return sum(patch_nce(qi, ki, o.nce_t) for qi, ki in zip(q, k)) / len(q)

    def optimize(self) -> Dict[str, float]:
        o: CUTConfig = self.opt
        n = self.real_A.size(0)
        real_Ac = self.neutral_colour(self.real_A)
        real_Bc = self.real_colour()
        inp = torch.cat([real_Ac, real_Bc], 0) if o.nce_idt else real_Ac
        # Flip equivariance: half the steps G reads its input mirrored, and PatchNCE ties each patch
        # of the output, mirrored back, to the same place in the unmirrored input's features, so
        # G(flip x) must equal flip G(x).
        flipped = o.flip_equivariance and float(torch.rand(())) < 0.5
        if flipped:
            out = self.G(inp.flip(3))
            with torch.no_grad():  # the keys take no gradient anyway (patch_nce detaches them)
                feats = self.tap.features(inp)
        else:
            out, feats = self.tap.forward_with_features(inp)
        # Lab: the fake's L is that of the input G read, mirrored or not.
        grey_A = self.real_A.flip(3) if flipped else self.real_A
        fake_Bc = self.colour_image(grey_A, out[:n])

        # Discriminator.
        self.opt_D.zero_grad(set_to_none=True)
        losses: Dict[str, torch.Tensor] = {}
        discriminator_loss(self.gan, self.D, real_Bc, fake_Bc, o.gan_mode, o.lambda_gp, "D", losses).backward()
        self.opt_D.step()

        # Generator and projection head.
        self.opt_G.zero_grad(set_to_none=True)
        with frozen(self.D):   # D's weights stay out of this graph, so the backward below leaves them alone
            losses["G_GAN"] = self.gan(self.D(fake_Bc), True) * o.lambda_gan
        losses["NCE"] = self._nce([f[:n] for f in feats], fake_Bc, flipped) * o.lambda_nce
        total = losses["G_GAN"] + losses["NCE"]
        if o.nce_idt:
            grey_B = real_Bc[:, :1] if self.mode == "lab" else \
                color.model_input(color.rgb_to_grey(self.rgb.float()), self.mode).to(out.dtype)
            idt_Bc = self.colour_image(grey_B.flip(3) if flipped else grey_B, out[n:])
            losses["NCE_idt"] = self._nce([f[n:] for f in feats], idt_Bc, flipped) * o.lambda_nce_idt
            total = total + losses["NCE_idt"]
        total.backward()
        self.opt_G.step()
        return {k: float(v.detach()) for k, v in losses.items()}

    @classmethod
    def build_generator_from(cls, card: dict):
        from aerocolor.config import TrainConfig

        cfg = TrainConfig.from_dict(card["train"])
        return ColourInputGenerator(build_generator(cfg.model.net, 3, color.output_channels(cfg.color_mode),
                                                    cfg.tile), cfg.color_mode)


class FastCUT(CUT):
    name = "fastcut"
    config_cls = FastCUTConfig
