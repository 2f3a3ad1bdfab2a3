"""Each model family's options, one dataclass a family, torch-free: the config layer reads them (a JSON
config is parsed without importing torch or the models), the families in models/ train with them.

Every option of a family is declared here once, with its default."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

GAN_MODES: Tuple[str, ...] = ("vanilla", "lsgan", "wgangp")
Z_WHERE: Tuple[str, ...] = ("input", "middle", "all")     # where BicycleGAN's latent code enters the U-Net


@dataclass
class NetConfig:
    """Generator and discriminator architecture, shared by the families that use them."""

    netG: str = "unet"            # unet | resnet
    ngf: int = 64
    unet_depth: Optional[int] = None  # None: log2(tile), at most 8
    resnet_blocks: int = 9
    norm_g: str = "batch"         # batch | instance | none
    dropout: bool = True
    ndf: int = 64
    d_layers: int = 3
    norm_d: str = "auto"          # auto: batch, or none for a WGAN-GP critic
    init: str = "normal"
    init_gain: float = 0.02

    def d_norm_for(self, gan_mode: str) -> str:
        if self.norm_d == "auto":
            return "none" if gan_mode == "wgangp" else "batch"
        return self.norm_d


def unpaired_net() -> NetConfig:
    """The networks CycleGAN and CUT default to: a ResNet generator, instance norm, no dropout."""
    return NetConfig(netG="resnet", norm_g="instance", dropout=False, norm_d="instance")


@dataclass
class Pix2PixConfig:
    net: NetConfig = field(default_factory=NetConfig)
    gan_mode: str = "vanilla"
    lambda_l1: float = 100.0
    # 0 trains G on L1 alone and skips D's step: a regression that hedges toward grey where the scene
    # is ambiguous instead of committing to a hue (the GAN term rewards confident colour).
    lambda_gan: float = 1.0
    lambda_gp: float = 10.0


@dataclass
class CycleGANConfig:
    net: NetConfig = field(default_factory=unpaired_net)
    gan_mode: str = "lsgan"
    lambda_a: float = 10.0        # cycle grey -> colour -> grey
    lambda_b: float = 10.0        # cycle colour -> grey -> colour
    lambda_identity: float = 0.5  # times lambda_a / lambda_b; 0 turns it off
    pool_size: int = 50           # generated images kept to show the discriminators
    lambda_gp: float = 10.0


@dataclass
class CUTConfig:
    net: NetConfig = field(default_factory=unpaired_net)
    gan_mode: str = "lsgan"
    lambda_gan: float = 1.0
    lambda_nce: float = 1.0          # lambda_X: PatchNCE between input and output
    nce_idt: bool = True             # PatchNCE between a colour image and G of it
    lambda_nce_idt: float = 1.0      # lambda_Y
    nce_layers: Optional[Tuple[str, ...]] = None  # None: a default set for the generator type
    nce_t: float = 0.07              # temperature
    num_patches: int = 256
    mlp_width: int = 256
    flip_equivariance: bool = False
    lambda_gp: float = 10.0


@dataclass
class FastCUTConfig(CUTConfig):
    lambda_nce: float = 10.0
    nce_idt: bool = False
    lambda_nce_idt: float = 0.0
    flip_equivariance: bool = True


def _bicycle_net() -> NetConfig:
    return NetConfig(netG="unet", norm_g="instance", dropout=False, norm_d="instance")


@dataclass
class BicycleGANConfig:
    net: NetConfig = field(default_factory=_bicycle_net)
    nz: int = 8
    z_where: str = "input"      # input | middle | all
    nef: int = 64               # encoder width
    gan_mode: str = "lsgan"
    lambda_l1: float = 10.0
    lambda_kl: float = 0.01
    lambda_z: float = 0.5
    lambda_gan: float = 1.0     # cVAE-GAN's adversarial weight
    lambda_gan2: float = 1.0    # cLR-GAN's
    lambda_gp: float = 10.0


# The families by name, in the order they are offered.
OPTIONS: Dict[str, type] = {"pix2pix": Pix2PixConfig, "cyclegan": CycleGANConfig, "cut": CUTConfig,
                            "fastcut": FastCUTConfig, "bicyclegan": BicycleGANConfig}
FAMILIES: Tuple[str, ...] = tuple(OPTIONS)
