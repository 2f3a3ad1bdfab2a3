"""A trained generator as a function from grey tiles to model colour, at the model's own scale.

Tiles come in at the input raster's pixel size; when the model was trained at another
ground resolution they are resampled to the model's tile size for the network and the
colour is resampled back, so the caller never sees the model's scale.
"""
from __future__ import annotations

import contextlib
import copy
import functools
from typing import TYPE_CHECKING, Optional

import numpy as np
import torch
import torch.nn.functional as F

from aerocolor.colorize.compose import lightness
from aerocolor.data import color

if TYPE_CHECKING:
    from aerocolor.colorize.onnx_model import OnnxGenerator

PRECISIONS = ("fp32", "bf16")


def bf16_weights(net: torch.nn.Module, device: Optional[torch.device] = None,
                 memory_format: torch.memory_format = torch.contiguous_format,
                 in_place: bool = False) -> torch.nn.Module:
    """A copy of `net` on `device` whose convolution and linear weights are stored in bf16
    (4-D ones in `memory_format`); with `in_place`, `net` itself, its fp32 weights let go one by one.

    Autocast rounds each fp32 weight to bf16 on every forward; rounding once here gives the
    same numbers (round to nearest even either way) and saves the copies (8-15 % of a bf16
    U-Net forward on the CPU, docs/performance.md). Normalisation layers stay fp32, as autocast keeps them.
    Without `in_place` the caller's net is left as it was.
    """
    # Each weight is rounded to bf16 first and re-laid after, so only half the bytes are reordered:
    # the quickest order measured (22 ms for the U-Net 256 at ngf 64, docs/performance.md).
    memo = {}
    for m in net.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            for name in ("weight", "bias"):
                p = getattr(m, name)
                if p is None:
                    continue
                w = p.detach().to(device=device, dtype=torch.bfloat16)
                if p.dim() == 4:
                    w = w.contiguous(memory_format=memory_format)
                w = torch.nn.Parameter(w, requires_grad=False)
                if in_place:
                    # The fp32 weight is freed now, and the next layer's bf16 copy can reuse its
                    # memory: the copy (109 MB for the U-Net 256) needs no fresh pages.
                    setattr(m, name, w)
                else:
                    memo[id(p)] = w
    # Deep-copied with the bf16 tensors already in the memo, so the fp32 weights are never copied.
    out = net if in_place else copy.deepcopy(net, memo)
    return out if device is None else out.to(device)


