"""Each backend job's command line, defined once for the dock and the Processing algorithm that run it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List


@dataclass
class ColorizeJob:
    """`aerocolor colorize`'s options, as the Colorize dock and the Colorize algorithms set them."""
    model: str
    device: str = "auto"
    batch: int = 0          # 0: the backend's measured best for the device
    tile: int = 0           # 0: the model's own tile
    overlap: int = -1       # -1: the backend's default
    gsd: str = "auto"       # choices.GSD_MODES
    cog: bool = False
    latent: List[str] = field(default_factory=list)   # model_card.latent_args(...)

    def options(self) -> List[str]:
        args = ["colorize", "--model", self.model, "--device", self.device]
        if self.batch > 0:
            args += ["--batch", str(self.batch)]
        if self.tile > 0:
            args += ["--tile", str(self.tile)]
        if self.overlap >= 0:
            args += ["--overlap", str(self.overlap)]
        if self.gsd != "auto":
            args += ["--gsd", self.gsd]
        if self.cog:
            args += ["--cog"]
        return args + list(self.latent)

    def one(self, src: str, out: str) -> List[str]:
        """The command for one raster."""
        return self.options() + [src, out]


@dataclass
class TrainJob:
    """`aerocolor train`'s options, as the Train dock and the Train algorithm set them."""
    run: str
    device: str = "auto"
    resume: bool = False             # continue the run folder's run: nothing else is given
    data: str = ""
    model: List[str] = field(default_factory=list)   # start_from.train_model_args(...)
    epochs: int = 100
    decay_epochs: int = 100
    batch: int = 1
    steps_per_epoch: int = 0         # 0: the whole dataset
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    gan_mode: str = ""               # '': the family's own

    def args(self) -> List[str]:
        args = ["train", "--run", self.run, "--device", self.device]
        if self.resume:
            return args + ["--resume"]
        args += ["--data", self.data] + list(self.model)
        args += ["--epochs", str(self.epochs), "--decay-epochs", str(self.decay_epochs), "--batch", str(self.batch)]
        if self.steps_per_epoch > 0:
            args += ["--steps-per-epoch", str(self.steps_per_epoch)]
        args += ["--lr-g", f"{self.lr_g:g}", "--lr-d", f"{self.lr_d:g}"]
        if self.gan_mode:
            args += ["--gan-mode", self.gan_mode]
        return args
