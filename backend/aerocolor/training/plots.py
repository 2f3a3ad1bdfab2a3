"""Pictures of a run: sample grids (input | output | target) and the loss plot."""
from __future__ import annotations

import os
from typing import Dict, List, Optional

import numpy as np
import torch

from aerocolor.data.imageio import save_png


def sample_grid(path: str, grey: torch.Tensor, out: torch.Tensor, target: Optional[torch.Tensor],
                max_rows: int = 4) -> str:
    """One row per tile: grey input, colorized output and (when known) the true colour."""
    rows = []
    n = min(max_rows, grey.size(0))
    for i in range(n):
        cells = [grey[i].expand(3, -1, -1), out[i]] + ([target[i]] if target is not None else [])
        sep = torch.ones(3, grey.size(2), 2)
        parts = []
        for c in cells:
            parts += [c.detach().float().cpu().clamp(0, 1), sep]
        rows.append(torch.cat(parts[:-1], 2))
        rows.append(torch.ones(3, 2, rows[-1].size(2)))
    grid = torch.cat(rows[:-1], 1).permute(1, 2, 0).numpy()
    labels = ["grey input", "colorized", "true colour"][: 2 + (target is not None)]
    grid = np.concatenate([_header(labels, grey.size(3), 2, grid.shape[1]), grid], 0)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    save_png(path, grid.astype(np.float32))
    return path


def _header(labels: List[str], cell: int, sep: int, width: int, height: int = 16) -> np.ndarray:
    """A white band naming each column of a sample grid, (height, width, 3) in [0, 1]."""
    from PIL import Image, ImageDraw

    band = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(band)
    for i, text in enumerate(labels):
        left = i * (cell + sep)
        w = draw.textlength(text)
        draw.text((left + max(0, (cell - w) / 2), 2), text, fill=(40, 40, 40))
    return np.asarray(band, np.float32) / 255.0


def loss_plot(path: str, history: List[Dict]) -> Optional[str]:
    """Each loss per epoch (generator and discriminator apart), validation L1 on its own axis."""
    if not history:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    names = sorted({k for h in history for k in h.get("losses", {})})
    groups = [("generator", [n for n in names if not n.startswith("D")]),
              ("discriminator", [n for n in names if n.startswith("D")])]
    has_val = any(h.get("val") for h in history)
    fig, axes = plt.subplots(1, 2 + has_val, figsize=(5 * (2 + has_val), 3.6))
    for ax, (title, keys) in zip(axes, groups):
        for k in keys:
            ax.plot(epochs, [h["losses"].get(k, np.nan) for h in history], label=k, marker=".")
        ax.set_title(f"{title} losses")
        ax.set_xlabel("epoch")
        if keys:
            ax.legend(fontsize=8)
    if has_val:
        ax = axes[-1]
        for k in sorted({k for h in history for k in (h.get("val") or {})}):
            ax.plot(epochs, [(h.get("val") or {}).get(k, np.nan) for h in history], label=k, marker=".")
        ax.set_title("validation")
        ax.set_xlabel("epoch")
        ax.legend(fontsize=8)
    return save_figure(fig, path, dpi=90)


def save_figure(fig, path: str, dpi: int = 90) -> str:
    """Lay out, save under a temporary name, rename, and free a matplotlib figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    tmp = path + ".part.png"
    fig.savefig(tmp, dpi=dpi)
    plt.close(fig)
    os.replace(tmp, path)
    return path
