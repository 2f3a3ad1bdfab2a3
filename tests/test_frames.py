"""Scanned survey frames: the picture inside the border, per-frame m/px, multi-scale tiles, splits, CLI.

Every frame here is synthetic, drawn in the test: a black border, white fiducial crosses, a data
strip with a clock and counters, lens fall-off, and a textured scene as the picture.
"""
import json
import os

import numpy as np
import pytest

from aerocolor import cli
from aerocolor.data.datasets import PairedDataset
from aerocolor.data.frames import FramesConfig, build_frames, frame_picture_area, picture_area
from aerocolor.data.layout import save_png
from aerocolor.data.synthetic import scene
from aerocolor.errors import BadInput
from conftest import run_cli

PICTURE = (90, 70, 810, 590)       # x0, y0, x1, y1 of the picture in the 900x700 frame below
STRIP = (60, 615, 840, 690)        # the data strip along the bottom edge


def _cross(img, cx, cy, arm=18, half=1, value=1.0):
    img[cy - half:cy + half + 1, cx - arm:cx + arm + 1] = value
    img[cy - arm:cy + arm + 1, cx - half:cx + half + 1] = value


def film_frame(seed=0, colour=True, size=(700, 900), picture=PICTURE):
    """A synthetic scanned film frame (H, W, 3) or (H, W, 1) float in [0, 1] and its marks' boxes."""
    h, w = size
    x0, y0, x1, y1 = picture
    rng = np.random.default_rng(seed)
    frame = np.zeros((h, w, 3), np.float32) + rng.uniform(0, 0.02, (h, w, 1)).astype(np.float32)  # dark, grainy
    pic = scene(y1 - y0, x1 - x0, seed)
    yy, xx = np.mgrid[0:y1 - y0, 0:x1 - x0]
    r2 = ((yy / (y1 - y0) - 0.5) ** 2 + (xx / (x1 - x0) - 0.5) ** 2) / 0.5
    pic = pic * (1.0 - 0.3 * r2)[..., None]  # lens fall-off towards the corners
    frame[y0:y1, x0:x1] = pic
    marks = []
    # Fiducial crosses in the corners, one with an arm reaching into the picture's corner.
    for cx, cy in ((45, 35), (w - 45, 35), (45, h - 35), (w - 45, h - 35)):
        _cross(frame, cx, cy)
        marks.append((cx - 18, cy - 18, cx + 19, cy + 19))
    frame[y0 - 12:y0 + 2, x0 - 1:x0 + 2] = 1.0  # a thin mark touching the picture's top-left corner
    # Edge fiducials midway along the sides, in the border.
    for cx, cy in ((w // 2, 30), (25, h // 2), (w - 25, h // 2)):
        _cross(frame, cx, cy, arm=10)
        marks.append((cx - 10, cy - 10, cx + 11, cy + 11))
    # The data strip: a clock face with hands, counters, a bubble level, text-like bars.
    sx0, sy0, sx1, sy1 = STRIP
    cyc, cxc, rad = (sy0 + sy1) // 2, sx0 + 40, 28
    ring = np.abs(np.hypot(*np.mgrid[sy0:sy1, sx0:sx0 + 80] - np.array([cyc, cxc])[:, None, None]) - rad) < 2
    frame[sy0:sy1, sx0:sx0 + 80][ring] = 0.9
    frame[cyc - 1:cyc + 2, cxc:cxc + 20] = 0.9
    frame[cyc - 22:cyc, cxc - 1:cxc + 2] = 0.9
    for i in range(14):  # digits of a counter
        x = sx0 + 140 + i * 22
        frame[sy0 + 20:sy0 + 55, x:x + 12] = 0.8 if i % 3 else 0.6
        frame[sy0 + 30:sy0 + 45, x + 3:x + 9] = 0.0
    frame[sy0 + 15:sy0 + 60, sx1 - 120:sx1 - 60] = 0.7  # a bright level vial
    marks.append(STRIP)
    if not colour:
        frame = (frame @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return np.clip(frame, 0, 1), marks


def _save(path, img):
    save_png(str(path), img)
    return str(path)


def _intersects(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("colour", [True, False])
def test_picture_area_excludes_border_marks_and_data_strip(colour):
    frame, marks = film_frame(seed=1, colour=colour)
    tight = picture_area(frame, margin=0.0)
    assert all(abs(a - b) <= 3 for a, b in zip(tight, PICTURE)), (tight, PICTURE)
    assert PICTURE[0] <= tight[0] and PICTURE[1] <= tight[1] and tight[2] <= PICTURE[2] and tight[3] <= PICTURE[3]
    box = picture_area(frame)  # the default margin keeps marks just inside the border out
    assert PICTURE[0] <= box[0] < box[2] <= PICTURE[2] and PICTURE[1] <= box[1] < box[3] <= PICTURE[3]
    assert box[2] - box[0] > 0.9 * (PICTURE[2] - PICTURE[0])
    assert not any(_intersects(box, m) for m in marks)


def test_picture_area_of_a_large_frame_file_is_found_on_a_reduced_copy(tmp_path):
    frame, _ = film_frame(seed=2)
    big = np.repeat(np.repeat(frame, 2, 0), 2, 1)  # 1800x1400: read and searched reduced
    path = _save(tmp_path / "frame.png", big)
    box = frame_picture_area(path, margin=0.0)
    assert all(abs(a - 2 * b) <= 6 for a, b in zip(box, PICTURE)), box


def test_all_black_frame_is_refused_with_a_sentence(tmp_path):
    with pytest.raises(BadInput, match="No picture area was found.*--crop"):
        picture_area(np.zeros((400, 500), np.uint8))
    # Through the CLI: exit code 2, one sentence, nothing written.
    black = _save(tmp_path / "black.png", np.zeros((300, 400, 3), np.float32))
    out = tmp_path / "set"
    code = cli._main(["dataset", "--frames", black, "--gsd", "1", "--tile", "32", "--out", str(out)])
    assert code == 2 and not out.exists()


def _framed_set(tmp_path, name, frames, **kw):
    cfg = FramesConfig(out=str(tmp_path / name), **kw)
    return build_frames(frames, [], cfg), cfg


def test_tiles_at_each_scale_match_a_direct_resample(tmp_path):
    frame, _ = film_frame(seed=3)
    src = (frame * 255 + 0.5).astype(np.uint8)
    path = _save(tmp_path / "f.png", src)
    man, cfg = _framed_set(tmp_path, "ms", [path], tile=64, gsd=0.5, scales=[0.25, 0.5, 1.0, 2.0],
                           crop=list(PICTURE), val_fraction=0, test_fraction=0)
    assert man["kind"] == "frames" and man["scales"] == [0.5, 1.0, 2.0] and man["gsd"] is None
    note = man["sources"][0]["scales_skipped"]
    assert [n["gsd"] for n in note] == [0.25] and "finer" in note[0]["reason"]
    assert man["sources"][0]["picture_area"] == list(PICTURE)
    by_gsd = {}
    for t in man["tiles"]:
        by_gsd.setdefault(t["gsd"], []).append(t)
    assert set(by_gsd) == {0.5, 1.0, 2.0}
    from PIL import Image

    for gsd, factor in ((0.5, 1), (1.0, 2), (2.0, 4)):
        t = by_gsd[gsd][len(by_gsd[gsd]) // 2]
        x, y, w, h = t["window"]
        assert (w, h) == (64 * factor, 64 * factor)
        assert PICTURE[0] <= x and x + w <= PICTURE[2] and PICTURE[1] <= y and y + h <= PICTURE[3]
        x, y = int(x), int(y)
        expect = src[y:y + 64 * factor, x:x + 64 * factor].astype(np.float64)
        expect = expect.reshape(64, factor, 64, factor, 3).mean((1, 3))
        got = np.asarray(Image.open(os.path.join(cfg.out, "train", "B", t["id"] + ".png")), np.float64)
        assert np.abs(got - expect).max() <= 1.0, gsd
        grey = np.asarray(Image.open(os.path.join(cfg.out, "train", "A", t["id"] + ".png")), np.float64)
        assert np.abs(grey - got @ np.array([0.299, 0.587, 0.114])).max() <= 1.5
    ds = PairedDataset(cfg.out, "train", 64, augment=None)
    assert len(ds) == len(man["tiles"])


def test_whole_frames_and_groups_go_to_one_split(tmp_path):
    paths = [_save(tmp_path / f"f{i}.png", film_frame(seed=10 + i)[0]) for i in range(5)]
    man, _ = _framed_set(tmp_path, "named", paths, tile=64, gsd=1.0, crop=list(PICTURE), split_by="frame",
                         val_frames=["f1"], test_frames=["f3.png"])
    split_of = {}
    for t in man["tiles"]:
        split_of.setdefault(t["source"], set()).add(t["split"])
    assert split_of == {0: {"train"}, 1: {"val"}, 2: {"train"}, 3: {"test"}, 4: {"train"}}
    # Unnamed: a seeded share of the frames, still each whole.
    man, _ = _framed_set(tmp_path, "shared", paths, tile=64, gsd=1.0, crop=list(PICTURE), split_by="frame",
                         val_fraction=0.2, test_fraction=0.2, seed=5)
    split_of = {}
    for t in man["tiles"]:
        split_of.setdefault(t["source"], set()).add(t["split"])
    assert all(len(s) == 1 for s in split_of.values())
    assert sorted(s.pop() for s in split_of.values()) == ["test", "train", "train", "train", "val"]
    # Groups from a frame table: the frames of a named group go together.
    table = tmp_path / "frames.csv"
    table.write_text("file,gsd,group\n" + "".join(f"f{i}.png,1.0,{'north' if i < 2 else 'south'}\n"
                                                  for i in range(5)))
    man, _ = _framed_set(tmp_path, "groups", paths, tile=64, crop=list(PICTURE), split_by="group",
                         frame_table=str(table), test_frames=["north"])
    assert {t["split"] for t in man["tiles"] if t["source"] < 2} == {"test"}
    assert {t["split"] for t in man["tiles"] if t["source"] >= 2} == {"train"}
    assert man["sources"][0]["group"] == "north" and man["sources"][0]["gsd_from"] == "frame table"


def test_block_splits_keep_the_same_ground_in_one_split_at_every_scale(tmp_path):
    path = _save(tmp_path / "f.png", film_frame(seed=4)[0])
    man, _ = _framed_set(tmp_path, "blocks", [path], tile=32, gsd=0.5, scales=[0.5, 1.0, 2.0],
                         crop=list(PICTURE), block_m=80.0, val_fraction=0.3, test_fraction=0.3, seed=2)
    tiles = man["tiles"]
    assert {t["split"] for t in tiles} == {"train", "val", "test"} and len({t["gsd"] for t in tiles}) == 3
    assert man["block_m"] == 80.0

    def ground(t):
        x, y, w, h = t["window"]
        return (x * 0.5, y * 0.5, (x + w) * 0.5, (y + h) * 0.5)

    overlapping_scales = 0
    for a in tiles:
        for b in tiles:
            if _intersects(ground(a), ground(b)):
                assert a["split"] == b["split"], (a, b)   # no ground is in two splits, whatever the scale
                overlapping_scales += a["gsd"] != b["gsd"]
    assert overlapping_scales > 0


def test_frame_table_gsd_crop_and_historical_set(tmp_path):
    colour = _save(tmp_path / "c.png", film_frame(seed=6)[0])
    grey = _save(tmp_path / "g.png", film_frame(seed=7, colour=False)[0])
    table = tmp_path / "t.csv"
    table.write_text('file,gsd,crop\nc.png,0.8,"90,70,810,590"\ng.png,1.2,\n')
    man, cfg = _framed_set(tmp_path, "tab", [], tile=64, frame_table=str(table), scales=[1.2, 2.4])
    roles = {os.path.basename(s["path"]): s for s in man["sources"]}
    assert roles["c.png"]["role"] == "pairs" and roles["g.png"]["role"] == "historical"
    assert roles["c.png"]["picture_area"] == list(PICTURE) and roles["c.png"]["picture_area_from"] == "frame table"
    assert roles["g.png"]["picture_area_from"] == "detected"
    hist = [t for t in man["tiles"] if t["split"] == "historical"]
    assert hist and man["counts"]["historical"] == len(hist)
    assert all(os.path.isfile(os.path.join(cfg.out, "historical", t["id"] + ".png")) for t in hist)
    assert not os.path.exists(os.path.join(cfg.out, "train", "A", hist[0]["id"] + ".png"))
    with pytest.raises(BadInput, match="grey frame.*--historical"):
        build_frames([grey], [], FramesConfig(out=str(tmp_path / "x"), gsd=1.0, tile=64))


def test_cli_end_to_end_writes_a_set_the_trainer_opens(tmp_path):
    a = _save(tmp_path / "a.png", film_frame(seed=8)[0])
    b = _save(tmp_path / "b.png", film_frame(seed=9)[0])
    g = _save(tmp_path / "old.png", film_frame(seed=10, colour=False)[0])
    out = str(tmp_path / "set")
    res = run_cli("--events", "jsonl", "dataset", "--frames", a, b, "--historical", g, "--gsd", "0.6",
                  "--scales", "0.6,1.2", "--tile", "64", "--split-by", "frame", "--val-frames", "b",
                  "--out", out, timeout=300)
    assert res.returncode == 0, res.stderr
    events = [json.loads(line) for line in res.stdout.splitlines()]
    assert events[-1]["type"] == "result" and events[-1]["outputs"]["dataset"] == out
    with open(os.path.join(out, "manifest.json")) as fh:
        man = json.load(fh)
    assert man["counts"]["train"] > 0 and man["counts"]["val"] > 0 and man["counts"]["historical"] > 0
    assert {t["gsd"] for t in man["tiles"]} == {0.6, 1.2}
    train = PairedDataset(out, "train", 64, augment=None)
    item = train[0]
    assert item["A"].shape == (1, 64, 64) and item["B"].shape == (3, 64, 64)
    assert len(PairedDataset(out, "val", 64, augment=None)) == man["counts"]["val"]


@pytest.mark.parametrize("extra, match", [
    ([], "ground resolution of a.png is unknown"),
    (["--gsd", "1", "--scales", ","], "--scales lists no ground resolution"),
    (["--gsd", "1", "--scales", "0.5"], "No frame can give a tile"),
    (["--gsd", "1", "--crop", "10,10,5,5"], "X1 > X0"),
    (["--gsd", "1", "--val-frames", "zzz"], "names no colour frame"),
])
def test_cli_bad_frame_input_is_one_sentence_and_writes_nothing(tmp_path, capsys, extra, match):
    a = _save(tmp_path / "a.png", film_frame(seed=11)[0])
    out = tmp_path / "set"
    code = cli._main(["dataset", "--frames", a, "--tile", "64", "--out", str(out), *extra])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not out.exists()
    assert len(err) == 1 and match in err[0], err
