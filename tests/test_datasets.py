"""Dataset layouts, the dataset builder (tiles, spatial splits, manifest) and augmentation."""
import json
import os

import numpy as np
import pytest
import torch

from aerocolor.data.build import DatasetConfig, build_dataset, build_synthetic
from aerocolor.data.datasets import Augment, PairedDataset, UnpairedDataset, detect_layout, open_dataset
from aerocolor.data.synthetic import scene
from aerocolor.errors import BadInput
from conftest import write_geotiff


@pytest.mark.parametrize("layout", ["aligned", "pairs", "unpaired"])
def test_synthetic_sets_in_every_layout_load(tmp_path, layout):
    out = str(tmp_path / layout)
    man = build_synthetic(12, DatasetConfig(out=out, tile=32, layout=layout, seed=3))
    assert detect_layout(out) == layout
    assert sum(man["counts"].values()) == 12
    ds = open_dataset(out, "train", 32, paired=layout != "unpaired", augment=Augment(), seed=0)
    item = ds[0]
    assert item["A"].shape == (1, 32, 32) and item["B"].shape == (3, 32, 32)
    assert 0.0 <= float(item["A"].min()) and float(item["B"].max()) <= 1.0
    if layout != "unpaired":
        # Grey A is the luma of colour B (BT.601), pixel for pixel.
        luma = (item["B"] * torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)).sum(0)
        assert torch.allclose(item["A"][0], luma, atol=2.5 / 255)


def test_synthetic_scenes_are_deterministic_and_varied():
    a, b, c = scene(64, 64, 5), scene(64, 64, 5), scene(64, 64, 6)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.std() > 0.05


def _colour_raster(tmp_path, name="ortho.tif", dtype=np.uint8, size=(256, 320)):
    img = scene(size[0], size[1], 11)
    if dtype == np.uint16:
        arr = (img * 4000 + 300).astype(np.uint16)
    else:
        arr = (img * 255 + 0.5).astype(np.uint8)
    return write_geotiff(str(tmp_path / name), np.moveaxis(arr, -1, 0)), img


def test_raster_tiles_carry_georeferencing_and_splits_follow_blocks(tmp_path):
    src, _ = _colour_raster(tmp_path)
    out = str(tmp_path / "set")
    man = build_dataset([src], DatasetConfig(out=out, tile=32, stride=16, layout="pairs", block=2,
                                             val_fraction=0.25, test_fraction=0.25, seed=4))
    assert man["gsd"] == pytest.approx(0.1)
    assert man["sources"][0]["crs_authid"] == "EPSG:32617"
    assert {t["split"] for t in man["tiles"]} == {"train", "val", "test"}
    t0 = man["tiles"][0]
    x, y = t0["window"][:2]
    assert t0["bounds"] == pytest.approx([500000 + x * 0.1, 3300000 - (y + 32) * 0.1,
                                          500000 + (x + 32) * 0.1, 3300000 - y * 0.1])
    # Tiles of different splits never overlap (stride < tile made overlap possible).
    boxes = [(t["split"], t["window"]) for t in man["tiles"]]
    for s1, (x1, y1, w, h) in boxes:
        for s2, (x2, y2, _, _) in boxes:
            if s1 != s2:
                assert abs(x1 - x2) >= w or abs(y1 - y2) >= h
    assert man["skipped"]["straddles_split"] > 0
    with open(os.path.join(out, "manifest.json")) as fh:
        assert json.load(fh)["counts"] == man["counts"]


def test_split_is_stable_between_runs(tmp_path):
    src, _ = _colour_raster(tmp_path)
    cfg = dict(tile=32, layout="pairs", block=2, val_fraction=0.3, test_fraction=0.3, seed=9)
    m1 = build_dataset([src], DatasetConfig(out=str(tmp_path / "a"), **cfg))
    m2 = build_dataset([src], DatasetConfig(out=str(tmp_path / "b"), **cfg))
    assert [t["split"] for t in m1["tiles"]] == [t["split"] for t in m2["tiles"]]


def test_16bit_sources_are_stretched_by_recorded_percentiles(tmp_path):
    src, img = _colour_raster(tmp_path, dtype=np.uint16)
    man = build_dataset([src], DatasetConfig(out=str(tmp_path / "s16"), tile=64, layout="aligned"))
    lo, hi = man["sources"][0]["stretch_limits"]
    raw = (img * 4000 + 300).astype(np.uint16)
    assert lo == pytest.approx(np.percentile(raw, 0.5)) and hi == pytest.approx(np.percentile(raw, 99.5))
    assert man["sources"][0]["dtype"] == "UInt16"
    ds = PairedDataset(str(tmp_path / "s16"), "train", 64, augment=None)
    assert float(ds[0]["B"].max()) <= 1.0 and float(ds[0]["B"].std()) > 0.05


def test_nodata_and_blank_tiles_are_skipped_and_counted(tmp_path):
    arr = (np.moveaxis(scene(64, 128, 2), -1, 0) * 255).astype(np.uint8)
    arr[:, :, 64:] = 0
    src = write_geotiff(str(tmp_path / "nd.tif"), arr, nodata=0)
    man = build_dataset([src], DatasetConfig(out=str(tmp_path / "o"), tile=32, layout="pairs"))
    assert len(man["tiles"]) == 4
    assert man["skipped"]["blank_or_nodata"] == 4


