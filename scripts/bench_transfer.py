#!/usr/bin/env python3
"""Zero-shot transfer benchmark (issue 17): colorization models on real IGN survey frames.

Scenes are cut from IGN's colour frames of Montbard and Vincennes (../shared/data/ign, its
README's table gives place, date, film, m/px and file per frame): the picture area of each
frame (aerocolor.data.frames.frame_picture_area: no border, fiducials or data strip), brought
from the frame's own m/px to --gsd by area averaging (never upsampled: a frame coarser than
--gsd stays at its own m/px, or is skipped with --coarser skip), then --crops crops of --size
px at seeded positions. The grey input is the crop's BT.601 grey (layout.grey_of), the truth
its colour. Every model colorizes every scene's grey through study.colorize_tiles (colorize's
own colour path); each is scored beside two baselines computed in the same run:

  grey  the grey copy of the input (R = G = B = grey): what doing nothing scores;
  flat  the input's L* with the scene's own mean true a*b* (metrics.baselines.constant_colour):
        an oracle of the scene's average colour, with no spatial colour at all.

Measures per scene (metrics.paired): mean CIEDE2000 and its ratio to the grey copy's (below 1:
better than grey), PSNR (dB), and the chroma ratio: mean output chroma sqrt(a*^2 + b*^2) over
mean true chroma, in CIE Lab (1: as saturated as the truth; near 0: grey). Overall = mean over
scenes (the ratio's too), with the worst scene's ratio. The issue's targets are checked per
model and variant: overall ratio <= 0.8 zero-shot across places, no scene above 1.0, chroma
ratio within 0.7-1.3 on every scene.

Variants: --film scores every scene again with its grey degraded as a film scan (data.film,
fixed seed per scene; vignette, blur, tone and grain forced on at moderate strength, spectral,
dust and JPEG off), against the same truth. --nir PATH (a 4-band RGBN GeoTIFF) scores grey
made from a near-infrared-weighted response (infrared film behind a red filter), truth = its
RGB. --historical N colorizes crops of N real grey frames per selected place (no truth) and
compares their colourfulness with the place's colour scenes; the outputs are written as PNGs
under out/bench_transfer/historical/MODEL/ (and the colour scenes under .../colour/PLACE/) so
that `aerocolor evaluate` can give FID/KID on them.

Cut scenes are cached as .npy under out/bench_transfer/cache (keyed by frame, m/px, size and
seed; a cached run with more crops serves a run with fewer). Photographs (c) IGN, photothèque /
Remonter le temps: outputs stay under out/ (git-ignored) or /tmp; never commit them.

  .venv/bin/python scripts/bench_transfer.py --place all --crops 2 --film --grid /tmp/bt_grid.png
  .venv/bin/python scripts/bench_transfer.py --place Montbard --years 2006-2011 --model mine=runs/x/checkpoints/latest.pt
  .venv/bin/python scripts/bench_transfer.py --place Vincennes --historical 3 --json /tmp/bt.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
import zlib
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "backend"))

from aerocolor.data.film import FilmConfig, film_degrade  # noqa: E402
from aerocolor.data.layout import grey_of  # noqa: E402
from aerocolor.metrics.baselines import constant_colour, grey_copy, mean_ab  # noqa: E402
from aerocolor.metrics.paired import ciede2000, colourfulness, mean_chroma, psnr  # noqa: E402

IGN = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "ign"))
OUT = os.path.join(REPO, "out", "bench_transfer")
DEFAULT_MODEL = os.path.join(REPO, "backend", "aerocolor", "assets", "default-model.pt")
CREDIT = "Photographs (c) IGN, phototheque / Remonter le temps"
PLACES = ("Montbard", "Vincennes")

# The film-scan variant: these steps on, the rest off, at a moderate strength.
FILM_FORCE = {"spectral": False, "vignette": True, "blur": True, "tone": True, "grain": True,
              "dust": False, "jpeg": False}
FILM_CFG = FilmConfig(vignette_max=0.25, blur_max=1.0, grain_max=0.03)
# Infrared aerial film behind a deep red filter sees red and near-infrared, hardly green or blue.
NIR_WEIGHTS = {"R": 0.3, "G": 0.1, "B": 0.0, "N": 0.6}

TARGET_OVERALL, TARGET_SCENE, TARGET_CHROMA = 0.8, 1.0, (0.7, 1.3)
MIN_STD = 0.03        # a crop whose grey is flatter than this (water, cloud, a field) is redrawn
MAX_OVERLAP = 0.25    # crops of one frame share at most this share of their area, where possible


# -- scoring (no data files: tests/test_bench_transfer.py runs it on synthetic arrays) ---------
def _finite_mean(values) -> Optional[float]:
    v = np.asarray([x for x in values if x is not None], np.float64)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else None


def score_scene(truth: np.ndarray, grey: np.ndarray, preds: Optional[Dict[str, np.ndarray]] = None) -> dict:
    """Score colorizations of one scene against its truth, beside the two baselines.

    truth: (H, W, 3) RGB in [0, 1]; grey: (H, W, 1) the model's input in [0, 1] (the truth's
    grey, or a degraded one); preds: {name: (H, W, 3) RGB in [0, 1]}. Returns {"grey": m,
    "flat": m, name: m, ...} with m = {ciede2000, ratio (to the grey copy's CIEDE2000), psnr,
    chroma_ratio}, and "flat_ab": the truth's mean a*b* the flat baseline used.
    """
    ab = mean_ab([truth])
    methods = {"grey": grey_copy(grey), "flat": constant_colour(grey, ab)}
    for name, p in (preds or {}).items():
        if name in methods:
            raise ValueError(f"a model may not be called {name!r}: that is a baseline's name")
        methods[name] = p
    truth_c = mean_chroma(truth)
    out: dict = {}
    for name, img in methods.items():
        if img.shape != truth.shape:
            raise ValueError(f"{name}: {img.shape} against the truth's {truth.shape}")
        out[name] = {"ciede2000": ciede2000(img, truth), "psnr": psnr(img, truth),
                     "chroma_ratio": mean_chroma(img) / truth_c if truth_c > 1e-9 else float("nan")}
    g = out["grey"]["ciede2000"]
    for m in out.values():
        m["ratio"] = m["ciede2000"] / g if g > 0 else float("nan")
    out["flat_ab"] = [float(v) for v in ab]
    return out


def summarize(scores: Sequence[dict], labels: Sequence[str], model: str) -> dict:
    """Overall figures of one model over scored scenes: means over scenes, and the worst ratio."""
    keys = ("ciede2000", "psnr", "chroma_ratio", "ratio")
    overall = {m: {k: _finite_mean(s[m][k] for s in scores) for k in keys} for m in ("grey", "flat", model)}
    ratios = [s[model]["ratio"] for s in scores]
    chromas = [s[model]["chroma_ratio"] for s in scores]
    worst = int(np.nanargmax(ratios)) if scores and np.isfinite(ratios).any() else None
    overall["worst"] = {"scene": labels[worst] if worst is not None else None,
                        "ratio": float(ratios[worst]) if worst is not None else None}
    overall["chroma_range"] = [float(np.nanmin(chromas)), float(np.nanmax(chromas))] if scores else None
    # The ratio of mean CIEDE2000s too, which weighs hard scenes more than the mean of ratios.
    g = overall["grey"]["ciede2000"]
    overall["ratio_of_means"] = overall[model]["ciede2000"] / g if g else None
    return overall


def targets(overall: dict, scores: Sequence[dict], model: str) -> List[dict]:
    r = overall[model]["ratio"]
    worst = overall["worst"]
    lo, hi = overall["chroma_range"] or (float("nan"), float("nan"))
    out_of = sum(1 for s in scores if not TARGET_CHROMA[0] <= s[model]["chroma_ratio"] <= TARGET_CHROMA[1])
    return [
        {"target": f"overall ratio <= {TARGET_OVERALL:g}", "met": r is not None and r <= TARGET_OVERALL,
         "value": f"{r:.2f}" if r is not None else "n/a"},
        {"target": f"no scene above {TARGET_SCENE:.1f}x grey",
         "met": worst["ratio"] is not None and worst["ratio"] <= TARGET_SCENE,
         "value": f"worst {worst['ratio']:.2f}, {worst['scene']}" if worst["ratio"] is not None else "n/a"},
        {"target": f"chroma ratio {TARGET_CHROMA[0]:g}-{TARGET_CHROMA[1]:g} on every scene",
         "met": out_of == 0 and bool(scores), "value": f"{lo:.2f}-{hi:.2f}, {out_of} of {len(scores)} outside"},
    ]


def _f(x, nd=2) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "inf" if x == float("inf") else "n/a"
    return f"{x:.{nd}f}"


def format_table(title: str, rows: Sequence[Tuple[str, float, dict]], model: str,
                 groups: Sequence[Tuple[str, dict]]) -> str:
    """A Markdown table: scenes, then the overall rows (`groups`: (label, summarize(...)))."""
    head = ["scene", "m/px", "grey dE00", "flat dE00", f"{model} dE00", f"{model}/grey", "flat/grey",
            f"PSNR {model}", "PSNR grey", "PSNR flat", f"chroma {model}", "chroma flat"]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def row(label, gsd, s):
        return "| " + " | ".join([label, gsd, _f(s["grey"]["ciede2000"]), _f(s["flat"]["ciede2000"]),
                                  _f(s[model]["ciede2000"]), _f(s[model]["ratio"]), _f(s["flat"]["ratio"]),
                                  _f(s[model]["psnr"]), _f(s["grey"]["psnr"]), _f(s["flat"]["psnr"]),
                                  _f(s[model]["chroma_ratio"]), _f(s["flat"]["chroma_ratio"])]) + " |"

    for label, gsd, s in rows:
        lines.append(row(label, f"{gsd:g}", s))
    for label, ov in groups:
        lines.append(row(f"**{label}**", "", ov))
    return "\n".join(lines)


def format_targets(model: str, variant: str, checks: Sequence[dict]) -> str:
    return f"targets ({model}, {variant}): " + "; ".join(
        f"{c['target']}: {'yes' if c['met'] else 'no'} ({c['value']})" for c in checks)


# -- the IGN frames ---------------------------------------------------------------------------
def read_ign_table(folder: str = IGN) -> List[dict]:
    """The frames of the IGN README's table (rows whose place is '?' are skipped)."""
    readme = os.path.join(folder, "README.md")
    rows = []
    with open(readme, encoding="utf-8") as fh:
        for line in fh:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) != 7 or not cells[6].lower().endswith((".jpg", ".jpeg", ".tif")):
                continue
            place, date, film, scale, res, pixels, name = cells
            if place == "?" or res == "?":
                continue
            year = re.match(r"(\d{4})", date)
            rows.append({"place": place, "date": date.split("__")[0], "year": int(year.group(1)) if year else None,
                         "film": film, "scale": None if scale == "?" else int(scale), "gsd": float(res),
                         "pixels": pixels, "file": name, "path": os.path.join(folder, name)})
    return rows


