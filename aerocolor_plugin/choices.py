"""The choices the docks and the Processing algorithms both offer, each declared once with the words shown.

Values are the backend's flag values; labels are what a person reads, translated."""
from __future__ import annotations

from typing import List, Sequence

from .i18n_util import tr
from .bridge.seam import family_options

FAMILIES = family_options.FAMILIES        # the backend's own lists (torch-free); names, not translated
GAN_MODES = family_options.GAN_MODES
DEVICES = ("auto", "cpu", "cuda")
GSD_MODES = ("auto", "model", "native")
COLOR_MODES = ("lab", "rgb")


def device_labels() -> List[str]:
    return [tr("auto"), "cpu", "cuda"]


def gsd_labels() -> List[str]:
    return [tr("auto"), tr("the model's (resample)"), tr("the input's own")]


def color_mode_labels() -> List[str]:
    return [tr("L*a*b* (keeps the photo's detail)"), tr("RGB")]


def fill(combo, values: Sequence[str], labels: Sequence[str]) -> None:
    """A combo box of `labels` whose currentData() is the matching value."""
    for value, label in zip(values, labels):
        combo.addItem(label, value)