class TileModel:
    """Turns grey strips into model input (`prepare`) and runs batches of tiles cut from them through the
    generator (`__call__`), returning the model's output (N, C, t, t) float32 at the tiles' own size."""

    def __init__(self, card: dict, net: torch.nn.Module, device: torch.device, precision: str = "fp32",
                 channels_last: bool = True, tile: Optional[int] = None, own: bool = False):
        """`own`: the net is this TileModel's to change (bf16 replaces its fp32 weights rather than
        copying them), as when colorize read it from a checkpoint path itself."""
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}")
        self._describe(card, device, precision, tile)
        self.memory_format = torch.channels_last if channels_last else torch.contiguous_format
        if precision == "bf16":
            self.net = bf16_weights(net, device, self.memory_format, in_place=own).eval()
        else:
            self.net = net.to(device).to(memory_format=self.memory_format).eval()

    def _describe(self, card: dict, device: torch.device, precision: str, tile: Optional[int]) -> None:
        """What every tile model takes from the card and the settings."""
        self.card, self.device, self.precision = card, device, precision
        self.mode = card["color_mode"]
        self.channels = color.output_channels(self.mode)
        self.tile = int(tile or card["tile"])
        self.nz = int(card.get("nz") or 0)
        self.z: Optional[torch.Tensor] = None
        self.tone: Optional[tuple] = None

    def set_tone(self, mapping: Optional[tuple]) -> None:
        """A tone map (tone.tone_map, on greys) applied to what the generator sees, not to the photo's
        lightness that the colour is joined to."""
        if mapping is None:
            self.tone = None
            return
        xp, fp = (np.asarray(m, np.float32) for m in mapping)
        self.tone = (self.prepare(xp.copy()), self.prepare(fp.copy()))

    def set_latent(self, z: Optional[torch.Tensor]) -> None:
        """The latent code (1, nz) used for every tile of one output, so tiles agree and no seam shows."""
        self.z = None if z is None else z.to(self.device)

    def _autocast(self):
        if self.precision == "bf16":
            return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    @torch.inference_mode()
    def forward_model(self, x: torch.Tensor) -> torch.Tensor:
        """Model input (N, 1, tile, tile) in [-1, 1] on the device to model output, float32."""
        x = x.contiguous(memory_format=self.memory_format)
        with self._autocast():
            if self.nz:
                if self.z is None:
                    raise ValueError("this model needs a latent code; call set_latent first")
                out = self.net(x, self.z.expand(x.size(0), -1))
            else:
                out = self.net(x)
        return out.float()

    def prepare(self, grey: np.ndarray) -> np.ndarray:
        """Grey in [0, 1] (any shape), or uint8 codes standing for code / 255, to model input in [-1, 1]:
        color.model_input, with L* from a table (on the CPU the exact formula costs more than a small
        generator)."""
        if grey.dtype == np.uint8:
            # 8-bit photos, the usual case: one lookup per pixel instead of a dozen passes.
            return np.take(self._byte_inputs, grey)
        if self.mode == "lab":
            x = lightness(grey)
            x *= np.float32(1 / 50)
            x -= np.float32(1)
            return x
        return (grey * np.float32(2) - np.float32(1)).astype(np.float32, copy=False)

    @functools.cached_property
    def _byte_inputs(self) -> np.ndarray:
        """Model input for each 8-bit code: the very numbers training computes for those greys."""
        return color.model_input(torch.arange(256, dtype=torch.float32) / 255.0, self.mode).numpy()

    @torch.inference_mode()
    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Model input tiles (N, t, t) from `prepare`, at the input's pixel size, to model output (N, C, t, t)."""
        t_in = x.shape[-1]
        if self.tone is not None:
            x = np.interp(x, *self.tone).astype(np.float32)
        x = torch.from_numpy(np.ascontiguousarray(x, np.float32)).unsqueeze(1).to(self.device, non_blocking=True)
        if t_in != self.tile:
            x = F.interpolate(x, size=(self.tile, self.tile), mode="bilinear", align_corners=False,
                              antialias=t_in > self.tile)
        out = self.forward_model(x)
        if t_in != self.tile:
            out = F.interpolate(out, size=(t_in, t_in), mode="bilinear", align_corners=False,
                                antialias=self.tile > t_in)
        # A channels-last result would reach the blender as strided planes, on which numpy's weighted
        # adds run several times slower; torch lays it out plane by plane on all cores instead.
        return out.to("cpu", memory_format=torch.contiguous_format).numpy()


class OnnxTileModel(TileModel):
    """TileModel for an ONNX export (colorize/onnx_model.py): the same preparation, tone map and
    resampling to the model's scale around an onnxruntime session instead of a torch generator."""

    def __init__(self, card: dict, net: "OnnxGenerator", tile: Optional[int] = None):
        from aerocolor.errors import BadInput

        # The tensors around the session stay on the CPU: onnxruntime takes numpy arrays (and copies
        # them to its own device where it runs on a GPU).
        self._describe(card, torch.device("cpu"), "fp32", tile)
        if self.tile != net.tile:
            raise BadInput(f"This ONNX model was exported for tiles of {net.tile} px and runs only those; drop "
                           f"--tile {self.tile}, or use the model's .pt checkpoint for other tiles.")
        self.net = net
        self.memory_format = torch.contiguous_format

    def set_latent(self, z: Optional[torch.Tensor]) -> None:
        self.z = None if z is None else z.float().numpy()

    def forward_model(self, x: torch.Tensor) -> torch.Tensor:
        """Model input (N, 1, tile, tile) in [-1, 1] to model output, float32 (on the CPU, as a view of
        onnxruntime's result)."""
        if self.nz and self.z is None:
            raise ValueError("this model needs a latent code; call set_latent first")
        return torch.from_numpy(self.net.run(x.numpy(), self.z))