def parse_years(text: Optional[str]) -> Optional[Tuple[int, int]]:
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not m:
        raise SystemExit(f"--years {text}: give a year or a range such as 1990-2011.")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    return min(a, b), max(a, b)


def frame_names(row: dict) -> Tuple[str, str, str]:
    """What --frames may call a frame: its file, its stem, or place-year (montbard-2006)."""
    return row["file"], os.path.splitext(row["file"])[0], f"{row['place'].lower()}-{row['year']}"


def select(rows: Sequence[dict], place: str, film: str, years: Optional[Tuple[int, int]] = None,
           frames: Optional[Sequence[str]] = None) -> List[dict]:
    places = PLACES if place == "all" else (place,)
    out = [r for r in rows if r["place"] in places and r["film"] == film
           and (years is None or (r["year"] is not None and years[0] <= r["year"] <= years[1]))
           and (not frames or any(f.lower() in frame_names(r) for f in frames))]
    return sorted(out, key=lambda r: (r["place"], r["date"]))


def spread(rows: Sequence[dict], n: int) -> List[dict]:
    """n of the rows, evenly spread over them (by date, as they are sorted)."""
    if n <= 0 or not rows:
        return []
    idx = np.unique(np.linspace(0, len(rows) - 1, min(n, len(rows))).round().astype(int))
    return [rows[i] for i in idx]


