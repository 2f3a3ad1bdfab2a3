"""Files shipped with the backend: the default colorization model and a sample raster.

The default model (see MODEL_CARD.md beside it) lets a newcomer colorize before training
anything; `aerocolor colorize` and the plugin's Colorize dock use it when no model is given.
"""
from __future__ import annotations

import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "default-model.pt")
MODEL_CARD = os.path.join(HERE, "MODEL_CARD.md")
SAMPLE_GREY = os.path.join(HERE, "sample", "osbs_029_grey.tif")
SAMPLE_COLOUR = os.path.join(HERE, "sample", "osbs_029_colour.tif")


def default_model() -> str:
    """Path of the bundled default model; a clear sentence if this installation lacks it."""
    if not os.path.isfile(DEFAULT_MODEL):
        from aerocolor.errors import BadInput

        raise BadInput(f"The bundled default model is missing ({DEFAULT_MODEL}); reinstall AeroColor "
                       f"or give a model with --model.")
    return DEFAULT_MODEL
