"""What CUT's PatchNCE needs from a generator: features of named layers, and a projection head.

FeatureTap puts forward hooks on layers chosen by name (any nn.Module, so the ResNet and
the U-Net generator both work) and can stop the forward pass once the last of them has
run: encoding an image for PatchNCE then costs only the encoder, not the decoder.
PatchSampleMLP picks the same random patch locations in two feature sets and projects
each patch with a small MLP onto the unit sphere.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


class _Enough(Exception):
    """Raised by the last hook to end a forward pass whose remaining layers are not needed."""


class FeatureTap:
    def __init__(self, net: nn.Module, layers: Sequence[str], root: Optional[nn.Module] = None):
        """Hooks on ``layers``, named within ``root`` (default: net); ``net`` is what is run."""
        root = net if root is None else root
        modules = dict(root.named_modules())
        missing = [n for n in layers if n not in modules or not n]
        if missing:
            tops = [n for n, _ in root.named_children()]
            raise KeyError(f"the generator has no layer {missing[0]!r}; its top-level layers are "
                           f"{', '.join(tops)} (sub-layers as name.index, e.g. blocks.0)")
        self.net, self.layers = net, list(layers)
        self._feats: Dict[str, torch.Tensor] = {}
        self._active = False
        self._stop = False
        self._handles = [modules[n].register_forward_hook(self._hook(n)) for n in self.layers]

    def _hook(self, name: str):
        def hook(_module, _inputs, output):
            if not self._active:
                return None
            self._feats[name] = output
            if self._stop and len(self._feats) == len(self.layers):
                raise _Enough()
            # The next layer may change its input in place (the U-Net's LeakyReLU does): it gets
            # a copy, so the recorded features stay as this layer made them.
            return output.clone()
        return hook

    def features(self, x: torch.Tensor, *args) -> List[torch.Tensor]:
        """The tapped layers' outputs for input x, in the order the layers were named."""
        self._feats, self._active, self._stop = {}, True, True
        try:
            self.net(x, *args)
        except _Enough:
            pass
        finally:
            self._active = self._stop = False
        feats, self._feats = self._feats, {}
        return [feats[n] for n in self.layers]

    def forward_with_features(self, x: torch.Tensor, *args) -> Tuple[torch.Tensor, List[torch.Tensor]]:
        """A full forward pass: (output, the tapped layers' outputs on the way)."""
        self._feats, self._active = {}, True
        try:
            out = self.net(x, *args)
        finally:
            self._active = False
        feats, self._feats = self._feats, {}
        return out, [feats[n] for n in self.layers]

    def channels(self, x: torch.Tensor) -> List[int]:
        with torch.no_grad():
            return [f.size(1) for f in self.features(x)]

    def remove(self) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []


class PatchSampleMLP(nn.Module):
    """One two-layer MLP per tapped layer; shared patch locations between query and key."""

    def __init__(self, channels: Sequence[int], width: int = 256):
        super().__init__()
        self.mlps = nn.ModuleList(nn.Sequential(nn.Linear(c, width), nn.ReLU(True), nn.Linear(width, width))
                                  for c in channels)

    def forward(self, feats: Sequence[torch.Tensor], num_patches: int,
                ids: Optional[List[torch.Tensor]] = None) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Per layer (N, P, width) unit vectors at P patch locations, and those locations."""
        out, used = [], []
        for i, (f, mlp) in enumerate(zip(feats, self.mlps)):
            flat = f.flatten(2).transpose(1, 2)  # (N, H*W, C)
            if ids is None:
                n = flat.size(1)
                idx = torch.randperm(n, device=flat.device)[: min(num_patches, n)]
            else:
                idx = ids[i]
            x = mlp(flat[:, idx].float())
            out.append(F.normalize(x, dim=-1))
            used.append(idx)
        return out, used