def crop_positions(h: int, w: int, size: int, k: int, rng: np.random.Generator,
                   flat_of=None, tries: int = 200) -> List[Tuple[int, int]]:
    """k (y, x) corners of size x size crops inside an h x w picture, drawn one after another
    (so the first k of a longer draw are the same crops): overlapping earlier crops by at most
    MAX_OVERLAP of their area and not flat (flat_of(y, x) -> bool), where that can be had."""
    out: List[Tuple[int, int]] = []
    for _ in range(k):
        best = None
        for t in range(tries):
            y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
            over = max([max(0, size - abs(y - py)) * max(0, size - abs(x - px)) / size ** 2
                        for py, px in out] or [0.0])
            flat = flat_of(y, x) if flat_of else False
            if best is None:
                best = (y, x)
            if over <= MAX_OVERLAP and not flat:
                best = (y, x)
                break
        out.append(best)
    return out


def _cache_key(row: dict, gsd: float, size: int, seed: int) -> str:
    stem = os.path.splitext(row["file"])[0]
    return f"{stem}__{gsd:g}m_{size}px_seed{seed}".replace(".", "p")


def cut_frame(row: dict, gsd: float, size: int, k: int, seed: int, coarser: str,
              cache: Optional[str] = os.path.join(OUT, "cache")) -> Optional[dict]:
    """k crops of one frame at gsd (its own m/px where coarser): {crops (k, S, S, C) uint8, meta}.
    None, with a printed note, when the frame is missing, too coarse (coarser == 'skip') or too small."""
    from aerocolor.data.frames import _read_scaled, frame_picture_area
    from aerocolor.errors import BadInput

    name = f"{row['place']} {row['date']}"
    if not os.path.isfile(row["path"]):
        print(f"note: {name}: {row['file']} is not in {os.path.dirname(row['path'])} (held back?); skipped")
        return None
    factor = gsd / row["gsd"]
    if factor < 0.98:
        if coarser == "skip":
            print(f"note: {name}: its {row['gsd']:g} m/px is coarser than --gsd {gsd:g}; skipped (--coarser skip)")
            return None
        factor = 1.0
    elif abs(factor - 1.0) < 0.02:
        factor = 1.0
    scene_gsd = row["gsd"] * factor
    key = _cache_key(row, scene_gsd, size, seed)
    npy, meta_path = (os.path.join(cache, key + ".npy"), os.path.join(cache, key + ".json")) if cache else (None, None)
    if npy and os.path.isfile(npy) and os.path.isfile(meta_path):
        with open(meta_path, encoding="utf-8") as fh:
            meta = json.load(fh)
        if len(meta["positions"]) >= k:
            crops = np.load(npy, mmap_mode="r")[:k]
            return {"crops": np.array(crops), "meta": dict(meta, positions=meta["positions"][:k], cached=True)}
    try:
        box = frame_picture_area(row["path"])
    except BadInput as exc:
        print(f"note: {name}: {exc}; skipped")
        return None
    arr, fx, fy = _read_scaled(row["path"], box, factor)
    h, w = arr.shape[:2]
    if min(h, w) < size:
        print(f"note: {name}: its picture is {w}x{h} px at {scene_gsd:g} m/px, smaller than --size {size}; skipped")
        return None
    rng = np.random.default_rng([seed, zlib.crc32(row["file"].encode("utf-8"))])

    def flat(y: int, x: int) -> bool:
        return float(grey_of(arr[y:y + size:4, x:x + size:4, :3]).std()) < MIN_STD  # a grey frame passes through

    pos = crop_positions(h, w, size, k, rng, flat)
    crops = np.stack([arr[y:y + size, x:x + size] for y, x in pos])
    meta = {"frame": row["file"], "place": row["place"], "date": row["date"], "film": row["film"],
            "frame_gsd": row["gsd"], "gsd": scene_gsd, "size": size, "seed": seed, "picture_area": list(box),
            "picture_px": [w, h], "scale_xy": [fx, fy], "positions": [list(p) for p in pos],
            # each crop's window in the frame's own pixels: x, y, width, height
            "windows": [[round(box[0] + x * fx, 1), round(box[1] + y * fy, 1), round(size * fx, 1),
                         round(size * fy, 1)] for y, x in pos]}
    if cache:
        os.makedirs(cache, exist_ok=True)
        np.save(npy + ".tmp.npy", crops)
        os.replace(npy + ".tmp.npy", npy)
        with open(meta_path, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=1)
    return {"crops": crops, "meta": dict(meta, cached=False)}


