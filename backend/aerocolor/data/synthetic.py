"""Deterministic synthetic aerial scenes: fields, roads, roofs, water and trees.

They give tests and quick trials a colour signal that depends on local texture and
shape (as in real aerial photos) without shipping or downloading imagery.
"""
from __future__ import annotations

import numpy as np

FIELD_COLOURS = np.array([[0.42, 0.55, 0.22], [0.65, 0.62, 0.30], [0.55, 0.42, 0.26],
                          [0.30, 0.45, 0.18], [0.72, 0.68, 0.45]], np.float32)
ROOF_COLOURS = np.array([[0.70, 0.25, 0.18], [0.55, 0.55, 0.58], [0.80, 0.45, 0.25],
                         [0.35, 0.38, 0.45]], np.float32)
WATER = np.array([0.12, 0.25, 0.38], np.float32)
ROAD = np.array([0.50, 0.50, 0.50], np.float32)
TREE = np.array([0.12, 0.30, 0.10], np.float32)


def scene(height: int, width: int, seed: int) -> np.ndarray:
    """One synthetic colour scene, float32 (H, W, 3) in [0, 1]."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.empty((height, width, 3), np.float32)

    # Fields: a jittered grid of rectangles, each with its own crop colour and row texture.
    cell = max(16, int(min(height, width) / rng.uniform(2.0, 4.0)))
    for y0 in range(0, height, cell):
        for x0 in range(0, width, cell):
            c = FIELD_COLOURS[rng.integers(len(FIELD_COLOURS))] * rng.uniform(0.85, 1.15)
            period, angle = rng.uniform(3.0, 9.0), rng.uniform(0, np.pi)
            ys, xs = slice(y0, y0 + cell), slice(x0, x0 + cell)
            rows = np.sin((xx[ys, xs] * np.cos(angle) + yy[ys, xs] * np.sin(angle)) * 2 * np.pi / period)
            img[ys, xs] = c * (1.0 + 0.08 * rows[..., None])

    # Water: a smooth blob from a few Gaussian bumps.
    if rng.random() < 0.7:
        field = np.zeros((height, width), np.float32)
        for _ in range(3):
            cy, cx = rng.uniform(0, height), rng.uniform(0, width)
            r = rng.uniform(0.1, 0.25) * min(height, width)
            field += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
        water = field > 0.8
        img[water] = WATER * (1.0 + 0.05 * np.sin(xx[water] * 0.7))[:, None]

    # Roads: straight strips across the scene.
    for _ in range(int(rng.integers(1, 4))):
        angle, offset = rng.uniform(0, np.pi), rng.uniform(-0.3, 0.3) * max(height, width)
        d = (xx - width / 2) * np.sin(angle) - (yy - height / 2) * np.cos(angle) - offset
        img[np.abs(d) < rng.uniform(2.0, 5.0)] = ROAD

    # Roofs: rectangles with a darker half, as sunlit and shaded slopes.
    for _ in range(int(rng.integers(3, 10))):
        h, w = int(rng.integers(6, 20)), int(rng.integers(6, 20))
        y0, x0 = int(rng.integers(0, max(1, height - h))), int(rng.integers(0, max(1, width - w)))
        c = ROOF_COLOURS[rng.integers(len(ROOF_COLOURS))]
        img[y0:y0 + h, x0:x0 + w] = c
        img[y0 + h // 2:y0 + h, x0:x0 + w] = c * 0.75

    # Trees: clusters of round crowns, lit from one side.
    for _ in range(int(rng.integers(2, 6))):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        for _ in range(int(rng.integers(5, 20))):
            ty, tx = cy + rng.normal(0, 10), cx + rng.normal(0, 10)
            r = rng.uniform(2.5, 6.0)
            y0, y1 = max(0, int(ty - r)), min(height, int(ty + r) + 1)
            x0, x1 = max(0, int(tx - r)), min(width, int(tx + r) + 1)
            if y0 >= y1 or x0 >= x1:
                continue
            dy, dx = yy[y0:y1, x0:x1] - ty, xx[y0:y1, x0:x1] - tx
            crown = dy * dy + dx * dx <= r * r
            shade = (1.0 + 0.35 * (dx - dy) / (2 * r))[..., None]
            patch = img[y0:y1, x0:x1]
            patch[crown] = (TREE * shade)[crown]

    img += rng.normal(0, 0.015, img.shape).astype(np.float32)
    return np.clip(img, 0.0, 1.0)
