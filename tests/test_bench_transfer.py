"""scripts/bench_transfer.py's scoring on synthetic arrays (the IGN frames are not in CI)."""
from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def bt():
    spec = importlib.util.spec_from_file_location("bench_transfer", os.path.join(REPO, "scripts", "bench_transfer.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _scene(seed: int = 0, side: int = 64) -> np.ndarray:
    """A smooth, in-gamut colour image: green and brown fields with some texture."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side] / side
    base = np.stack([0.35 + 0.2 * x, 0.45 + 0.15 * y, 0.25 + 0.1 * x * y], -1)
    return np.clip(base + rng.normal(0, 0.03, base.shape), 0.05, 0.95).astype(np.float32)


def test_grey_copy_and_truth(bt):
    from aerocolor.data.layout import grey_of
    from aerocolor.metrics.baselines import grey_copy

    truth = _scene()
    grey = grey_of(truth)
    s = bt.score_scene(truth, grey, {"copy": grey_copy(grey), "oracle": truth.copy()})
    assert s["grey"]["ratio"] == 1.0 and s["copy"]["ratio"] == 1.0
    assert s["copy"]["ciede2000"] == s["grey"]["ciede2000"] > 0
    assert s["oracle"]["ciede2000"] == pytest.approx(0.0, abs=1e-9)
    assert s["oracle"]["ratio"] == pytest.approx(0.0, abs=1e-9)
    assert s["oracle"]["chroma_ratio"] == 1.0
    assert s["oracle"]["psnr"] == float("inf")
    assert s["grey"]["chroma_ratio"] < 0.01


def test_flat_baseline_is_the_truths_mean_ab(bt):
    from aerocolor.data.layout import grey_of
    from aerocolor.metrics.baselines import constant_colour, mean_ab
    from aerocolor.metrics.paired import ciede2000, psnr
    from skimage.color import rgb2lab

    truth = _scene(1)
    grey = grey_of(truth)
    s = bt.score_scene(truth, grey)
    ab = mean_ab([truth])
    assert s["flat_ab"] == pytest.approx([float(v) for v in ab], abs=1e-6)
    flat = constant_colour(grey, ab)
    assert s["flat"]["ciede2000"] == ciede2000(flat, truth)
    assert s["flat"]["psnr"] == psnr(flat, truth)
    # The flat image carries the truth's mean colour (within the two Lab implementations' agreement).
    assert rgb2lab(flat.astype(np.float64))[..., 1:].reshape(-1, 2).mean(0) == pytest.approx(ab, abs=1.0)
    assert s["flat"]["ratio"] < 1.0


def test_summary_and_targets(bt):
    from aerocolor.data.layout import grey_of
    from aerocolor.metrics.baselines import grey_copy

    scores, labels = [], []
    for i in range(2):
        truth = _scene(i)
        grey = grey_of(truth)
        scores.append(bt.score_scene(truth, grey, {"m": grey_copy(grey)}))
        labels.append(f"scene {i}")
    ov = bt.summarize(scores, labels, "m")
    assert ov["m"]["ratio"] == 1.0 and ov["worst"]["ratio"] == 1.0 and ov["ratio_of_means"] == 1.0
    met = [c["met"] for c in bt.targets(ov, scores, "m")]
    assert met == [False, True, False]  # 1.0 > 0.8; no scene above 1.0; a grey copy has no chroma
    table = bt.format_table("m, clean", [(lab, 1.0, s) for lab, s in zip(labels, scores)], "m", [("overall", ov)])
    assert table.count("\n| ") == 4 and "| **overall** |" in table


def test_crops_are_seeded_and_a_prefix(bt):
    draw = lambda k: bt.crop_positions(1000, 800, 128, k, np.random.default_rng([0, 7]))  # noqa: E731
    three = draw(3)
    assert draw(2) == three[:2] and draw(3) == three
    assert all(0 <= y <= 1000 - 128 and 0 <= x <= 800 - 128 for y, x in three)


def test_ign_table_parsing(bt, tmp_path):
    (tmp_path / "README.md").write_text(
        "| site | date | film | scale 1: | res m/px (missions file) | pixels | file |\n"
        "|---|---|---|---|---|---|---|\n"
        "| ? | 2008-08-30 | colour | ? | ? | 10x5 | a.jpg |\n"
        "| Montbard | 1978-07__C | grey | 17523 | 1.27 | 5000x5265 | b.jpg |\n"
        "| Montbard | 2010-07-08 | colour | ? | 0.75 | 7256x5450 | c.jpg |\n"
        "| Vincennes | 1990-07-25 | colour | 14813 | 1.26 | 4253x4609 | d.jpg |\n", encoding="utf-8")
    rows = bt.read_ign_table(str(tmp_path))
    assert [r["file"] for r in rows] == ["b.jpg", "c.jpg", "d.jpg"]
    assert rows[0]["year"] == 1978 and rows[0]["date"] == "1978-07" and rows[1]["scale"] is None
    assert [r["file"] for r in bt.select(rows, "all", "colour", bt.parse_years("2000-2011"))] == ["c.jpg"]
    assert [r["file"] for r in bt.select(rows, "Vincennes", "colour")] == ["d.jpg"]
    # A model's held-out frames by name: place-year, or the file's stem.
    assert [r["file"] for r in bt.select(rows, "all", "colour", None, ["montbard-2010", "d"])] == ["c.jpg", "d.jpg"]
    assert bt.select(rows, "all", "colour", None, ["montbard-1978"]) == []  # a grey frame is no colour scene
