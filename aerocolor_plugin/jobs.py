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
