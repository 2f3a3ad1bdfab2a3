"""The interface every model family implements, so that one Trainer trains them all.

A family builds its networks and optimisers from its options dataclass, takes a batch
(set_input), makes one optimisation step returning named losses (optimize), and turns
model input into model output for inference (generate). The Trainer saves ``nets`` and
``optimizers``; colorize rebuilds only ``build_generator`` from a checkpoint card.
"""
from __future__ import annotations

import contextlib
from typing import Dict, Iterator, Optional, Tuple

import torch
import torch.nn as nn

from aerocolor.colorize import compose
from aerocolor.config import NetConfig, TrainConfig
from aerocolor.data import color
from aerocolor.models.losses import gradient_penalty
from aerocolor.nets.colour_input import neutral_colour
from aerocolor.nets.layers import init_weights
from aerocolor.nets.patchgan import PatchDiscriminator
from aerocolor.nets.resnet import ResnetGenerator
from aerocolor.nets.unet import UNetGenerator, unet_depth_for


def build_generator(net: NetConfig, in_ch: int, out_ch: int, tile: int, nz: int = 0,
                    z_where: str = "input") -> nn.Module:
    if net.netG == "unet":
        depth = net.unet_depth or unet_depth_for(tile)
        return UNetGenerator(in_ch, out_ch, net.ngf, depth, net.norm_g, net.dropout, nz, z_where)
    if net.netG == "resnet":
        if nz:
            raise ValueError("the ResNet generator takes no latent code; use netG unet")
        return ResnetGenerator(in_ch, out_ch, net.ngf, net.resnet_blocks, net.norm_g, net.dropout)
    raise ValueError(f"unknown generator {net.netG!r}; choose unet or resnet")


def build_discriminator(net: NetConfig, in_ch: int, gan_mode: str) -> nn.Module:
    return PatchDiscriminator(in_ch, net.ndf, net.d_layers, net.d_norm_for(gan_mode))


def generator_multiple(net: NetConfig, tile: int) -> int:
    """Input sides must be multiples of this for the generator to run."""
    if net.netG == "unet":
        return 2 ** (net.unet_depth or unet_depth_for(tile))
    return 4


def discriminator_loss(gan, D: nn.Module, real: torch.Tensor, fake: torch.Tensor, gan_mode: str,
                       lambda_gp: float, tag: str, losses: Dict[str, torch.Tensor]) -> torch.Tensor:
    """D's loss: generated samples (detached here) scored down, real ones up; the terms go into `losses`
    as TAG_fake, TAG_real (and TAG_GP). WGAN-GP adds its penalty to their sum; the other modes average
    the two terms. One helper for every family's critics."""
    on_fake = gan(D(fake.detach()), False)   # fake first: a batch-norm D's running stats see the
    losses[f"{tag}_real"] = gan(D(real), True)  # batches in the order pix2pix always gave them
    losses[f"{tag}_fake"] = on_fake
    if gan_mode == "wgangp":
        losses[f"{tag}_GP"] = gradient_penalty(D, real, fake, lambda_gp)
        return losses[f"{tag}_real"] + losses[f"{tag}_fake"] + losses[f"{tag}_GP"]
    return (losses[f"{tag}_real"] + losses[f"{tag}_fake"]) * 0.5


@contextlib.contextmanager
def frozen(*nets: nn.Module) -> Iterator[None]:
    """The nets' weights take no gradient inside the block (a generator's step through its critics)."""
    for net in nets:
        net.requires_grad_(False)
    try:
        yield
    finally:
        for net in nets:
            net.requires_grad_(True)


def check_gan_options(gan_mode: str, net: NetConfig) -> None:
    """The GAN checks every family shares, as one sentence each."""
    from aerocolor.errors import BadInput
    from aerocolor.models.losses import GAN_MODES

    if gan_mode not in GAN_MODES:
        raise BadInput(f"Unknown GAN mode {gan_mode!r}; choose vanilla, lsgan or wgangp.")
    if gan_mode == "wgangp" and net.d_norm_for(gan_mode) == "batch":
        raise BadInput("A WGAN-GP critic must not use batch norm (the penalty is per sample); "
                       "use --norm-d none or instance.")


