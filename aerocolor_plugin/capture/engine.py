"""Capture: plan the tiles of an area of interest, read them from the layers, write a training set.

``plan_capture`` is quick (the dock shows its estimate before asking); ``run_capture`` does the
work in the calling thread (a QgsTask, a Processing algorithm, a test) and returns the
manifest, which has the keys ``aerocolor dataset`` writes plus the capture's own.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import asdict, dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCoordinateTransformContext,
                       QgsCsException, QgsRectangle)

from ..i18n_util import tr
from .aoi import Aoi, estimate, in_crs, tiles_in
from .grid import MERCATOR_CRS, Grid, res_grid, snapped_origin, zoom_grid
from .render import MISSING, NODATA, LayerError, LayerRef, TileReader, fetch, is_grey_layer
from .writer import BadInput, Cancelled, TileSink, finish, layout, prepare_folder, read_skipped, record_skipped

HISTORICAL_ROLES = ("none", "unpaired", "test")
# A network layer whose first this many tiles all come back missing is taken as unreachable.
GIVE_UP_AFTER = 8


@dataclass
class CaptureConfig:
    out: str
    zooms: List[int] = field(default_factory=list)   # web-mercator zoom levels, e.g. [15, 16]
    gsd: Optional[float] = None                      # else: CRS units per px of one grid
    crs: str = ""                                    # that grid's CRS ('' = the colour layer's)
    tile: int = 256
    fmt: str = "png"                                 # png | jpeg | tiff
    layout: str = "pairs"                            # aligned | pairs | unpaired
    val_fraction: float = 0.1
    test_fraction: float = 0.1
    block: int = 4                                   # tiles per side of one split block
    seed: int = 0
    min_std: float = 0.004                           # flatter tiles are blank (as in aerocolor dataset)
    max_nodata: float = 0.01                         # a tile with a larger share of nodata pixels is skipped
    historical_role: str = "none"                    # none | unpaired (A set) | test (historical/)
    retries: int = 2                                 # extra tries for empty network tiles
    retry_wait_s: float = 0.5
    max_tiles: int = 250_000                         # above this a capture is refused
    confirm_tiles: int = 2_000                       # the dock asks before a capture this large

    def check(self) -> None:
        if self.layout not in layout.LAYOUTS:
            raise BadInput(f"Unknown layout {self.layout!r}; choose aligned, pairs or unpaired.")
        if self.fmt not in layout.FORMATS:
            raise BadInput(f"Unknown tile format {self.fmt!r}; choose png, jpeg or tiff.")
        if not 16 <= self.tile <= 4096:
            raise BadInput(f"A tile of {self.tile} px is not possible; use 16 to 4096 px.")
        if not self.zooms and not self.gsd:
            raise BadInput(tr("Choose zoom levels or a ground resolution (m/px) for the tile grid."))
        if self.gsd is not None and self.gsd <= 0:
            raise BadInput(tr("The ground resolution must be above 0 m/px."))
        for z in self.zooms:
            if not 0 <= z <= 24:
                raise BadInput(f"Zoom {z} does not exist; web-mercator zooms run from 0 to 24.")
        if self.historical_role not in HISTORICAL_ROLES:
            raise BadInput(f"Unknown use of the historical layer {self.historical_role!r}; "
                           f"choose none, unpaired or test.")
        if self.historical_role == "unpaired" and self.layout != "unpaired":
            raise BadInput(tr("Historical tiles as the grey (A) set need the unpaired layout; choose "
                              "'unpaired' or use the historical layer for test tiles."))
        if not 0 <= self.max_nodata < 1:
            raise BadInput(tr("The largest nodata share of a tile must be at least 0 and below 100 %."))
        if not 0 <= self.val_fraction + self.test_fraction < 1:
            raise BadInput(tr("The validation and test shares must leave some tiles for training."))


@dataclass
class Plan:
    grids: List[Grid]
    geoms: list                      # the AOI in each grid's CRS
    limits: list                     # the layer's extent in each grid's CRS (or None)
    estimate: int
    rectangular: bool
    layer_crs: str

    def tiles(self) -> List[Tuple[Grid, int, int]]:
        out = []
        for grid, geoms, limit in zip(self.grids, self.geoms, self.limits):
            out += [(grid, c, r) for c, r in tiles_in(grid, geoms, limit, self.rectangular)]
        return out


def crs_id(crs: QgsCoordinateReferenceSystem) -> str:
    return crs.authid() or ("WKT:" + crs.toWkt())


def _grids(cfg: CaptureConfig, layer_crs: QgsCoordinateReferenceSystem, layer_extent: QgsRectangle) -> List[Grid]:
    if cfg.zooms:
        return [zoom_grid(z, cfg.tile) for z in sorted(set(cfg.zooms))]
    crs = QgsCoordinateReferenceSystem(cfg.crs) if cfg.crs else layer_crs
    if not crs.isValid():
        raise BadInput(tr("The grid CRS {0} is not known; choose a CRS such as EPSG:32651.").format(repr(cfg.crs)))
    origin = (0.0, 0.0)
    if crs == layer_crs:  # tiles on the layer's own pixel corners read without resampling
        origin = snapped_origin(cfg.gsd, cfg.tile, (layer_extent.xMinimum(), layer_extent.yMaximum()))
    return [res_grid(crs_id(crs), cfg.gsd, cfg.tile, origin)]


def _extent_in(extent: QgsRectangle, src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem,
               context: QgsCoordinateTransformContext) -> Optional[QgsRectangle]:
    if src == dst:
        return QgsRectangle(extent)
    try:
        box = QgsCoordinateTransform(src, dst, context).transformBoundingBox(extent)
    except QgsCsException:
        return None  # a world-wide layer may not project as a box: no limit then
    return box if box.isFinite() else None


def plan_capture(cfg: CaptureConfig, layer_crs: QgsCoordinateReferenceSystem, layer_extent: QgsRectangle,
                 aoi: Aoi, context: QgsCoordinateTransformContext, layer_name: str = "the layer") -> Plan:
    """The grids and AOI in their CRS, with the tile count; refuses what cannot work."""
    cfg.check()
    grids = _grids(cfg, layer_crs, layer_extent)
    geoms, limits, total = [], [], 0
    for grid in grids:
        gcrs = QgsCoordinateReferenceSystem(grid.crs)
        try:
            g = in_crs(aoi, gcrs, context)
        except QgsCsException:
            raise BadInput(tr("The area of interest cannot be projected to {0}; choose an area "
                              "inside the grid's CRS.").format(grid.crs)) from None
        limit = _extent_in(layer_extent, layer_crs, gcrs, context)
        geoms.append(g)
        limits.append(limit)
        total += estimate(grid, g, limit)
    if total == 0:
        raise BadInput(tr("The area of interest does not overlap {0}; draw it where the layer "
                          "has imagery.").format(layer_name))
    if total > cfg.max_tiles:
        where = tr("zoom {0}").format(max(cfg.zooms)) if cfg.zooms else tr("{0} units/px").format(f"{cfg.gsd:g}")
        raise BadInput(tr("{0} over this area makes about {1} tiles (the limit is {2}); "
                          "choose a lower zoom, a coarser resolution or a smaller area.")
                       .format(where, f"{total:,}", f"{cfg.max_tiles:,}"))
    # A rectangle stays a rectangle only in its own CRS or from WGS84 into web-mercator.
    rect = aoi.rectangular and all(
        QgsCoordinateReferenceSystem(g.crs) == aoi.crs
        or (g.crs == MERCATOR_CRS and aoi.crs.authid() == "EPSG:4326") for g in grids)
    return Plan(grids, geoms, limits, total, rect, crs_id(layer_crs))


def refuse_grey_source(layer, name: str) -> None:
    """A grey colour source would give grey B tiles, from which a model learns no colour."""
    if is_grey_layer(layer):
        raise BadInput(tr("{0} is grey; choose a colour layer as the source and this one as the "
                          "historical layer.").format(name))


def _request(cfg: CaptureConfig, colour: LayerRef, historical: Optional[LayerRef], aoi: Aoi) -> dict:
    return {"aerocolor_capture": 1, "config": asdict(cfg), "aoi": aoi.to_dict(),
            "colour": colour.public_uri or colour.uri,
            "historical": (historical.public_uri or historical.uri) if historical else None}


class Outage:
    """Stops a capture early when a network layer's first tiles all come back missing.

    A server that is down or a wrong URL would otherwise make every tile of the area wait
    through its retries and network timeouts before the capture ends with no tiles. One tile
    that comes back settles it: later gaps are the layer's own and are skipped as usual.
    """

    def __init__(self, ref: Optional[LayerRef]):
        self.ref = ref
        self.missing = 0
        self.watching = ref is not None and ref.is_network

    def saw(self, why: Optional[str]) -> None:
        if not self.watching:
            return
        if why != MISSING:
            self.watching = False
            return
        self.missing += 1
        if self.missing >= GIVE_UP_AFTER:
            raise BadInput(tr("{0} returned none of the first {1} tiles it was asked for; check the connection "
                              "and the layer's URL (tiles already on disk were kept).").format(self.ref.name, GIVE_UP_AFTER))


Progress = Callable[[int, int, Dict[str, int]], None]


def run_capture(cfg: CaptureConfig, colour: LayerRef, aoi: Aoi, context: QgsCoordinateTransformContext,
                historical: Optional[LayerRef] = None, progress: Optional[Progress] = None,
                is_cancelled: Optional[Callable[[], bool]] = None, log: Callable[[str], None] = lambda s: None) -> dict:
    """Capture the training set cfg describes; returns the manifest (also written to cfg.out)."""
    cfg.check()
    if cfg.historical_role != "none" and historical is None:
        raise BadInput(tr("Choose the historical layer, or set its use to none."))
    try:
        layer = colour.open()
        hist_layer = historical.open() if historical is not None and cfg.historical_role != "none" else None
    except LayerError as exc:
        raise BadInput(str(exc)) from None
    refuse_grey_source(layer, colour.name)
    plan = plan_capture(cfg, layer.crs(), layer.extent(), aoi, context, colour.name)
    tiles = plan.tiles()
    if not tiles:
        raise BadInput(tr("The area of interest does not overlap {0}; draw it where the layer "
                          "has imagery.").format(colour.name))
    resumed = prepare_folder(cfg.out, _request(cfg, colour, historical if hist_layer else None, aoi))
    sink = TileSink(cfg.out, cfg.layout, cfg.fmt, cfg.historical_role if hist_layer else "none")
    skipped_before = read_skipped(cfg.out) if resumed else {}
    coarsest = min(cfg.zooms) if cfg.zooms else None
    readers: Dict[str, Tuple[TileReader, Optional[TileReader]]] = {}
    outages = (Outage(colour), Outage(historical if hist_layer else None))
    started = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    entries, counts = [], {"written": 0, "on_disk": 0, "blank": 0, "nodata": 0, "missing": 0,
                           "attempts": 0, "historical_skipped": 0}
    refused = NodataShares()
    log(f"{len(tiles)} tiles in {len(plan.grids)} grid(s)" + (", resuming" if resumed else ""))
    for i, (grid, col, row) in enumerate(tiles):
        if is_cancelled is not None and is_cancelled():
            raise Cancelled(tr("Capture cancelled with {0} tiles on disk; run it again with the same settings "
                               "to resume.").format(counts['written'] + counts['on_disk']))
        name = grid.tile_id(col, row)
        split = layout.split_of_block(grid.block_key(col, row, cfg.block, coarsest), cfg.seed,
                                      cfg.val_fraction, cfg.test_fraction)
        if sink.on_disk(split, name):
            counts["on_disk"] += 1
            entries.append(_entry(grid, col, row, name, split))
        elif name in skipped_before and not _admitted_now(skipped_before[name], cfg.max_nodata):
            why, share = skipped_before[name]
            counts[why] += 1
            refused.saw(why, share)
        else:
            if grid.key not in readers:
                readers[grid.key] = (TileReader(colour, grid, context=context),
                                     TileReader(historical, grid, grey=True, context=context) if hist_layer else None)
            reader, hist_reader = readers[grid.key]
            got = fetch(reader, col, row, cfg.min_std, cfg.retries, cfg.retry_wait_s, cfg.max_nodata)
            counts["attempts"] += got.attempts
            outages[0].saw(got.why)
            pixels, why, share = got.pixels, got.why, got.nodata
            hist = None
            if pixels is not None and hist_reader is not None:
                got_hist = fetch(hist_reader, col, row, cfg.min_std, cfg.retries, cfg.retry_wait_s, cfg.max_nodata)
                counts["attempts"] += got_hist.attempts
                outages[1].saw(got_hist.why)
                hist = got_hist.pixels
                if hist is None:
                    counts["historical_skipped"] += 1
                    if cfg.historical_role == "unpaired":  # an unpaired A tile is needed beside B
                        why, share, pixels = got_hist.why, got_hist.nodata, None
            if pixels is None:
                counts[why] += 1
                refused.saw(why, share)
                record_skipped(cfg.out, name, why, share)
            else:
                georef = (grid.geotransform(col, row), QgsCoordinateReferenceSystem(grid.crs).toWkt())
                sink.write(split, name, pixels, hist, georef)
                counts["written"] += 1
                entries.append(_entry(grid, col, row, name, split))
        if progress is not None:
            progress(i + 1, len(tiles), counts)
    return _manifest(cfg, plan, colour, historical if hist_layer else None, layer, aoi, entries, counts, started,
                     refused)


def empty_splits(cfg: CaptureConfig, counts: Dict[str, int]) -> List[str]:
    """A sentence for each split that was asked for but got no tile (the area holds too few blocks)."""
    out = []
    for split, share in (("val", cfg.val_fraction), ("test", cfg.test_fraction)):
        if share > 0 and counts.get(split, 0) == 0:
            out.append(tr("No tile fell into {0} although its share is {1}: the area holds only {2} tiles in "
                          "blocks of {3} x {3}; choose a smaller block or a larger area.")
                       .format(split, f"{share:g}", sum(counts.values()), cfg.block))
    return out


class NodataShares:
    """The nodata shares of the tiles skipped for nodata, so the summary can say how much was missing."""

    def __init__(self):
        self.shares: List[float] = []

    def saw(self, why: Optional[str], share: float) -> None:
        if why == NODATA:
            self.shares.append(share)

    def summary(self) -> dict:
        s = sorted(self.shares)
        return {"tiles": len(s), "least_share": s[0] if s else None, "median_share": s[len(s) // 2] if s else None}

    def advice(self, max_nodata: float) -> str:
        """One sentence on the skipped tiles' nodata, and what to change, or '' when none was skipped."""
        if not self.shares:
            return ""
        least = min(self.shares)
        return " " + tr("{0} tiles were skipped for nodata: {1} to {2} of their pixels had no data, more than "
                        "the {3} a tile may have; raise the largest nodata share to keep tiles like these, or "
                        "turn off the layer's nodata value in its properties if those pixels are real.").format(
            len(self.shares), _pct(least), _pct(max(self.shares)), _pct(max_nodata))


