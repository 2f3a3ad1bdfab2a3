"""Areas of interest: a rectangle, the features of a polygon layer, or the canvas extent.

An Aoi holds plain QgsGeometry copies and a CRS, so it can be made on the main thread and
used in a task. ``tiles_in`` lists the tiles of a grid that overlap it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Set, Tuple

from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCoordinateTransformContext,
                       QgsGeometry, QgsRectangle, QgsWkbTypes)

from ..i18n_util import tr
from .grid import Grid, Rect


@dataclass
class Aoi:
    geometries: List[QgsGeometry]
    crs: QgsCoordinateReferenceSystem
    rectangular: bool = True          # a plain rectangle: every tile of its range counts
    description: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        box = self.bbox()
        return {"description": self.description, "crs": self.crs.authid() or self.crs.toWkt(),
                "bbox": [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()],
                "features": len(self.geometries), **self.extra}

    def bbox(self) -> QgsRectangle:
        box = QgsRectangle()
        box.setMinimal()
        for g in self.geometries:
            box.combineExtentWith(g.boundingBox())
        return box


def shown(aoi: "Aoi") -> str:
    """The area's description in the user's language (the request file keeps the English one, so a
    capture resumes whatever language QGIS runs in)."""
    return {"rectangle": tr("the drawn rectangle"), "canvas extent": tr("the visible map")}.get(
        aoi.description, aoi.description)


def aoi_from_rect(rect: QgsRectangle, crs: QgsCoordinateReferenceSystem, description: str = "rectangle") -> Aoi:
    if rect is None or rect.isEmpty():
        raise ValueError("The area of interest is empty; draw a rectangle or choose a polygon layer.")
    return Aoi([QgsGeometry.fromRect(rect)], crs, True, description)


def aoi_from_canvas(canvas) -> Aoi:
    """The visible map: the canvas extent in the canvas CRS."""
    return aoi_from_rect(canvas.extent(), canvas.mapSettings().destinationCrs(), "canvas extent")


def aoi_from_layer(layer, selected_only: bool = False) -> Aoi:
    """The polygons of a vector layer (its selection, if asked); tiles touching them count."""
    if layer is None or not layer.isValid():
        raise ValueError("The polygon layer could not be read; choose another area of interest.")
    if QgsWkbTypes.geometryType(layer.wkbType()) != QgsWkbTypes.GeometryType.PolygonGeometry:
        raise ValueError(f"{layer.name()} is not a polygon layer; choose polygons for the area of interest.")
    feats = layer.getSelectedFeatures() if selected_only else layer.getFeatures()
    return aoi_from_features(feats, layer.crs(), layer.name() + (" (selected)" if selected_only else ""),
                             {"layer": layer.publicSource(), "selected_only": selected_only})


def aoi_from_features(features, crs: QgsCoordinateReferenceSystem, name: str, extra: Optional[dict] = None) -> Aoi:
    """Polygons from any feature iterator (a layer, a Processing source)."""
    geoms = [QgsGeometry(f.geometry()) for f in features if f.hasGeometry() and not f.geometry().isEmpty()
             and f.geometry().type() == QgsWkbTypes.GeometryType.PolygonGeometry]
    if not geoms:
        raise ValueError(f"{name} has no polygons; choose features for the area of interest.")
    return Aoi(geoms, crs, False, f"{len(geoms)} polygon(s) of {name}", dict(extra or {}))


def _rect(r: QgsRectangle) -> Rect:
    return (r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum())


def in_crs(aoi: Aoi, crs: QgsCoordinateReferenceSystem, context: QgsCoordinateTransformContext) -> List[QgsGeometry]:
    """The AOI's geometries in another CRS; edges are densified so that they bend as they should."""
    if aoi.crs == crs:
        return [QgsGeometry(g) for g in aoi.geometries]
    xform = QgsCoordinateTransform(aoi.crs, crs, context)
    out = []
    for g in aoi.geometries:
        g2 = g.densifyByCount(16) if aoi.rectangular else QgsGeometry(g)
        g2.transform(xform)
        out.append(g2)
    return out


def clip_rect(geoms: List[QgsGeometry], limit: Optional[QgsRectangle]) -> Optional[Rect]:
    """The bounding box of the geometries, clipped to limit; None when they do not meet."""
    box = QgsRectangle()
    box.setMinimal()
    for g in geoms:
        box.combineExtentWith(g.boundingBox())
    if limit is not None:
        if not box.intersects(limit):
            return None
        box = box.intersect(limit)
    return None if box.isEmpty() or box.width() <= 0 or box.height() <= 0 else _rect(box)


def estimate(grid: Grid, geoms: List[QgsGeometry], limit: Optional[QgsRectangle]) -> int:
    """Tiles over the geometries' bounding boxes (exact for rectangles, an upper bound otherwise)."""
    total = 0
    for g in geoms:
        r = clip_rect([g], limit)
        total += grid.count(r) if r else 0
    return total


def tiles_in(grid: Grid, geoms: List[QgsGeometry], limit: Optional[QgsRectangle],
             rectangular: bool) -> List[Tuple[int, int]]:
    """(col, row) of the tiles whose inside overlaps the AOI (and the limit), row by row."""
    found: Set[Tuple[int, int]] = set()
    for g in geoms:
        r = clip_rect([g], limit)
        if r is None:
            continue
        if rectangular:
            found.update(grid.tiles(r))
            continue
        engine = QgsGeometry.createGeometryEngine(g.constGet())
        engine.prepareGeometry()
        shrink = grid.span * 1e-6  # touching an edge is not overlapping
        for col, row in grid.tiles(r):
            if (col, row) in found:
                continue
            x0, y0, x1, y1 = grid.bounds(col, row)
            cell = QgsGeometry.fromRect(QgsRectangle(x0 + shrink, y0 + shrink, x1 - shrink, y1 - shrink))
            if engine.intersects(cell.constGet()):
                found.add((col, row))
    return sorted(found, key=lambda t: (t[1], t[0]))
