"""Each model family's options, one dataclass a family, torch-free: the config layer reads them (a JSON
config is parsed without importing torch or the models), the families in models/ train with them.

Every option of a family is declared here once, with its default, its help line and its choices:
`aerocolor train` makes its network and family flags from these fields (train_options)."""
from __future__ import annotations

import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Dict, List, Optional, Sequence, Tuple

GAN_MODES: Tuple[str, ...] = ("vanilla", "lsgan", "wgangp")
Z_WHERE: Tuple[str, ...] = ("input", "middle", "all")     # where BicycleGAN's latent code enters the U-Net
GENERATORS: Tuple[str, ...] = ("unet", "resnet")
NORMS: Tuple[str, ...] = ("batch", "instance", "none")
INITS: Tuple[str, ...] = ("normal", "xavier", "kaiming", "orthogonal")

# Fields that `aerocolor train` offers no flag of its own: `net` is reached through its fields (the
# network options), or whole with --set net={...}.
SET_ONLY: Tuple[str, ...] = ("net",)


def option(default: Any = MISSING, text: str = "", choices: Sequence[str] = (), *, factory: Any = None,
           flag: str = "") -> Any:
    """A dataclass field with the help line (and the choices) `aerocolor train` shows for it. `flag`
    names a flag other than --the-name: --no-X stores False, for an option that only switches off."""
    meta = {"help": text, "choices": tuple(choices), "flag": flag}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


# Options several families declare: one help line each, which every declaration uses.
_GAN_MODE = "adversarial loss: vanilla (cross-entropy), lsgan (least squares) or wgangp (Wasserstein critic " \
            "with a gradient penalty)"
_LAMBDA_GP = "weight of the gradient penalty of --gan-mode wgangp"
_LAMBDA_L1 = "weight of the L1 distance to the real colours"
# 0 trains pix2pix's G on L1 alone and skips D's step: a regression that hedges toward grey where the
# scene is ambiguous instead of committing to a hue (the GAN term rewards confident colour).
_LAMBDA_GAN = "adversarial weight (BicycleGAN: its cVAE-GAN's); 0 on pix2pix trains on L1 alone (no " \
              "discriminator step), which mutes colour where it is unsure"


@dataclass
class NetConfig:
    """Generator and discriminator architecture, shared by the families that use them."""

    netG: str = option("unet", "generator: unet, whose skip connections carry the fine structure, or "
                               "resnet, residual blocks at a quarter of the resolution", GENERATORS)
    ngf: int = option(64, "generator width: filters of its first layer")
    unet_depth: Optional[int] = option(None, "U-Net levels (default: log2 of the tile, at most 8)")
    resnet_blocks: int = option(9, "residual blocks of the ResNet generator")
    norm_g: str = option("batch", "normalisation in the generator", NORMS)
    dropout: bool = option(True, "dropout in the generator; --no-dropout turns it off", flag="--no-dropout")
    ndf: int = option(64, "discriminator width: filters of its first layer")
    d_layers: int = option(3, "strided layers of the PatchGAN discriminator; 3 judges 70x70-pixel patches")
    norm_d: str = option("auto", "normalisation in the discriminator; auto: batch, or none for a WGAN-GP "
                                 "critic", ("auto",) + NORMS)
    init: str = option("normal", "initialisation of the weights", INITS)
    init_gain: float = option(0.02, "scale of the initial weights for normal, xavier and orthogonal")

    def d_norm_for(self, gan_mode: str) -> str:
        if self.norm_d == "auto":
            return "none" if gan_mode == "wgangp" else "batch"
        return self.norm_d


def unpaired_net() -> NetConfig:
    """The networks CycleGAN and CUT default to: a ResNet generator, instance norm, no dropout."""
    return NetConfig(netG="resnet", norm_g="instance", dropout=False, norm_d="instance")


_NET = "the generator and discriminator (the network options)"


@dataclass
class Pix2PixConfig:
    net: NetConfig = option(text=_NET, factory=NetConfig)
    gan_mode: str = option("vanilla", _GAN_MODE, GAN_MODES)
    lambda_l1: float = option(100.0, _LAMBDA_L1)
    lambda_gan: float = option(1.0, _LAMBDA_GAN)
    lambda_gp: float = option(10.0, _LAMBDA_GP)


@dataclass
class CycleGANConfig:
    net: NetConfig = option(text=_NET, factory=unpaired_net)
    gan_mode: str = option("lsgan", _GAN_MODE, GAN_MODES)
    lambda_a: float = option(10.0, "weight of the cycle grey -> colour -> grey")
    lambda_b: float = option(10.0, "weight of the cycle colour -> grey -> colour")
    lambda_identity: float = option(0.5, "weight of the identity terms, times --lambda-a / --lambda-b; 0 turns "
                                         "them off")
    pool_size: int = option(50, "generated images kept to show the discriminators; 0: no pool")
    lambda_gp: float = option(10.0, _LAMBDA_GP)