def _pct(share: float) -> str:
    return f"{100.0 * share:.2g} %" if share < 0.1 else f"{100.0 * share:.0f} %"


def _admitted_now(skipped: Tuple[str, float], max_nodata: float) -> bool:
    """A tile an earlier run skipped for nodata that a larger max_nodata now takes: fetch it again."""
    why, share = skipped
    return why == NODATA and share <= max_nodata


def _entry(grid: Grid, col: int, row: int, name: str, split: str) -> dict:
    entry = {"id": name, "split": split, "source": 0, "bounds": list(grid.bounds(col, row)),
             "gsd": round(grid.ground_res(col, row), 6)}
    if grid.zoom is not None:
        entry.update(zoom=grid.zoom, x=col, y=row)
    else:
        entry.update(col=col, row=row)
    return entry


def _units(crs: QgsCoordinateReferenceSystem) -> str:
    return "degree" if crs.isGeographic() else "metre"


def _manifest(cfg: CaptureConfig, plan: Plan, colour: LayerRef, historical: Optional[LayerRef], layer,
              aoi: Aoi, entries: list, counts: dict, started: str, refused: NodataShares) -> dict:
    if not entries:
        raise BadInput(tr("No usable tiles were captured (blank {0}, nodata {1}, missing {2}); check the layer "
                          "over the area of interest.").format(counts['blank'], counts['nodata'], counts['missing'])
                       + refused.advice(cfg.max_nodata))
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    grid_crs = QgsCoordinateReferenceSystem(plan.grids[0].crs)
    if cfg.zooms:
        # Web-mercator pixels shrink on the ground by cos(latitude): record metres on the ground.
        by_zoom = {}
        for g in plan.grids:
            vals = [e["gsd"] for e in entries if e.get("zoom") == g.zoom]
            if vals:
                by_zoom[str(g.zoom)] = round(sum(vals) / len(vals), 6)
        gsd = next(iter(by_zoom.values())) if len(by_zoom) == 1 else None
    else:
        by_zoom, gsd = {}, cfg.gsd

    def source(ref: LayerRef, role: str) -> dict:
        info = {"name": ref.name, "uri": ref.public_uri or ref.uri, "provider": ref.provider, "role": role,
                "crs": grid_crs.toWkt(), "crs_authid": grid_crs.authid() or None,
                "gsd": gsd, "gsd_units": "metre" if cfg.zooms else _units(grid_crs),
                "attribution": ref.attribution, "captured": now}
        if ref.provider == "gdal" and not ref.is_network:
            info["path"] = ref.uri.split("|")[0]
        return info

    split_counts = {s: sum(e["split"] == s for e in entries) for s in layout.SPLITS}
    sources = [source(colour, "colour") | {"layer_crs": plan.layer_crs}]
    if historical is not None:
        sources.append(source(historical, "historical_" + cfg.historical_role))
    manifest = {
        "aerocolor_dataset": layout.MANIFEST_VERSION,
        "kind": "capture",
        "created": now,
        "config": asdict(cfg),
        "grey_formula": (layout.GREY_FORMULA if cfg.historical_role != "unpaired"
                         else "A tiles are historical grey photos; B tiles are colour"),
        "gsd": gsd,
        "sources": sources,
        "counts": split_counts,
        "skipped": {k: counts[k] for k in ("blank", "nodata", "missing")},
        "tiles": entries,
        "capture": {"started": started, "finished": now, "grids": [g.to_dict() for g in plan.grids],
                    "crs": crs_id(grid_crs), "aoi": aoi.to_dict(), "gsd_by_zoom": by_zoom,
                    "written": counts["written"], "resumed": counts["on_disk"], "attempts": counts["attempts"],
                    "historical_skipped": counts["historical_skipped"],
                    "nodata_skipped": refused.summary(), "nodata_advice": refused.advice(cfg.max_nodata).strip(),
                    "split_warnings": empty_splits(cfg, split_counts),
                    "attribution": colour.attribution,
                    "historical_dir": "historical" if historical is not None and cfg.historical_role == "test"
                    else None},
    }
    finish(cfg.out, manifest)
    return manifest
