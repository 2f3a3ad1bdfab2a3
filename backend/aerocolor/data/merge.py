"""One training set from several: the captures of several places, survey frames beside orthophotos.

`aerocolor dataset --merge DIR DIR ... --out OUT` links (or copies, across file systems) every
tile of each dataset into OUT under a prefix naming its part, keeps each tile's split (a test tile
stays a test tile, so nothing held out leaks into training), and writes one manifest that lists
the parts and the ground resolutions they hold. `repeats` lists a part's training tiles that many
times, so a small set is not drowned by a large one; val and test tiles are never repeated.
Torch-free, like the rest of the layout code.
"""
from __future__ import annotations

import datetime as _dt
import os
import shutil
from typing import Callable, List, Optional, Sequence

from aerocolor.data.layout import (MANIFEST_VERSION, SPLITS, folder_is_free, read_manifest, tile_paths,
                                   write_manifest)
from aerocolor.errors import BadInput


def _link(src: str, dst: str) -> None:
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed there
        shutil.copy2(src, dst)


def _tile_gsd(tile: dict, man: dict) -> Optional[float]:
    return tile.get("gsd") or man.get("gsd")


def merge_datasets(parts: Sequence[str], out: str, repeats: Optional[Sequence[int]] = None,
                   progress: Optional[Callable[[int, int], None]] = None) -> dict:
    """Merge the datasets in `parts` into the new folder `out`; returns the manifest written."""
    if len(parts) < 2:
        raise BadInput("--merge needs two dataset folders or more.")
    repeats = list(repeats) if repeats else [1] * len(parts)
    if len(repeats) != len(parts) or any(int(r) < 1 for r in repeats):
        raise BadInput(f"--repeats needs one whole number of 1 or more for each of the {len(parts)} "
                       f"datasets merged, e.g. --repeats {','.join(['1'] * len(parts))}.")
    mans = []
    for p in parts:
        man = read_manifest(p)
        if man is None:
            raise BadInput(f"{p} has no manifest.json: merge datasets made by 'aerocolor dataset' or Capture.")
        if os.path.abspath(p) == os.path.abspath(out):
            raise BadInput(f"--out {out} is one of the datasets merged; name a new, empty folder.")
        mans.append(man)
    layouts = {m["config"].get("layout", "pairs") for m in mans}
    if len(layouts) > 1:
        raise BadInput(f"The datasets have different layouts ({', '.join(sorted(layouts))}); merge datasets "
                       f"of one layout (make them again with the same --layout).")
    formulas = {m.get("grey_formula") for m in mans}
    if len(formulas) > 1:
        raise BadInput("The datasets make grey with different formulas; a model trained on both would learn "
                       "two greys. Make them again with one version of AeroColor.")
    if not folder_is_free(out):
        raise BadInput(f"{out} is not empty; name a new folder for the merged dataset.")
    layout = layouts.pop()
    tiles: List[dict] = []
    sources: List[dict] = []
    total = sum(len(m.get("tiles", [])) for m in mans)
    done = 0
    for k, (p, man, rep) in enumerate(zip(parts, mans, repeats)):
        base = len(sources)
        for s in man.get("sources", []):
            sources.append(dict(s, part=k))
        for t in man.get("tiles", []):
            done += 1
            split = t.get("split")
            if split not in SPLITS:  # historical tiles stay in their own dataset
                continue
            src = tile_paths(p, layout, split, t["id"])
            if not os.path.exists(src["A"]):
                raise BadInput(f"{src['A']} is listed in {p}'s manifest but missing; make that dataset again.")
            for r in range(int(rep) if split == "train" else 1):
                name = f"p{k}_{t['id']}" + (f"_r{r}" if r else "")
                dst = tile_paths(out, layout, split, name)
                for side in ("A",) if layout == "aligned" else ("A", "B"):  # aligned: one A|B file
                    _link(src[side], dst[side])
                tiles.append(dict(t, id=name, part=k, source=base + int(t.get("source", 0)),
                                  gsd=_tile_gsd(t, man), repeat=r))
            if progress:
                progress(done, total)
    counts = {sp: sum(t["split"] == sp for t in tiles) for sp in SPLITS}
    gsds = sorted({t["gsd"] for t in tiles if t.get("gsd")})
    manifest = {
        "aerocolor_dataset": MANIFEST_VERSION,
        "kind": "merged",
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "config": {"out": os.path.abspath(out), "layout": layout, "merge": [os.path.abspath(p) for p in parts],
                   "repeats": [int(r) for r in repeats]},
        "parts": [{"path": os.path.abspath(p), "kind": m.get("kind"), "gsd": m.get("gsd"),
                   "scales": m.get("scales"), "counts": m.get("counts"), "repeat": int(r)}
                  for p, m, r in zip(parts, mans, repeats)],
        "grey_formula": formulas.pop(),
        "gsd": gsds[0] if len(gsds) == 1 else None,
        "scales": gsds,
        "sources": sources,
        "counts": counts,
        "tiles": tiles,
    }
    write_manifest(out, manifest)
    return manifest