def scenes_of(rows: Sequence[dict], gsd: float, size: int, k: int, seed: int, coarser: str) -> List[dict]:
    """Scenes {label, place, gsd, truth (S, S, 3) or None, grey (S, S, 1), meta} of frames."""
    out = []
    for row in rows:
        cut = cut_frame(row, gsd, size, k, seed, coarser)
        if cut is None:
            continue
        meta = cut["meta"]
        for i, crop in enumerate(cut["crops"]):
            unit = crop.astype(np.float32) / 255.0
            colour = unit.shape[2] >= 3
            out.append({"label": f"{row['place']} {row['date']} #{i}", "place": row["place"], "gsd": meta["gsd"],
                        "truth": unit[..., :3] if colour else None,
                        "grey": grey_of(unit[..., :3]) if colour else unit[..., :1],
                        "meta": {k_: v for k_, v in meta.items() if k_ not in ("positions", "windows")}
                        | {"window": meta["windows"][i], "cached": meta["cached"]}})
    return out


def film_variant(scene: dict, seed: int) -> np.ndarray:
    """The scene's grey degraded as a film scan, with a fixed seed per scene."""
    rng = np.random.default_rng([seed, zlib.crc32(scene["label"].encode("utf-8")), 17])
    return film_degrade(scene["grey"], rng, FILM_CFG, force=FILM_FORCE)