@dataclass
class CUTConfig:
    net: NetConfig = option(text=_NET, factory=unpaired_net)
    gan_mode: str = option("lsgan", _GAN_MODE, GAN_MODES)
    lambda_gan: float = option(1.0, _LAMBDA_GAN)
    lambda_nce: float = option(1.0, "weight of PatchNCE between input and output (lambda_X)")
    nce_idt: bool = option(True, "PatchNCE also between a colour image and G of it, weighted by "
                                 "--lambda-nce-idt")
    lambda_nce_idt: float = option(1.0, "weight of the NCE identity term (lambda_Y)")
    nce_layers: Optional[Tuple[str, ...]] = option(
        None, "generator layers PatchNCE compares, comma-separated names such as "
              "stem,down1,down2,blocks.0,blocks.4 (default: a set for the generator type)")
    nce_t: float = option(0.07, "temperature of PatchNCE")
    num_patches: int = option(256, "patches PatchNCE samples from each layer")
    mlp_width: int = option(256, "width of the MLP that projects the sampled features")
    flip_equivariance: bool = option(False, "half the steps, G reads its input mirrored and must give the "
                                            "mirrored output")
    lambda_gp: float = option(10.0, _LAMBDA_GP)


@dataclass
class FastCUTConfig(CUTConfig):
    # Only defaults change: these redeclarations carry no help, the CUT ones above do (train_options).
    lambda_nce: float = 10.0
    nce_idt: bool = False
    lambda_nce_idt: float = 0.0
    flip_equivariance: bool = True


def _bicycle_net() -> NetConfig:
    return NetConfig(netG="unet", norm_g="instance", dropout=False, norm_d="instance")


@dataclass
class BicycleGANConfig:
    net: NetConfig = option(text=_NET, factory=_bicycle_net)
    nz: int = option(8, "length of the latent code z")
    z_where: str = option("input", "where z enters the U-Net", Z_WHERE)
    nef: int = option(64, "width of the encoder that reads z from a colour image")
    gan_mode: str = option("lsgan", _GAN_MODE, GAN_MODES)
    lambda_l1: float = option(10.0, _LAMBDA_L1)
    lambda_kl: float = option(0.01, "weight of the KL term that keeps encoded codes near the prior")
    lambda_z: float = option(0.5, "weight of the latent regression: the random z read back from its output")
    lambda_gan: float = option(1.0, _LAMBDA_GAN)
    lambda_gan2: float = option(1.0, "adversarial weight of the cLR-GAN, whose outputs come from random codes")
    lambda_gp: float = option(10.0, _LAMBDA_GP)


# The families by name, in the order they are offered.
OPTIONS: Dict[str, type] = {"pix2pix": Pix2PixConfig, "cyclegan": CycleGANConfig, "cut": CUTConfig,
                            "fastcut": FastCUTConfig, "bicyclegan": BicycleGANConfig}
FAMILIES: Tuple[str, ...] = tuple(OPTIONS)
TITLES: Dict[str, str] = {"pix2pix": "pix2pix", "cyclegan": "CycleGAN", "cut": "CUT", "fastcut": "FastCUT",
                          "bicyclegan": "BicycleGAN"}


@dataclass(frozen=True)
class TrainOption:
    """One option `aerocolor train` offers as a flag, gathered from the dataclasses above."""

    name: str                   # the field, and the flag's dest
    net: bool                   # a NetConfig field (the family's model.net), else a family option
    kind: type                  # int, float, str, bool, or tuple (a comma-separated list)
    help: str
    choices: Tuple[str, ...]
    flag: str                   # --the-name, or the field's own (--no-dropout)
    defaults: Dict[str, Any]    # family -> its default, for each family that declares the option

    @property
    def families(self) -> Tuple[str, ...]:
        return tuple(self.defaults)


def _kind(hint: Any) -> type:
    if typing.get_origin(hint) is typing.Union:       # Optional[X]: X
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return tuple if typing.get_origin(hint) is tuple else hint


def train_options() -> List[TrainOption]:
    """The network options, then the family options, each name once in the order first declared. A
    name several families declare takes its help and choices from any declaration that gives them
    (FastCUT's only change defaults); two that give different ones are a mistake, refused here."""
    found: Dict[str, dict] = {}

    def gather(cls: type, family: str, instance: Any, net: bool) -> None:
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            if f.name in SET_ONLY:
                continue
            o = found.setdefault(f.name, {"name": f.name, "net": net, "kind": _kind(hints[f.name]), "help": "",
                                          "choices": (), "flag": "", "defaults": {}})
            if o["net"] != net or o["kind"] != _kind(hints[f.name]):
                raise ValueError(f"{cls.__name__}.{f.name} is declared elsewhere as another kind of option.")
            for key in ("help", "choices", "flag"):
                given = f.metadata.get(key)
                if given and o[key] and given != o[key]:
                    raise ValueError(f"{cls.__name__}.{f.name} has another {key} than an earlier declaration.")
                if given:
                    o[key] = given
            o["defaults"][family] = getattr(instance, f.name)

    for family, cls in OPTIONS.items():
        if "net" in cls.__dataclass_fields__:
            gather(NetConfig, family, cls().net, True)
    for family, cls in OPTIONS.items():
        gather(cls, family, cls(), False)
    return [TrainOption(**{**o, "flag": o["flag"] or "--" + o["name"].replace("_", "-")}) for o in found.values()]