class Family:
    """Base class. Subclasses set name, config_cls, paired, and implement the methods below."""

    name = "base"
    config_cls: type = object
    paired = True
    generator_name = "G"  # the grey -> colour net in ``nets``; checkpoints record it for load_generator
    encoder_name: Optional[str] = None  # a net reading a latent code from a colour image (kept by export)

    def __init__(self, cfg: TrainConfig, device: torch.device):
        self.cfg = cfg
        self.opt = cfg.model
        self.device = device
        self.mode = cfg.color_mode
        self.in_ch = 1
        self.out_ch = color.output_channels(cfg.color_mode)
        self.nets: Dict[str, nn.Module] = {}
        self.optimizers: Dict[str, torch.optim.Optimizer] = {}
        self.memory_format = torch.channels_last if cfg.channels_last else torch.contiguous_format

    # -- helpers for subclasses ---------------------------------------------------------
    def add_net(self, name: str, net: nn.Module) -> nn.Module:
        net = init_weights(net, self.opt.net.init, self.opt.net.init_gain) if hasattr(self.opt, "net") else net
        net = net.to(self.device, memory_format=self.memory_format)
        self.nets[name] = net
        setattr(self, name, net)
        return net

    def adam(self, name: str, params, lr: float) -> torch.optim.Optimizer:
        opt = torch.optim.Adam(params, lr=lr, betas=(self.cfg.beta1, self.cfg.beta2), fused=True)
        self.optimizers[name] = opt
        return opt

    def to_device(self, t: torch.Tensor) -> torch.Tensor:
        return t.to(self.device, non_blocking=True).contiguous(memory_format=self.memory_format)

    def train_mode(self, on: bool = True) -> None:
        for net in self.nets.values():
            net.train(on)

    # Colour images as the unpaired families see them: 3 channels in [-1, 1] whatever the mode.
    # Lab: (L, a*, b*) with L taken from the luma grey, exactly as a generated image gets it, so
    # a discriminator cannot tell real from fake by a mismatch between L and the colour.
    # RGB: the RGB image itself.
    def colour_image(self, grey_in: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        """Model input (1 channel) and model output (a*b* or RGB) joined into a colour image."""
        return torch.cat([grey_in, out], 1) if self.mode == "lab" else out

    def neutral_colour(self, grey_in: torch.Tensor) -> torch.Tensor:
        """A grey image as a colour image without chroma."""
        return neutral_colour(grey_in, self.mode)

    def real_colour(self) -> torch.Tensor:
        """The batch's colour target B as a colour image (see colour_image)."""
        grey_b = color.model_input(color.rgb_to_grey(self.rgb.float()), self.mode).to(self.real_B.dtype)
        return self.colour_image(grey_b, self.real_B)

    # -- the interface ------------------------------------------------------------------
    def set_input(self, batch: dict) -> None:
        """Grey A (N,1,H,W) and colour B (N,3,H,W) in [0, 1] become model input and target."""
        self.grey = self.to_device(batch["A"])
        self.rgb = self.to_device(batch["B"])
        self.real_A = color.model_input(self.grey, self.mode).contiguous(memory_format=self.memory_format)
        self.real_B = color.model_target(self.rgb, self.mode).contiguous(memory_format=self.memory_format)

    def optimize(self) -> Dict[str, float]:
        raise NotImplementedError

    @torch.no_grad()
    def generate(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """Model input in [-1, 1] to model output (RGB or a*b* in [-1, 1])."""
        return self.nets["G"](x)

    def visuals(self) -> Tuple[torch.Tensor, torch.Tensor, Optional[torch.Tensor]]:
        """(grey, colorized, target) of the current batch in [0, 1] RGB, for sample grids."""
        with torch.no_grad():
            fake = self.generate(self.real_A)
        out = compose.model_output_to_rgb(fake, self.grey, self.mode)
        return self.grey.float(), out, self.rgb.float() if self.paired else None

    @classmethod
    def build_generator_from(cls, card: dict) -> nn.Module:
        """The inference generator described by a checkpoint card (no weights yet)."""
        from aerocolor.config import TrainConfig

        cfg = TrainConfig.from_dict(card["train"])
        return build_generator(cfg.model.net, 1, color.output_channels(cfg.color_mode), cfg.tile)

    def extra_state(self) -> dict:
        """Training state beyond nets and optimisers (e.g. CycleGAN's image pools), saved with
        every checkpoint so that a resumed run continues exactly; tensors and plain types only."""
        return {}

    def load_extra_state(self, state: dict) -> None:
        """Restore what extra_state returned."""

    def card_extra(self) -> dict:
        """Entries the family adds to the checkpoint card (e.g. BicycleGAN's nz)."""
        return {}

    def check(self) -> None:
        """Refuse odd option combinations with one sentence before training starts."""
