"""`aerocolor calibrate`: fit a checkpoint's calibration (models/calibrated.py) on its dataset and
write the calibrated checkpoint."""
from __future__ import annotations

import itertools
from typing import Optional

import torch

from aerocolor.data.datasets import open_dataset
from aerocolor.errors import BadInput
from aerocolor.models import checkpoint
from aerocolor.models.calibrated import fit


def calibrate(model: str, data: str, output: str, max_tiles: int = 256, gain_data: Optional[str] = None,
              max_gain: float = 1.0) -> dict:
    """Fit the calibration of the checkpoint `model` on the dataset `data`; write `output` (the same
    checkpoint with the calibration in its card). Returns the calibration.

    `gain_data`: a dataset the model did not train on (other years, another place); the gain is then
    fitted on all its tiles, so it says how strongly the model's colour holds away from its training
    (on its own validation blocks a model is rarely too strong)."""
    if not 0.0 < max_gain <= 4.0:
        raise BadInput(f"--max-gain {max_gain:g} is out of range; give a gain above 0 and at most 4.")
    obj = checkpoint.load(model)
    card, net = checkpoint.generator_from(obj, model)
    if card.get("calibration"):
        raise BadInput(f"{model} is calibrated already; calibrate the checkpoint it was made from.")
    tile = int(card["tile"])
    train = open_dataset(data, "train", tile, True, None)
    val = open_dataset(data, "val", tile, True, None)
    if val is None:
        raise BadInput(f"{data} has no val split; the chroma gain is fitted on validation tiles.")

    def batches(ds, limit):
        for i in range(0, min(len(ds), limit), 8):
            items = [ds[j] for j in range(i, min(i + 8, len(ds), limit))]
            yield torch.stack([it["A"] for it in items]), torch.stack([it["B"] for it in items])

    if gain_data:  # every split of a dataset the model did not train on, up to max_tiles tiles
        parts = []
        for sp in ("train", "val", "test"):
            try:
                parts.append(open_dataset(gain_data, sp, tile, True, None))
            except BadInput:  # no training split: its other tiles still serve
                pass
        items = list(itertools.islice((ds[j] for ds in parts if ds is not None for j in range(len(ds))), max_tiles))
        pairs = ((torch.stack([it["A"] for it in items[i:i + 8]]), torch.stack([it["B"] for it in items[i:i + 8]]))
                 for i in range(0, len(items), 8))
    else:
        pairs = batches(val, max_tiles)
    calib = fit(net, card, (g for g, _ in batches(train, max_tiles)), pairs, max_gain=max_gain)
    calib["data"] = data
    if gain_data:
        calib["gain_data"] = gain_data
    obj["card"]["calibration"] = calib
    checkpoint.save(output, {k: v for k, v in obj.items() if k not in ("format", "format_version")})
    return calib
