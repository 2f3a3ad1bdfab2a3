"""Scanned survey frames as a dataset: find the picture, give it its m/px, tile it at several scales.

A scanned aerial film frame is more than the picture: a black (or uniform) border, fiducial
marks in the corners and on the edges, a data strip with a clock, counters and text along one
side. `picture_area` finds the axis-aligned rectangle of picture inside all that, on a reduced
grey copy:

1. pixels that look like border are the very dark ones, the dark and flat ones, and (when the
   frame's outer ring is uniform) the flat ones of the ring's level;
2. the border is what of those, once thin things are taken out, reaches the frame's edge (a dark
   field or a shadow inside the picture does not, so it stays picture);
3. the largest rectangle that holds no border pixel is shrunk by a margin, so that marks sitting
   just inside the border stay out. Text, a clock or a fiducial enclosed by the border are not
   border, but a rectangle cannot reach them without crossing it.

numpy only (scipy is an optional extra of the backend).

Frames carry no georeferencing, so each needs its ground resolution (m/px), from --gsd or a
frame table. Tiles are cut at the requested ground resolutions (downsampling only, by default)
and split by blocks of ground, measured in metres from the frame's corner, so the same ground at
two scales lands in the same block and split; or whole frames (or groups of frames) go to one
split. Colour frames become grey/colour pairs; grey frames can be written as a "historical" set
(historical/NAME.png), for looking at and for distribution metrics, never for training.
"""
from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from aerocolor.data.build import DatasetConfig, _check_out, _finish, _source_info
from aerocolor.data.imageio import gdal, read_raw, split_bands, to_unit
from aerocolor.data.layout import SPLITS, grey_of, save_image, split_of_block, tile_writer
from aerocolor.errors import BadInput

__all__ = ["FramesConfig", "Frame", "picture_area", "frame_picture_area", "read_frame_table", "parse_scales",
           "parse_box", "plan_frames", "build_frames"]

Box = Tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels; x1 and y1 exclusive

WORK_SIDE = 1024          # picture_area works on a copy with at most this many px on its longer side
MIN_SHARE = 0.2           # a picture area smaller than this share of the frame is refused
MARGIN = 0.02             # share of the found picture's width and height taken off each side
SPLIT_BY = ("block", "frame", "group")


# -- the picture inside a frame ---------------------------------------------------------
def _grey_unit(img: np.ndarray) -> np.ndarray:
    """Any (H, W[, C]) image to float32 grey in [0, 1] (8-bit /255, deeper data by percentiles)."""
    arr = img[:, :, None] if img.ndim == 2 else img
    bands, _alpha = split_bands(arr)
    unit, _ = to_unit(bands)
    return grey_of(unit)[:, :, 0] if unit.shape[2] == 3 else unit[:, :, 0]


