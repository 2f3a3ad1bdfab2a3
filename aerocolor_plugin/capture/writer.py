"""Where captured tiles go: the backend's own layouts, the capture request file, resuming.

Tiles are written with ``aerocolor.data.layout`` from the bundled backend (torch-free), so
a captured folder is exactly what ``aerocolor train`` reads. ``capture.json`` holds the
request that made the folder: a second run with the same request resumes it, anything else
is refused without touching a file.
"""
from __future__ import annotations

import json
import os
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..i18n_util import tr
from ..bridge.paths import ensure_backend_importable

ensure_backend_importable()

from aerocolor.data import layout  # noqa: E402
from aerocolor.errors import BadInput, Cancelled, DiskError  # noqa: E402,F401 (Cancelled: for the engine)

REQUEST = "capture.json"
# Tiles found blank or all nodata, one JSON line each: a resume skips them instead of fetching
# (and retrying) them again. Tiles missing from a network layer are not kept: they may come now.
SKIPPED = "capture_skipped.jsonl"
KEEP_SKIPPED = ("blank", "nodata")
HISTORICAL_DIR = "historical"  # test tiles of the historical layer (inputs without ground truth)

# Settings that do not change which files a capture makes; a resume may change them.
# A new max_nodata fetches again only the tiles skipped for nodata that it now admits.
_VOLATILE = ("retries", "retry_wait_s", "max_tiles", "confirm_tiles", "max_nodata")


def identity(request: dict) -> dict:
    cfg = {k: v for k, v in request.get("config", {}).items() if k not in _VOLATILE}
    return {**{k: v for k, v in request.items() if k != "config"}, "config": cfg}


def read_request(out: str) -> Optional[dict]:
    try:
        with open(os.path.join(out, REQUEST), encoding="utf-8") as fh:
            return json.load(fh)
    except (FileNotFoundError, ValueError):
        return None


def prepare_folder(out: str, request: dict) -> bool:
    """Make the dataset folder ready; True when an earlier capture of the same request is resumed."""
    if not out:
        raise BadInput(tr("Choose a folder for the training set."))
    if os.path.exists(out) and not os.path.isdir(out):
        raise BadInput(tr("{0} is a file; choose a folder for the training set.").format(out))
    if layout.folder_is_free(out):
        os.makedirs(out, exist_ok=True)
        _write_json(os.path.join(out, REQUEST), request)
        return False
    earlier = read_request(out)
    if earlier is None:
        raise BadInput(tr("{0} already holds another dataset or other files; choose an empty or new "
                          "folder (nothing was overwritten).").format(out))
    if identity(earlier) != identity(request):
        changed = sorted(k for k in set(identity(earlier)["config"]) | set(identity(request)["config"])
                         if identity(earlier)["config"].get(k) != identity(request)["config"].get(k))
        what = ", ".join(changed) if changed else tr("the layers or the area of interest")
        raise BadInput(tr("{0} holds a capture made with other settings ({1}); use the same settings "
                          "to resume it or choose a new folder (nothing was overwritten).").format(out, what))
    _write_json(os.path.join(out, REQUEST), request)  # keeps the newest volatile settings
    return True


def _write_json(path: str, obj: dict) -> None:
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=1)
    os.replace(tmp, path)


def check_still_there(out: str) -> None:
    """Refuse to go on once the folder (or its request file) is gone: writing would quietly make a new
    folder of the remaining tiles only, whose manifest lists files that are no longer there."""
    if not os.path.isfile(os.path.join(out, REQUEST)):
        raise DiskError(tr("The training-set folder {0} disappeared during the capture (deleted, moved or "
                           "its drive unmounted); nothing more was written there; run the capture again to "
                           "start it afresh.").format(out))


def read_skipped(out: str) -> Dict[str, Tuple[str, float]]:
    """Tile id -> (why, nodata share) for the tiles an earlier run of this capture skipped (a torn
    last line is ignored)."""
    found: Dict[str, Tuple[str, float]] = {}
    try:
        with open(os.path.join(out, SKIPPED), encoding="utf-8") as fh:
            for line in fh:
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                if item.get("why") in KEEP_SKIPPED:
                    found[str(item.get("id"))] = (item["why"], float(item.get("nodata", 1.0)))
    except FileNotFoundError:
        pass
    return found


def record_skipped(out: str, name: str, why: str, nodata: float) -> None:
    if why in KEEP_SKIPPED:
        check_still_there(out)
        with open(os.path.join(out, SKIPPED), "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"id": name, "why": why, "nodata": round(nodata, 6)}) + "\n")


class TileSink:
    """Writes one tile's files (grey A, colour B, optional historical) through the backend layout."""

    def __init__(self, out: str, layout_name: str, fmt: str, historical_role: str = "none"):
        self.out, self.layout, self.fmt, self.role = out, layout_name, fmt, historical_role
        self.ext = layout.FORMATS[fmt]
        self._write = layout.tile_writer(out, layout_name, fmt)

    def paths(self, split: str, name: str) -> List[str]:
        """The tile's colour and grey files (a historical test tile is optional beside them)."""
        return sorted(set(layout.tile_paths(self.out, self.layout, split, name, self.ext).values()))

    def historical_path(self, name: str) -> str:
        return os.path.join(self.out, HISTORICAL_DIR, name + self.ext)

    def on_disk(self, split: str, name: str) -> bool:
        """Every file of the tile is there (files appear only when complete: temp name, then rename)."""
        return all(os.path.isfile(p) for p in self.paths(split, name))

    def write(self, split: str, name: str, colour: np.ndarray, historical: Optional[np.ndarray],
              georef: Optional[tuple]) -> Dict[str, str]:
        check_still_there(self.out)
        grey = historical if self.role == "unpaired" else None
        if self.role == "test" and historical is not None:
            os.makedirs(os.path.join(self.out, HISTORICAL_DIR), exist_ok=True)
            layout.save_image(self.historical_path(name), historical, georef)
        # The colour files go last: a tile counts as on disk only once they exist.
        return self._write(split, name, grey, colour, georef)


def finish(out: str, manifest: dict) -> str:
    check_still_there(out)
    return layout.write_manifest(out, manifest)