def test_augmentation_depends_only_on_seed_epoch_and_index(synthetic_pairs):
    ds = PairedDataset(synthetic_pairs, "train", 48, augment=Augment(), seed=1)
    ds.epoch = 3
    a = ds[2]
    ds.epoch = 4
    b = ds[2]
    ds.epoch = 3
    c = ds[2]
    assert torch.equal(a["A"], c["A"]) and torch.equal(a["B"], c["B"])
    assert not torch.equal(a["B"], b["B"])
    assert a["A"].shape == (1, 48, 48)


def test_unpaired_set_draws_colour_independently(tmp_path):
    out = str(tmp_path / "u")
    build_synthetic(6, DatasetConfig(out=out, tile=32, layout="unpaired"))
    ds = UnpairedDataset(out, "train", 32, augment=Augment(), seed=0)
    assert len(ds) == 6
    with pytest.raises(BadInput, match="unpaired"):
        PairedDataset(out, "train", 32)


def test_dataset_refuses_to_overwrite(tmp_path):
    out = str(tmp_path / "x")
    build_synthetic(2, DatasetConfig(out=out, tile=32))
    with pytest.raises(BadInput, match="already holds files"):
        build_synthetic(2, DatasetConfig(out=out, tile=32))


def test_stated_gsd_and_small_sources(tmp_path):
    from aerocolor.data.imageio import save_png

    big, small = str(tmp_path / "big.png"), str(tmp_path / "small.png")
    save_png(big, scene(96, 96, 1))
    save_png(small, scene(40, 40, 2))
    man = build_dataset([big, small], DatasetConfig(out=str(tmp_path / "o"), tile=48, gsd=0.1))
    assert man["gsd"] == 0.1 and man["sources"][0]["gsd_stated"] is True
    assert man["skipped"]["sources_smaller_than_a_tile"] == 1 and len(man["tiles"]) == 4
    with pytest.raises(BadInput, match="smaller than one tile"):
        build_dataset([small], DatasetConfig(out=str(tmp_path / "p"), tile=48))


def test_merged_datasets_keep_every_split_and_repeat_only_training_tiles(tmp_path):
    from aerocolor.data.merge import merge_datasets
    from conftest import run_cli

    src, img = _colour_raster(tmp_path)
    coarse = write_geotiff(str(tmp_path / "coarse.tif"), np.moveaxis((img * 255 + 0.5).astype(np.uint8), -1, 0),
                           geotransform=(500000.0, 0.5, 0.0, 3300000.0, 0.0, -0.5))
    a = build_dataset([coarse], DatasetConfig(out=str(tmp_path / "a"), tile=32, block=1, val_fraction=0.2,
                                              test_fraction=0.2, seed=3))
    b = build_dataset([src], DatasetConfig(out=str(tmp_path / "b"), tile=64, block=1, val_fraction=0.3,
                                           test_fraction=0.3, seed=1))
    res = run_cli("dataset", "--merge", str(tmp_path / "a"), str(tmp_path / "b"), "--repeats", "1,3",
                  "--out", str(tmp_path / "m"))
    assert res.returncode == 0, res.stderr[-2000:]
    man = json.load(open(tmp_path / "m" / "manifest.json"))
    for split in ("val", "test"):  # nothing held out moves, nothing is repeated there
        assert man["counts"][split] == a["counts"][split] + b["counts"][split]
    assert man["counts"]["train"] == a["counts"]["train"] + 3 * b["counts"]["train"]
    assert man["scales"] == sorted({0.5, b["gsd"]}) and b["gsd"] != 0.5 and man["gsd"] is None
    # Each merged tile is the very file of its part, and opens for training.
    t = next(t for t in man["tiles"] if t["part"] == 1 and t["split"] == "test")
    orig = t["id"][len("p1_"):]
    with open(tmp_path / "m" / "test" / "B" / f"{t['id']}.png", "rb") as fh, \
            open(tmp_path / "b" / "test" / "B" / f"{orig}.png", "rb") as gh:
        assert fh.read() == gh.read()
    ds = open_dataset(str(tmp_path / "m"), "train", 32, paired=True, augment=Augment(), seed=0)
    assert len(ds) == man["counts"]["train"] and ds[len(ds) - 1]["B"].shape == (3, 32, 32)
    # Bad input: one sentence, nothing written.
    with pytest.raises(BadInput, match="--repeats needs one whole number"):
        merge_datasets([str(tmp_path / "a"), str(tmp_path / "b")], str(tmp_path / "m2"), [1])
    with pytest.raises(BadInput, match="has no manifest"):
        merge_datasets([str(tmp_path / "a"), str(tmp_path)], str(tmp_path / "m3"))
    with pytest.raises(BadInput, match="not empty"):
        merge_datasets([str(tmp_path / "a"), str(tmp_path / "b")], str(tmp_path / "m"))
    assert not (tmp_path / "m2").exists() and not (tmp_path / "m3").exists()