def _reduce(g: np.ndarray, side: int) -> Tuple[np.ndarray, int]:
    """Block means of g so that its longer side is at most `side`; returns the copy and the factor."""
    k = max(1, math.ceil(max(g.shape) / side))
    if k == 1:
        return g, 1
    h, w = (g.shape[0] // k) * k, (g.shape[1] // k) * k
    return g[:h, :w].reshape(h // k, k, w // k, k).mean((1, 3), dtype=np.float32), k


def _box_sum(a: np.ndarray, size: int, pad: str = "edge") -> np.ndarray:
    """Sum over the size x size window around each pixel (size odd), through a summed-area table."""
    r = size // 2
    c = np.pad(a.astype(np.float64), r + 1, mode=pad).cumsum(0).cumsum(1)
    h, w = a.shape
    return (c[size:size + h, size:size + w] - c[:h, size:size + w] - c[size:size + h, :w] + c[:h, :w])


def _local_mean_std(g: np.ndarray, size: int) -> Tuple[np.ndarray, np.ndarray]:
    n = float(size * size)
    m = _box_sum(g, size) / n
    return m, np.sqrt(np.maximum(_box_sum(g * g, size) / n - m * m, 0.0))


def _open(mask: np.ndarray, size: int) -> np.ndarray:
    """Binary opening by a size x size square: what is thinner than the square goes."""
    eroded = _box_sum(mask, size) > size * size - 0.5
    return _box_sum(eroded, size, pad="constant") > 0.5


def _spread(seed: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Within each row, a run of mask pixels that holds a seed pixel becomes seed."""
    h, w = mask.shape
    m = np.zeros((h, w + 1), bool)
    m[:, :w] = mask
    flat = m.ravel()
    starts = flat.copy()
    starts[1:] &= ~flat[:-1]
    run = np.cumsum(starts) * flat            # run number of each mask pixel, 0 elsewhere
    hit = np.zeros(int(run.max()) + 1, bool)
    hit[run.reshape(h, w + 1)[:, :w][seed & mask]] = True
    hit[0] = False
    return hit[run].reshape(h, w + 1)[:, :w]


def _reconstruct(seed: np.ndarray, mask: np.ndarray, passes: int = 500) -> np.ndarray:
    """The pixels of mask connected (4-neighbours) to a seed pixel, by row and column sweeps."""
    cur = seed & mask
    for _ in range(passes):
        nxt = _spread(_spread(cur, mask).T, mask.T).T
        if np.array_equal(nxt, cur):
            break
        cur = nxt
    return cur


def border_mask(g: np.ndarray) -> np.ndarray:
    """True where the grey working copy g (float, [0, 1]) is frame border rather than picture."""
    g, _ = _local_mean_std(g, 3)  # JPEG ringing and film grain
    _, s = _local_mean_std(g, 5)
    # Black, dark and flat, or the white of an unexposed strip where the scan overshoots the film.
    like = (g < 0.045) | ((g < 0.09) & (s < 0.008)) | (g > 0.95)
    # A uniform border that is not black (a grey scanner bed): the level of a mostly flat outer
    # ring, and flat pixels near that level.
    r = max(2, round(0.015 * min(g.shape)))
    ring = np.ones(g.shape, bool)
    ring[r:-r, r:-r] = False
    if np.median(s[ring]) < 0.004:
        level = float(np.median(g[ring]))
        like |= (s < 0.006) & (np.abs(g - level) < 0.03)
    # Thin dark things (a shadowed hedge, a road in a dark wood, a scratch) are no border: without
    # them, the border cannot creep into the picture along a shadow that reaches it. Thin border
    # strips along the frame's edge stay.
    like = _open(like, 7) | (like & ring)
    # The border is the border-like stuff that reaches the ring along the frame's edge (a mark
    # may stand a pixel or two off the edge, behind a bright line where the scan ends). What it
    # encloses (text, a clock, a fiducial) is not border, but it is no part of the picture's
    # rectangle either: a rectangle of picture cannot reach it without crossing the border.
    border = _reconstruct(like & ring, like)
    # The smoothing above lifted the border's last pixel next to the picture: it is border too.
    return _box_sum(border, 3, pad="constant") > 0.5


def picture_mask(g: np.ndarray) -> np.ndarray:
    """True on the picture: everything that is not border."""
    return ~border_mask(g)


def largest_rectangle(mask: np.ndarray) -> Optional[Box]:
    """The largest axis-aligned all-True rectangle of a boolean mask, as (x0, y0, x1, y1); None if empty."""
    h, w = mask.shape
    heights = np.zeros(w, np.int64)
    best, box = 0, None
    for y in range(h):
        heights = np.where(mask[y], heights + 1, 0)
        if not heights.any():
            continue
        # Largest rectangle under the histogram `heights` (bars ending at row y), with a stack.
        stack: List[int] = []
        hs = heights.tolist() + [0]
        for x, hx in enumerate(hs):
            while stack and hs[stack[-1]] >= hx:
                height = hs[stack.pop()]
                left = stack[-1] + 1 if stack else 0
                if height * (x - left) > best:
                    best, box = height * (x - left), (left, y - height + 1, x, y + 1)
            stack.append(x)
    return box


def picture_area(img: np.ndarray, margin: float = MARGIN, name: str = "the frame") -> Box:
    """The picture inside a scanned film frame, as (x0, y0, x1, y1) pixels of `img` (x1, y1 exclusive).

    img: (H, W) or (H, W, C) image of any size (it is worked on reduced). margin: the share of the
    found width and height taken off each side. Raises BadInput when no picture is found.
    """
    g = _grey_unit(np.asarray(img))
    work, k = _reduce(g, WORK_SIDE)
    box = largest_rectangle(picture_mask(work))
    h, w = g.shape
    if box is None or (box[2] - box[0]) * (box[3] - box[1]) * k * k < MIN_SHARE * h * w:
        found = 0.0 if box is None else (box[2] - box[0]) * (box[3] - box[1]) * k * k / (h * w)
        raise BadInput(f"No picture area was found in {name} (the largest picture-like rectangle covers "
                       f"{found:.0%} of it); give its crop box with --crop X0,Y0,X1,Y1 or in the "
                       f"frame table's crop column.")
    # A side that reaches the frame's edge had no border to find (a digital frame, a tight crop):
    # it keeps a quarter of the margin, for the dirty last pixels of a scan.
    wh, ww = work.shape
    at_edge = (box[0] == 0, box[1] == 0, box[2] == ww, box[3] == wh)
    x0, y0, x1, y1 = (v * k for v in box)
    x1, y1 = w if at_edge[2] else min(x1, w), h if at_edge[3] else min(y1, h)
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    m = [(mx, my, mx, my)[i] * (0.25 if at_edge[i] else 1.0) for i in range(4)]
    return (int(math.ceil(x0 + m[0])), int(math.ceil(y0 + m[1])),
            int(math.floor(x1 - m[2])), int(math.floor(y1 - m[3])))


def _shrink_to(w: int, h: int) -> int:
    """read_raw's shrink_to that brings the longer side of a w x h image to about WORK_SIDE."""
    return max(16, int(WORK_SIDE * min(w, h) / max(w, h)) // 2)


def frame_picture_area(path: str, margin: float = MARGIN) -> Box:
    """picture_area of a frame file, in the file's own pixels; reads only a reduced copy."""
    ds = gdal.Open(path)
    w, h = ds.RasterXSize, ds.RasterYSize
    ds = None
    small = read_raw(path, shrink_to=_shrink_to(w, h))
    sx, sy = w / small.shape[1], h / small.shape[0]
    x0, y0, x1, y1 = picture_area(small, margin, name=os.path.basename(path))
    return (max(0, math.ceil(x0 * sx)), max(0, math.ceil(y0 * sy)),
            min(w, math.floor(x1 * sx)), min(h, math.floor(y1 * sy)))


# -- which frames, at which m/px ---------------------------------------------------------
@dataclass
class FramesConfig(DatasetConfig):
    """`aerocolor dataset --frames/--historical/--frame-table`: DatasetConfig's options, and these.

    gsd (DatasetConfig's) is the m/px of every frame the frame table does not give one for.
    block counts tiles of the coarsest scale per side of a split block, unless block_m is given:
    a block of at least two coarse tiles keeps the share of coarse tiles that straddle two splits
    (and are dropped) small, and leaves a frame enough blocks to split.
    """
    block: int = 2                            # tiles of the coarsest scale per side of a split block
    scales: Optional[List[float]] = None     # m/px to tile at; None: each frame at its own m/px
    upsample: bool = False                    # also cut scales finer than a frame's own m/px
    split_by: str = "block"                   # block | frame | group
    val_frames: List[str] = field(default_factory=list)   # frames or groups sent whole to val
    test_frames: List[str] = field(default_factory=list)  # ... and to test
    block_m: Optional[float] = None           # side of a split block in metres
    crop: Optional[List[int]] = None          # X0, Y0, X1, Y1 for every frame the table gives none
    margin: float = MARGIN                    # share of a found picture taken off each side
    frame_table: Optional[str] = None         # CSV: file,gsd[,crop][,group]


@dataclass
class Frame:
    path: str
    role: str                                 # "pairs" (colour) or "historical" (grey, never trained on)
    gsd: Optional[float] = None
    gsd_from: str = ""
    group: Optional[str] = None
    width: int = 0
    height: int = 0
    bands: int = 0
    picture: Optional[Box] = None
    picture_from: str = ""
    split: Optional[str] = None               # set when the frame goes whole to one split
    info: dict = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return os.path.splitext(os.path.basename(self.path))[0]


def parse_scales(text: str) -> List[float]:
    """'0.5,1,2' to [0.5, 1.0, 2.0]; BadInput for an empty list or a value that is not a positive number."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise BadInput("--scales lists no ground resolution; give m/px values such as --scales 0.5,1,2.")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise BadInput(f"--scales {text}: give m/px numbers separated by commas, such as 0.5,1,2.") from None
    if any(not (v > 0 and math.isfinite(v)) for v in values):
        raise BadInput(f"--scales {text}: every ground resolution must be a positive number of m/px.")
    return sorted(set(values))


def parse_box(text, what: str = "--crop") -> Box:
    """'X0,Y0,X1,Y1' (or four numbers separated by spaces or semicolons) to a box of ints."""
    if isinstance(text, (list, tuple)):
        parts = list(text)
    else:
        parts = [p for p in str(text).replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        box = tuple(int(round(float(p))) for p in parts)
    except ValueError:
        box = ()
    if len(box) != 4 or box[0] < 0 or box[1] < 0 or box[2] <= box[0] or box[3] <= box[1]:
        raise BadInput(f"{what} {text}: give the picture box as X0,Y0,X1,Y1 in pixels, with X1 > X0 and Y1 > Y0.")
    return box  # type: ignore[return-value]


def read_frame_table(path: str) -> Dict[str, dict]:
    """A CSV with a header of file,gsd[,crop][,group]: {absolute path: {gsd, crop, group}}.

    Files are relative to the table's folder unless absolute; crop is "X0,Y0,X1,Y1" (quoted in
    the CSV) or four numbers separated by spaces or semicolons; empty cells mean "not given".
    """
    if not os.path.isfile(path):
        raise BadInput(f"The frame table {path} does not exist; give a CSV with columns file,gsd[,crop][,group].")
    base = os.path.dirname(os.path.abspath(path))
    rows: Dict[str, dict] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            cols = {(c or "").strip().lower(): c for c in (reader.fieldnames or [])}
            if "file" not in cols:
                raise BadInput(f"The frame table {path} has no 'file' column; its first line must name the "
                               f"columns, e.g. file,gsd,crop,group.")
            for n, row in enumerate(reader, start=2):
                cell = {k: (row.get(c) or "").strip() for k, c in cols.items()}
                if not cell["file"]:
                    continue
                where = f"{path} line {n}"
                entry: dict = {"gsd": None, "crop": None, "group": cell.get("group") or None}
                if cell.get("gsd"):
                    try:
                        entry["gsd"] = float(cell["gsd"])
                    except ValueError:
                        entry["gsd"] = -1.0
                    if not (entry["gsd"] > 0 and math.isfinite(entry["gsd"])):
                        raise BadInput(f"{where}: the gsd {cell['gsd']!r} is not a positive number of m/px.")
                if cell.get("crop"):
                    entry["crop"] = parse_box(cell["crop"], f"{where}: crop")
                rows[os.path.normpath(os.path.join(base, cell["file"]))] = entry
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BadInput(f"Could not read the frame table {path} ({exc}); give a UTF-8 CSV.") from None
    return rows


def _table_entry(table: Dict[str, dict], path: str) -> Optional[dict]:
    """The table's row of a frame: by path, else by file name when that is unambiguous."""
    full = os.path.normpath(os.path.abspath(path))
    if full in table:
        return table[full]
    same = [v for k, v in table.items() if os.path.basename(k) == os.path.basename(path)]
    return same[0] if len(same) == 1 else None


def _open_frame(fr: Frame, cfg: FramesConfig) -> None:
    if not os.path.isfile(fr.path):
        raise BadInput(f"The frame {fr.path} does not exist; check the path.")
    if gdal is None:  # pragma: no cover - GDAL is installed wherever the backend runs
        raise BadInput("Survey frames need GDAL (python3-gdal); install it.")
    try:
        ds = gdal.Open(fr.path)
    except RuntimeError as exc:
        raise BadInput(f"{fr.path} is not an image GDAL can read; convert it to JPEG, PNG or TIFF.", str(exc)) from None
    fr.width, fr.height, fr.bands = ds.RasterXSize, ds.RasterYSize, ds.RasterCount
    ds = None
    fr.info = _source_info(fr.path)
    colour = fr.bands in (3, 4)
    if fr.bands not in (1, 2, 3, 4):
        raise BadInput(f"{fr.path} has {fr.bands} bands; a frame is 1-band grey or 3-band RGB "
                       f"(with an optional alpha band).")
    if fr.role == "pairs" and not colour:
        raise BadInput(f"{fr.path} is a grey frame, so it cannot make colour training pairs; "
                       f"list it with --historical instead.")


def _frame_gsd(fr: Frame, row: Optional[dict], cfg: FramesConfig) -> None:
    own = fr.info.get("gsd") if fr.info.get("gsd_units") in ("metre", "meter", "m") else None
    for value, source in ((row or {}).get("gsd"), "frame table"), (cfg.gsd, "--gsd"), (own, "georeferencing"):
        if value:
            fr.gsd, fr.gsd_from = float(value), source
            return
    raise BadInput(f"The ground resolution of {os.path.basename(fr.path)} is unknown; give it with "
                   f"--gsd M (m/px, for all frames) or in a --frame-table CSV (file,gsd).")


def _frame_picture(fr: Frame, row: Optional[dict], cfg: FramesConfig) -> None:
    crop = (row or {}).get("crop")
    source = "frame table"
    if crop is None and cfg.crop is not None:
        crop, source = parse_box(cfg.crop), "--crop"
    if crop is not None:
        x0, y0, x1, y1 = crop
        if x1 > fr.width or y1 > fr.height:
            raise BadInput(f"The crop box {list(crop)} ({source}) reaches past {os.path.basename(fr.path)} "
                           f"({fr.width}x{fr.height} px); give a box inside the frame.")
        fr.picture, fr.picture_from = tuple(crop), source
        return
    fr.picture = frame_picture_area(fr.path, cfg.margin)
    fr.picture_from = "detected"


def _names_of(fr: Frame) -> set:
    return {fr.stem, os.path.basename(fr.path), fr.path, os.path.abspath(fr.path)} | ({fr.group} if fr.group else set())


def _assign_frame_splits(frames: List[Frame], cfg: FramesConfig) -> None:
    """Whole frames (or groups) to val/test: the ones named, else a seeded share of them."""
    train = [f for f in frames if f.role == "pairs"]
    named = {"val": list(cfg.val_frames), "test": list(cfg.test_frames)}
    for split, names in named.items():
        for name in names:
            hits = [f for f in train if name in _names_of(f) or os.path.abspath(name) == os.path.abspath(f.path)]
            if not hits:
                raise BadInput(f"--{split}-frames {name} names no colour frame or group given; name a frame's "
                               f"file (or its stem) or a group of the frame table.")
            for f in hits:
                if f.split and f.split != split:
                    raise BadInput(f"{f.stem} is named for both val and test; name it for one of them.")
                f.split = split
    if cfg.split_by == "block":
        return
    unit_of = (lambda f: f.stem) if cfg.split_by == "frame" else (lambda f: f.group or f.stem)
    if named["val"] or named["test"]:
        for f in train:
            f.split = f.split or "train"
        for f in train:  # a group follows the split of any of its frames that was named
            if cfg.split_by == "group" and f.split != "train":
                for g in train:
                    if unit_of(g) == unit_of(f):
                        g.split = f.split
        return
    units = sorted({unit_of(f) for f in train})
    order = list(np.random.default_rng(cfg.seed).permutation(len(units)))
    n = len(units)

    def share(fraction: float) -> int:
        k = int(round(n * fraction))
        return max(k, 1) if fraction > 0 and n >= 3 else k

    n_test = min(share(cfg.test_fraction), max(0, n - 1))  # train keeps one at least
    n_val = min(share(cfg.val_fraction), max(0, n - n_test - 1))
    split_of_unit = {}
    for rank, i in enumerate(order):
        split_of_unit[units[i]] = "test" if rank < n_test else "val" if rank < n_test + n_val else "train"
    for f in train:
        f.split = split_of_unit[unit_of(f)]


def _effective_scales(fr: Frame, cfg: FramesConfig) -> Tuple[List[Tuple[float, float]], List[dict]]:
    """[(gsd, factor)] this frame is tiled at, and notes on the scales it is not."""
    wanted = cfg.scales if cfg.scales is not None else [fr.gsd]
    out, notes = [], []
    bw, bh = fr.picture[2] - fr.picture[0], fr.picture[3] - fr.picture[1]
    for s in wanted:
        f = s / fr.gsd
        if f < 0.98 and not cfg.upsample:
            notes.append({"gsd": s, "reason": f"finer than the frame's own {fr.gsd:g} m/px "
                                              f"(upsampling adds no detail; --upsample allows it)"})
            continue
        f = 1.0 if abs(f - 1.0) < 0.02 else f
        if min(bw, bh) / f < cfg.tile:
            notes.append({"gsd": s, "reason": f"the picture ({bw}x{bh} px) is smaller than one tile of "
                                              f"{cfg.tile} px at {s:g} m/px"})
            continue
        out.append((s, f))
    return out, notes


def plan_frames(frames: Sequence[str], historical: Sequence[str], cfg: FramesConfig) -> List[Frame]:
    """Everything checked and decided before a file is written: m/px, picture boxes, splits, scales."""
    if cfg.split_by not in SPLIT_BY:
        raise BadInput(f"Unknown --split-by {cfg.split_by!r}; choose block, frame or group.")
    if cfg.scales is not None:
        cfg.scales = parse_scales(",".join(str(s) for s in cfg.scales))  # [] is refused too
    if not 0 <= cfg.margin < 0.25:
        raise BadInput(f"--margin {cfg.margin} is not a share between 0 and 0.25 of the picture's size.")
    if cfg.block_m is not None and not cfg.block_m > 0:
        raise BadInput(f"--block-m {cfg.block_m} must be a positive number of metres.")
    table = read_frame_table(cfg.frame_table) if cfg.frame_table else {}
    given = [Frame(p, "pairs") for p in frames] + [Frame(p, "historical") for p in historical]
    if not given and table:  # the table alone: its colour frames are pairs, its grey ones historical
        given = [Frame(p, "auto") for p in sorted(table)]
    if not given:
        raise BadInput("No frames were given; list them with --frames (colour), --historical (grey) "
                       "or in a --frame-table CSV.")
    seen = set()
    for fr in given:
        key = os.path.abspath(fr.path)
        if key in seen:
            raise BadInput(f"The frame {fr.path} is given twice; give each frame once.")
        seen.add(key)
    for fr in given:
        row = _table_entry(table, fr.path) if table else None
        _open_frame(fr, cfg)
        if fr.role == "auto":
            fr.role = "pairs" if fr.bands in (3, 4) else "historical"
        fr.group = (row or {}).get("group")
        _frame_gsd(fr, row, cfg)
        _frame_picture(fr, row, cfg)
    if not any(fr.role == "pairs" for fr in given) and (cfg.val_frames or cfg.test_frames):
        raise BadInput("--val-frames and --test-frames choose among colour frames, and none was given.")
    _assign_frame_splits(given, cfg)
    if not any(_effective_scales(fr, cfg)[0] for fr in given):
        raise BadInput(f"No frame can give a tile of {cfg.tile} px at the scales asked for "
                       f"({', '.join(f'{s:g}' for s in (cfg.scales or sorted({f.gsd for f in given})))} m/px); "
                       f"choose coarser frames' own m/px or larger --scales, a smaller --tile, or --upsample.")
    return given


# -- tiles --------------------------------------------------------------------------------
def _read_scaled(path: str, box: Box, factor: float) -> Tuple[np.ndarray, float, float]:
    """The picture box resampled by 1/factor (area average down, bilinear up): (H, W, C) and the
    exact x and y factors used (the window is whole source pixels)."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    ow, oh = max(1, int(bw / factor)), max(1, int(bh / factor))
    rw, rh = min(bw, max(1, round(ow * factor))), min(bh, max(1, round(oh * factor)))
    ds = gdal.Open(path)
    alg = gdal.GRIORA_Average if factor >= 1 else gdal.GRIORA_Bilinear
    if (rw, rh) == (ow, oh):
        arr = ds.ReadAsArray(x0, y0, rw, rh)
    else:
        arr = ds.ReadAsArray(x0, y0, rw, rh, buf_xsize=ow, buf_ysize=oh, resample_alg=alg)
    ds = None
    arr = arr[:, :, None] if arr.ndim == 2 else np.moveaxis(arr, 0, -1)
    return arr, rw / ow, rh / oh


def _stretch_limits(fr: Frame, cfg: FramesConfig) -> Optional[Tuple[float, float]]:
    """8-bit frames are /255; deeper ones are stretched by percentiles of the picture (reduced copy)."""
    if fr.info.get("dtype", "Byte") == "Byte":
        return None
    small = read_raw(fr.path, shrink_to=_shrink_to(fr.width, fr.height))
    bands, _ = split_bands(small, fr.path)
    sy, sx = small.shape[0] / fr.height, small.shape[1] / fr.width
    x0, y0, x1, y1 = fr.picture
    crop = bands[int(y0 * sy):max(int(y0 * sy) + 1, int(y1 * sy)), int(x0 * sx):max(int(x0 * sx) + 1, int(x1 * sx))]
    return to_unit(crop, cfg.stretch)[1]


def _gsd_tag(s: float) -> str:
    return f"{s:g}m".replace(".", "p")


def build_frames(frames: Sequence[str], historical: Sequence[str], cfg: FramesConfig,
                 progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """Tile scanned survey frames into cfg.out (see the module's docstring); returns the manifest."""
    plan = plan_frames(frames, historical, cfg)
    stride = cfg.stride or cfg.tile
    scales_of = {id(fr): _effective_scales(fr, cfg) for fr in plan}
    all_scales = sorted({s for fr in plan for s, _ in scales_of[id(fr)][0]})
    block_m = cfg.block_m or cfg.block * stride * max(all_scales)
    _check_out(cfg)  # the first thing written: the (new, empty) folder
    write = tile_writer(cfg.out, cfg.layout)
    tiles: list = []
    sources: list = []
    skipped = {"blank_or_nodata": 0, "straddles_split": 0}
    steps = sum(len(scales_of[id(fr)][0]) for fr in plan)
    done = 0
    for fi, fr in enumerate(plan):
        scales, notes = scales_of[id(fr)]
        limits = _stretch_limits(fr, cfg)
        info = dict(fr.info)
        info.update(role=fr.role, gsd=fr.gsd, gsd_units="metre", gsd_from=fr.gsd_from,
                    picture_area=list(fr.picture), picture_area_from=fr.picture_from, group=fr.group,
                    split=fr.split, scales=[s for s, _ in scales], scales_skipped=notes)
        if limits is not None:
            info["stretch_limits"] = list(limits)
        sources.append(info)
        for s, factor in scales:
            arr, fx, fy = _read_scaled(fr.path, fr.picture, factor)
            bands, alpha = split_bands(arr, fr.path)
            h, w = bands.shape[:2]
            for oy in range(0, h - cfg.tile + 1, stride):
                for ox in range(0, w - cfg.tile + 1, stride):
                    x, y = fr.picture[0] + ox * fx, fr.picture[1] + oy * fy
                    tw, th = cfg.tile * fx, cfg.tile * fy
                    entry = {"id": None, "split": None, "source": fi, "gsd": s,
                             "window": [round(x, 3), round(y, 3), round(tw, 3), round(th, 3)]}
                    if fr.role == "historical":
                        split = "historical"
                    elif fr.split:
                        split = fr.split
                    else:  # blocks of ground, in metres from the frame's corner
                        bx = range(int(x * fr.gsd // block_m), int(math.ceil((x + tw) * fr.gsd / block_m)))
                        by = range(int(y * fr.gsd // block_m), int(math.ceil((y + th) * fr.gsd / block_m)))
                        splits = {split_of_block((fr.stem, i, j), cfg.seed, cfg.val_fraction, cfg.test_fraction)
                                  for i in bx for j in by}
                        if len(splits) > 1:
                            skipped["straddles_split"] += 1
                            continue
                        split = splits.pop()
                        entry["blocks"] = [bx.start, by.start, bx.stop, by.stop]
                    px = bands[oy:oy + cfg.tile, ox:ox + cfg.tile]
                    unit, _ = to_unit(px, cfg.stretch, limits=limits)
                    if (alpha is not None and not alpha[oy:oy + cfg.tile, ox:ox + cfg.tile].all()) \
                            or float(unit.std()) < cfg.min_std:
                        skipped["blank_or_nodata"] += 1
                        continue
                    name = f"{fi:03d}_{fr.stem}_{_gsd_tag(s)}_{oy:05d}_{ox:05d}"
                    if split == "historical":
                        path = os.path.join(cfg.out, "historical", name + ".png")
                        os.makedirs(os.path.dirname(path), exist_ok=True)
                        save_image(path, grey_of(unit))
                    else:
                        write(split, name, None, unit)
                    entry.update(id=name, split=split)
                    tiles.append(entry)
            done += 1
            if progress:
                progress(done, steps)
    counts = {sp: sum(t["split"] == sp for t in tiles) for sp in SPLITS + ("historical",)}
    gsds = sorted({t["gsd"] for t in tiles})
    extra = {"counts": counts, "gsd": gsds[0] if len(gsds) == 1 else None, "scales": gsds,
             "split_by": cfg.split_by, "block_m": None if cfg.split_by != "block" else block_m,
             "historical": "historical/ holds grey tiles of historical frames: for looking at and "
                           "for distribution metrics, never for training" if counts["historical"] else None}
    return _finish(cfg, tiles, sources, skipped, kind="frames", extra=extra)