def nir_scenes(path: str, gsd: float, size: int, k: int, seed: int) -> List[dict]:
    """Scenes from a 4-band RGBN raster: truth its RGB, grey a near-infrared-weighted response."""
    from aerocolor.data.build import _source_info
    from aerocolor.data.imageio import to_unit
    from osgeo import gdal

    info = _source_info(path)
    if info.get("bands", 0) < 4:
        raise SystemExit(f"--nir {path} has {info.get('bands')} bands; give a 4-band RGBN raster.")
    own = info.get("gsd") if str(info.get("gsd_units", "")).lower() in ("metre", "meter", "m") else None
    factor = gsd / own if own and gsd / own >= 1.02 else 1.0
    ds = gdal.Open(path)
    w, h = ds.RasterXSize, ds.RasterYSize
    ow, oh = max(1, int(w / factor)), max(1, int(h / factor))
    raw = ds.ReadAsArray(0, 0, w, h, buf_xsize=ow, buf_ysize=oh, resample_alg=gdal.GRIORA_Average)[:4]
    ds = None
    bands = np.stack([to_unit(b)[0] for b in raw], -1)  # per band: 8-bit /255, deeper by percentiles
    s = min(size, (min(oh, ow) // 64) * 64)
    if s < 64:
        raise SystemExit(f"--nir {path} is {ow}x{oh} px, too small for a 64 px crop.")
    wr, wg, wb, wn = (NIR_WEIGHTS[c] for c in "RGBN")
    grey = np.clip(bands[..., 0] * wr + bands[..., 1] * wg + bands[..., 2] * wb + bands[..., 3] * wn, 0, 1)
    rng = np.random.default_rng([seed, zlib.crc32(os.path.basename(path).encode("utf-8"))])
    pos = crop_positions(oh, ow, s, k, rng)
    stem = os.path.splitext(os.path.basename(path))[0]
    return [{"label": f"NIR {stem} #{i}", "place": "nir", "gsd": (own or float("nan")) * factor,
             "truth": np.ascontiguousarray(bands[y:y + s, x:x + s, :3]),
             "grey": np.ascontiguousarray(grey[y:y + s, x:x + s, None]).astype(np.float32),
             "meta": {"file": os.path.abspath(path), "position": [y, x], "size": s, "weights": NIR_WEIGHTS}}
            for i, (y, x) in enumerate(pos)]


# -- the grid -----------------------------------------------------------------------------------
def write_grid(path: str, columns: List[str], rows: List[Tuple[str, List[Optional[np.ndarray]]]],
               px: int = 128) -> None:
    """A picture grid: a header of column names, one row per scene (None cells stay blank)."""
    from PIL import Image, ImageDraw

    label_w, head_h, foot_h, gap = 170, 18, 16, 2
    W = label_w + len(columns) * (px + gap)
    H = head_h + len(rows) * (px + gap) + foot_h
    grid = Image.new("RGB", (W, H), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    for j, c in enumerate(columns):
        draw.text((label_w + j * (px + gap) + 2, 3), c[:20], fill=(0, 0, 0))
    for i, (label, cells) in enumerate(rows):
        y = head_h + i * (px + gap)
        for n, part in enumerate(label.split("\n")):
            draw.text((3, y + 4 + 12 * n), part[:28], fill=(0, 0, 0))
        for j, img in enumerate(cells):
            if img is None:
                continue
            a = np.asarray(img, np.float32)
            a = np.repeat(a, 3, 2) if a.shape[2] == 1 else a[..., :3]
            tile = Image.fromarray((np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8)).resize((px, px), Image.LANCZOS)
            grid.paste(tile, (label_w + j * (px + gap), y))
    draw.text((3, H - foot_h + 2), CREDIT + " - AeroColor bench_transfer", fill=(80, 80, 80))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    grid.save(path)


def _save_png(path: str, img: np.ndarray) -> None:
    from PIL import Image

    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)).save(path)


def _plain(o):
    """JSON-able, with non-finite numbers (a PSNR of identical images) as null."""
    if isinstance(o, dict):
        return {str(k): _plain(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_plain(v) for v in o]
    if isinstance(o, (np.floating, float)):
        return float(o) if math.isfinite(o) else None
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.ndarray):
        return _plain(o.tolist())
    return o


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")


# -- the run --------------------------------------------------------------------------------------
def parse_models(specs: Sequence[str]) -> Dict[str, str]:
    models: Dict[str, str] = {}
    for spec in specs or [f"default={DEFAULT_MODEL}"]:
        name, sep, ck = spec.partition("=")
        if not sep or not name or not ck:
            raise SystemExit(f"--model {spec}: give NAME=CHECKPOINT.")
        if name in ("grey", "flat") or name in models:
            raise SystemExit(f"--model {spec}: the name {name!r} is taken; choose another.")
        if not os.path.isfile(ck):
            raise SystemExit(f"--model {spec}: {ck} does not exist.")
        models[name] = ck
    return models


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ign", default=IGN, help="the IGN frames' folder, with its README table (default: %(default)s)")
    ap.add_argument("--place", default="all", choices=PLACES + ("all",))
    ap.add_argument("--years", help="colour frames of these years only, e.g. 1990-2011 or 2010")
    ap.add_argument("--frames", nargs="+", metavar="NAME",
                    help="colour frames of these names only: file, stem or place-year, e.g. montbard-2006 "
                         "(a model's held-out frames)")
    ap.add_argument("--gsd", type=float, default=1.0, help="m/px of the scenes (frames are never upsampled)")
    ap.add_argument("--coarser", choices=("own", "skip"), default="own",
                    help="a frame coarser than --gsd: keep it at its own m/px, or skip it")
    ap.add_argument("--crops", type=int, default=3, help="crops per frame")
    ap.add_argument("--size", type=int, default=384, help="crop side in px (a multiple of 64)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model", action="append", default=[], metavar="NAME=CKPT",
                    help="a model to score (repeatable; default: the bundled model)")
    ap.add_argument("--film", action="store_true", help="also score a film-scan degraded grey of every scene")
    ap.add_argument("--nir", metavar="RGBN_TIF", help="also score grey from a near-infrared-weighted response")
    ap.add_argument("--historical", type=int, default=0, metavar="N",
                    help="colorize N real grey frames per place; report colourfulness against the colour scenes")
    ap.add_argument("--tone-match", action="store_true",
                    help="also score each model (whose card keeps its training greys) with colorize's tone match, "
                         "as NAME+tone")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--json", help="write every figure to this JSON file")
    ap.add_argument("--grid", help="write a picture grid (PNG) here")
    ap.add_argument("--grid-px", type=int, default=128, help="side of one picture in the grid")
    args = ap.parse_args(argv)
    if args.size % 64 or args.size < 64:
        raise SystemExit(f"--size {args.size}: give a multiple of 64.")
    if args.crops < 1 or args.gsd <= 0:
        raise SystemExit("--crops must be at least 1 and --gsd positive.")
    models = parse_models(args.model)
    years = parse_years(args.years)

    import torch

    from aerocolor.models.checkpoint import card_of
    from aerocolor.runtime import resolve_device
    from aerocolor.study.runner import colorize_tiles

    device = resolve_device(args.device)
    toned = set()
    if args.tone_match:
        for name, ck in list(models.items()):
            if card_of(ck).get("grey_quantiles"):
                models[name + "+tone"] = ck
                toned.add(name + "+tone")
            else:
                print(f"tone match: {name}'s card keeps no training greys; scored without it only")
    times: Dict[str, float] = {}
    t0 = time.perf_counter()

    def stage(name: str, since: float) -> float:
        now = time.perf_counter()
        times[name] = times.get(name, 0.0) + now - since
        return now

    print(f"# bench_transfer: zero-shot colorization of IGN survey frames\n\n{CREDIT}.\n")
    coarser = "frames coarser stay at their own" if args.coarser == "own" else "coarser frames skipped"
    print(f"device {device} (torch {torch.__version__}, {torch.get_num_threads()} threads); scenes at "
          f"{args.gsd:g} m/px ({coarser}), "
          f"{args.crops} crops of {args.size} px per frame, seed {args.seed}")

    rows = read_ign_table(args.ign)
    colour_rows = select(rows, args.place, "colour", years, args.frames)
    if not colour_rows:
        raise SystemExit(f"No colour frame of {args.place} in {args.years or 'any year'}"
                         f"{' named ' + ' '.join(args.frames) if args.frames else ''} in the IGN table.")
    if args.frames and len(colour_rows) < len(args.frames):
        print(f"note: --frames named {len(args.frames)} frames; {len(colour_rows)} colour frames match")
    scenes = scenes_of(colour_rows, args.gsd, args.size, args.crops, args.seed, args.coarser)
    if not scenes:
        raise SystemExit("No scene could be cut from the selected frames (see the notes above).")
    cached = sum(s["meta"]["cached"] for s in scenes)
    print(f"scenes: {len(scenes)} from {len({s['meta']['frame'] for s in scenes})} colour frames "
          f"({cached} from the cache)")
    t = stage("cut colour scenes", t0)

    # The variants: (name, scenes with their grey inputs).
    variants: List[Tuple[str, List[dict]]] = [("clean grey", scenes)]
    if args.film:
        variants.append(("film scan", [dict(s, grey=film_variant(s, args.seed)) for s in scenes]))
        print("film scan: vignette, blur, tone and grain forced on (vignette <= 25 %, blur sigma/resample "
              "<= 1.0 px, grain sd <= 0.03; spectral, dust and JPEG off), one fixed seed per scene")
        t = stage("film degradation", t)
    if args.nir:
        variants.append(("near-infrared grey", nir_scenes(args.nir, args.gsd, args.size, args.crops, args.seed)))
        print(f"near-infrared grey: {NIR_WEIGHTS} of {args.nir}")
        t = stage("near-infrared scenes", t)
    else:
        print("near-infrared grey: skipped (no --nir RGBN raster given)")

    hist: List[dict] = []
    if args.historical:
        grey_rows = [r for p in (PLACES if args.place == "all" else (args.place,))
                     for r in spread(select(rows, p, "grey"), args.historical)]
        hist = scenes_of(grey_rows, args.gsd, args.size, args.crops, args.seed, args.coarser)
        print(f"historical: {len(hist)} crops of {len({h['meta']['frame'] for h in hist})} grey frames "
              f"({', '.join(sorted({h['place'] + ' ' + h['meta']['date'] for h in hist}))})")
        t = stage("cut historical scenes", t)

    # Colorize: every model, every grey input of every variant (and the historical crops), one load.
    outputs: Dict[str, Dict[str, List[np.ndarray]]] = {}
    for name, ck in models.items():
        card = card_of(ck)
        learned = (f"{card['gsd_range'][0]:g}-{card['gsd_range'][1]:g}" if card.get("gsd_range")
                   else f"{card['gsd']:g}" if card.get("gsd") else "unknown")
        print(f"model {name}: {os.path.relpath(ck, REPO) if ck.startswith(REPO) else ck} ({card.get('family')}, "
              f"{card.get('color_mode')}, trained at {learned} m/px; fed the scenes as they are, "
              f"{'with' if card.get('calibration') else 'no'} chroma calibration)")
        greys = [s["grey"] for _, sc in variants for s in sc] + [h["grey"] for h in hist]
        tc = time.perf_counter()
        rgb = colorize_tiles(ck, greys, device, batch=1, seed=args.seed, tone_match=name in toned)
        per = (time.perf_counter() - tc) / max(1, len(greys))
        print(f"model {name}: {len(greys)} tiles colorized, {per:.2f} s a tile")
        outputs[name] = {}
        i = 0
        for vname, sc in variants:
            outputs[name][vname] = rgb[i:i + len(sc)]
            i += len(sc)
        outputs[name]["historical"] = rgb[i:]
    t = stage("colorize", t)

    # Score and print.
    report: dict = {"credit": CREDIT, "device": str(device), "torch": torch.__version__,
                    "options": {k: v for k, v in vars(args).items()}, "models": models,
                    "film": {"force": FILM_FORCE, "config": vars(FILM_CFG)}, "variants": {}, "historical": None}
    for vname, sc in variants:
        labels = [s["label"] for s in sc]
        per_scene = []
        for i, s in enumerate(sc):
            per_scene.append(score_scene(s["truth"], s["grey"], {m: outputs[m][vname][i] for m in models}))
        report["variants"][vname] = {"scenes": [{"label": s["label"], "gsd": s["gsd"], "meta": s["meta"],
                                                 "scores": p} for s, p in zip(sc, per_scene)], "models": {}}
        for m in models:
            groups = [("overall", summarize(per_scene, labels, m))]
            places = sorted({s["place"] for s in sc})
            if len(places) > 1:
                for p in places:
                    idx = [i for i, s in enumerate(sc) if s["place"] == p]
                    groups.append((f"overall {p}", summarize([per_scene[i] for i in idx], [labels[i] for i in idx], m)))
            checks = targets(groups[0][1], per_scene, m)
            print()
            print(format_table(f"{m}, {vname} ({len(sc)} scenes)",
                               [(s["label"], s["gsd"], p) for s, p in zip(sc, per_scene)], m, groups))
            print(f"\nworst scene ({m}/grey): {groups[0][1]['worst']['ratio']:.2f} ({groups[0][1]['worst']['scene']}); "
                  f"ratio of mean CIEDE2000s: {_f(groups[0][1]['ratio_of_means'])}")
            print(format_targets(m, vname, checks))
            report["variants"][vname]["models"][m] = {"overall": {g: o for g, o in groups}, "targets": checks}
    t = stage("score", t)

    if hist:
        hdir = os.path.join(OUT, "historical")
        cdir = os.path.join(OUT, "colour")
        for m in [None] + list(models):  # the folders hold this run's crops only
            for p in {h["place"] for h in hist}:
                d = os.path.join(cdir, p) if m is None else os.path.join(hdir, m, p)
                for f in (os.listdir(d) if os.path.isdir(d) else []):
                    if f.endswith(".png"):
                        os.remove(os.path.join(d, f))
        hrep: dict = {"scenes": [{"label": h["label"], "gsd": h["gsd"], "meta": h["meta"]} for h in hist],
                      "places": {}, "folders": {}}
        print("\n### historical grey frames (no truth): colourfulness (Hasler-Suesstrunk, 0-255 scale) "
              "and mean chroma (CIE Lab)\n")
        print("| place | model | historical out | colour truth | model on modern grey | historical/truth | "
              "chroma historical out | chroma colour truth |")
        print("|---|---|---|---|---|---|---|---|")
        for p in sorted({h["place"] for h in hist}):
            truth_cf = [colourfulness(s["truth"]) for s in scenes if s["place"] == p]
            for s in scenes:
                if s["place"] == p:
                    _save_png(os.path.join(cdir, p, _slug(s["label"]) + ".png"), s["truth"])
            hrep["folders"][f"colour/{p}"] = os.path.join(cdir, p)
            for m in models:
                idx = [i for i, h in enumerate(hist) if h["place"] == p]
                out_cf = [colourfulness(outputs[m]["historical"][i]) for i in idx]
                mod_cf = [colourfulness(outputs[m]["clean grey"][i]) for i, s in enumerate(scenes) if s["place"] == p]
                chroma = [mean_chroma(outputs[m]["historical"][i]) for i in idx]
                truth_ch = [mean_chroma(s["truth"]) for s in scenes if s["place"] == p]
                for i in idx:
                    _save_png(os.path.join(hdir, m, p, _slug(hist[i]["label"]) + ".png"), outputs[m]["historical"][i])
                hrep["folders"][f"historical/{m}/{p}"] = os.path.join(hdir, m, p)
                tm = _finite_mean(truth_cf)
                om = _finite_mean(out_cf)
                hrep["places"].setdefault(p, {})[m] = {
                    "historical_colourfulness": om, "truth_colourfulness": tm, "model_on_modern": _finite_mean(mod_cf),
                    "historical_chroma": _finite_mean(chroma), "truth_chroma": _finite_mean(truth_ch),
                    "per_crop": out_cf, "ratio": om / tm if tm else None}
                print(f"| {p} | {m} | {_f(om, 1)} | {_f(tm, 1) if truth_cf else 'n/a (no colour scene)'} | "
                      f"{_f(_finite_mean(mod_cf), 1)} | {_f(om / tm) if tm else 'n/a'} | "
                      f"{_f(_finite_mean(chroma), 1)} | {_f(_finite_mean(truth_ch), 1)} |")
        print(f"\nFID/KID: run aerocolor evaluate on the written folders, e.g. `python -m aerocolor evaluate "
              f"--pred {os.path.relpath(os.path.join(hdir, next(iter(models))), REPO)}/PLACE --ref "
              f"{os.path.relpath(cdir, REPO)}/PLACE --no-paired` (few crops: FID is then biased, see its notes)")
        report["historical"] = hrep
        t = stage("historical", t)

    if args.grid:
        cols = ["grey"] + list(models)
        if args.film:
            cols += ["film grey"] + [f"{m} (film)" for m in models]
        cols += ["truth"]
        grid_rows = []
        film_sc = dict(variants).get("film scan")
        for i, s in enumerate(scenes):
            cells = [s["grey"]] + [outputs[m]["clean grey"][i] for m in models]
            if args.film:
                cells += [film_sc[i]["grey"]] + [outputs[m]["film scan"][i] for m in models]
            grid_rows.append((s["label"].replace(" #", "\n#") + f"  {s['gsd']:g} m/px", cells + [s["truth"]]))
        if args.nir:
            nsc = dict(variants)["near-infrared grey"]
            for i, s in enumerate(nsc):
                cells = [s["grey"]] + [outputs[m]["near-infrared grey"][i] for m in models]
                cells += [None] * (1 + len(models)) if args.film else []
                grid_rows.append((s["label"], cells + [s["truth"]]))
        for i, h in enumerate(hist):
            cells = [h["grey"]] + [outputs[m]["historical"][i] for m in models]
            cells += [None] * (1 + len(models)) if args.film else []
            grid_rows.append((h["label"].replace(" #", "\n#") + "\n(historical)", cells + [None]))
        write_grid(args.grid, cols, grid_rows, args.grid_px)
        print(f"\ngrid: {args.grid} ({len(grid_rows)} rows: {', '.join(cols)})")
        t = stage("grid", t)

    times["total"] = time.perf_counter() - t0
    print("\ntimings: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    report["seconds"] = times
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(_plain(report), fh, indent=1)
        print(f"json: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
