"""Model families: each a small class with the same interface (see base.Family)."""
from __future__ import annotations

import importlib

from aerocolor.errors import BadInput

# name -> "module:Class"; imported on demand so one family's bug never breaks another.
FAMILIES = {
    "pix2pix": "aerocolor.models.pix2pix:Pix2Pix",
    "cyclegan": "aerocolor.models.cyclegan:CycleGAN",
    "cut": "aerocolor.models.cut:CUT",
    "fastcut": "aerocolor.models.cut:FastCUT",
    "bicyclegan": "aerocolor.models.bicyclegan:BicycleGAN",
}


def family_class(name: str):
    if name not in FAMILIES:
        raise BadInput(f"Unknown model family {name!r}; choose one of {', '.join(FAMILIES)}.")
    module, cls = FAMILIES[name].split(":")
    return getattr(importlib.import_module(module), cls)
