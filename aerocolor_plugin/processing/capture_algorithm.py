"""Processing: Capture training tiles (a colour layer over an area of interest into a training set).

Runs the Capture engine in the algorithm's own thread (no backend process: capture needs
QGIS's renderers, not torch).
"""
from __future__ import annotations

import os

from qgis.core import (QgsFeatureRequest, QgsProcessing, QgsProcessingException, QgsProcessingOutputFile,
                       QgsProcessingOutputNumber, QgsProcessingParameterCrs, QgsProcessingParameterEnum,
                       QgsProcessingParameterExtent, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString)

from ..capture.aoi import aoi_from_features, aoi_from_rect, shown
from ..capture.engine import HISTORICAL_ROLES, CaptureConfig, run_capture
from ..capture.render import LayerError, LayerRef
from ..capture.writer import layout
from ..i18n_util import tr
from .base import AeroColorAlgorithm

GRIDS = ["zoom", "gsd"]
FORMATS = ["png", "jpeg", "tiff"]
LAYOUTS = list(layout.LAYOUTS)  # aligned, pairs, unpaired


def parse_zooms(text: str) -> list:
    """'15,16' or '15-17' to [15, 16] / [15, 16, 17]; one sentence when it is not that."""
    zooms = []
    try:
        for part in str(text or "").replace(" ", "").split(","):
            if not part:
                continue
            if "-" in part:
                a, b = (int(v) for v in part.split("-", 1))
                zooms += list(range(min(a, b), max(a, b) + 1))
            else:
                zooms.append(int(part))
    except ValueError:
        raise ValueError(f"Zoom levels {text!r} are not numbers; write them as 15,16 or 15-16.") from None
    return sorted(set(zooms))


class CaptureAlgorithm(AeroColorAlgorithm):
    ICON = "capture.svg"

    def name(self) -> str:
        return "capture"

    def displayName(self) -> str:
        return tr("Capture training tiles")

    def shortHelpString(self) -> str:
        return tr("Captures tiles of a colour layer (WMTS, XYZ, WMS or a raster file) over an area of interest "
                  "on a web-mercator zoom grid or a ground-resolution grid, and writes a training set that "
                  "'Train model' reads: grey and colour tiles in the chosen layout, split into train, val and "
                  "test by spatial blocks, with a manifest of bounds, CRS, m/px, source and attribution. "
                  "Blank, nodata and missing tiles are skipped and counted; running again with the same "
                  "settings resumes.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterRasterLayer("INPUT", tr("Colour layer")))
        self.addParameter(QgsProcessingParameterExtent("EXTENT", tr("Area of interest (extent)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "AOI", tr("Area of interest (polygons; used instead of the extent)"),
            [QgsProcessing.SourceType.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterEnum("GRID", tr("Tile grid"),
                                                     [tr("Web-mercator zoom levels (XYZ)"),
                                                      tr("Ground resolution in a CRS")], defaultValue=0))
        self.addParameter(QgsProcessingParameterString("ZOOMS", tr("Zoom levels (e.g. 15,16)"), "15,16", optional=True))
        self.addParameter(QgsProcessingParameterNumber("GSD", tr("Ground resolution (CRS units per px)"),
                                                       QgsProcessingParameterNumber.Type.Double, 0.5, True, 0.0))
        self.addParameter(QgsProcessingParameterCrs("CRS", tr("Grid CRS (empty: the layer's)"), optional=True))
        self.addParameter(QgsProcessingParameterNumber("TILE", tr("Tile size (px)"),
                                                       QgsProcessingParameterNumber.Type.Integer, 256, False, 16, 4096))
        self.addParameter(QgsProcessingParameterEnum("FORMAT", tr("Tile format"), ["PNG", "JPEG", "GeoTIFF"],
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            "LAYOUT", tr("Layout"), [tr("aligned A|B (pix2pix, BicycleGAN)"), tr("A/ + B/ pairs"),
                                     tr("trainA/trainB unpaired (CycleGAN, CUT)")], defaultValue=1))
        self.addParameter(QgsProcessingParameterRasterLayer("HISTORICAL", tr("Historical grey layer"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "HISTORICAL_ROLE", tr("Use of the historical layer"),
            [tr("none"), tr("grey (A) set of an unpaired layout"), tr("test tiles (historical/)")], defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber("VAL", tr("Validation share"),
                                                       QgsProcessingParameterNumber.Type.Double, 0.1, False, 0.0, 0.9))
        self.addParameter(QgsProcessingParameterNumber("TEST", tr("Test share"),
                                                       QgsProcessingParameterNumber.Type.Double, 0.1, False, 0.0, 0.9))
        self.addParameter(QgsProcessingParameterNumber("BLOCK", tr("Tiles per side of a split block"),
                                                       QgsProcessingParameterNumber.Type.Integer, 4, False, 1, 1024))
        self.addParameter(QgsProcessingParameterNumber("SEED", tr("Split seed"),
                                                       QgsProcessingParameterNumber.Type.Integer, 0, False, 0))
        self.addParameter(QgsProcessingParameterNumber(
            "MAX_NODATA", tr("Largest share of nodata pixels in a tile (%)"),
            QgsProcessingParameterNumber.Type.Double, 100 * CaptureConfig.max_nodata, False, 0.0, 99.0))
        self.addParameter(QgsProcessingParameterNumber("MAX_TILES", tr("Refuse captures of more tiles than"),
                                                       QgsProcessingParameterNumber.Type.Integer, 250000, False, 1))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Training set folder")))
        self.addOutput(QgsProcessingOutputNumber("TILES", tr("Tiles captured")))
        self.addOutput(QgsProcessingOutputFile("MANIFEST", tr("Manifest")))

    def processAlgorithm(self, parameters, context, feedback):
        from aerocolor.errors import AeroColorError

        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        historical = self.parameterAsRasterLayer(parameters, "HISTORICAL", context)
        role = HISTORICAL_ROLES[self.parameterAsEnum(parameters, "HISTORICAL_ROLE", context)]
        out = self.parameterAsString(parameters, "OUTPUT", context)
        try:
            cfg = CaptureConfig(
                out=out, tile=self.parameterAsInt(parameters, "TILE", context),
                fmt=FORMATS[self.parameterAsEnum(parameters, "FORMAT", context)],
                layout=LAYOUTS[self.parameterAsEnum(parameters, "LAYOUT", context)],
                val_fraction=self.parameterAsDouble(parameters, "VAL", context),
                test_fraction=self.parameterAsDouble(parameters, "TEST", context),
                block=self.parameterAsInt(parameters, "BLOCK", context),
                seed=self.parameterAsInt(parameters, "SEED", context),
                max_tiles=self.parameterAsInt(parameters, "MAX_TILES", context),
                max_nodata=self.parameterAsDouble(parameters, "MAX_NODATA", context) / 100.0,
                historical_role=role if historical is not None else "none")
            if GRIDS[self.parameterAsEnum(parameters, "GRID", context)] == "zoom":
                cfg.zooms = parse_zooms(self.parameterAsString(parameters, "ZOOMS", context))
            else:
                cfg.gsd = self.parameterAsDouble(parameters, "GSD", context)
                crs = self.parameterAsCrs(parameters, "CRS", context)
                cfg.crs = crs.authid() if crs.isValid() else ""
            colour = LayerRef.of(layer)
            hist = LayerRef.of(historical) if historical is not None else None
            aoi = self._aoi(parameters, context, layer)
            feedback.pushInfo(tr("Capturing {0} over {1} into {2}.").format(colour.name, shown(aoi), out))

            def progress(done, total, counts):
                feedback.setProgress(100.0 * done / max(total, 1))

            manifest = run_capture(cfg, colour, aoi, context.transformContext(), hist, progress=progress,
                                   is_cancelled=feedback.isCanceled, log=feedback.pushInfo)
        except (ValueError, LayerError) as exc:
            raise QgsProcessingException(str(exc)) from None
        except AeroColorError as exc:
            raise QgsProcessingException(exc.message) from None
        skipped = manifest["skipped"]
        feedback.pushInfo(tr("{0} tiles written ({1} resumed); skipped: blank {2}, nodata {3}, missing {4}.").format(
            manifest["capture"]["written"], manifest["capture"]["resumed"], skipped["blank"], skipped["nodata"],
            skipped["missing"]))
        for warning in manifest["capture"]["split_warnings"]:
            feedback.reportError(warning, fatalError=False)
        if manifest["capture"]["nodata_advice"]:
            feedback.pushInfo(manifest["capture"]["nodata_advice"])
        return {"OUTPUT": out, "TILES": len(manifest["tiles"]), "MANIFEST": os.path.join(out, layout.MANIFEST)}

    def _aoi(self, parameters, context, layer):
        source = self.parameterAsSource(parameters, "AOI", context)
        if source is not None:
            feats = source.getFeatures(QgsFeatureRequest().setNoAttributes())
            return aoi_from_features(feats, source.sourceCrs(), source.sourceName() or tr("the polygons"))
        if parameters.get("EXTENT"):
            crs = self.parameterAsExtentCrs(parameters, "EXTENT", context)
            rect = self.parameterAsExtent(parameters, "EXTENT", context, crs)
            return aoi_from_rect(rect, crs if crs.isValid() else layer.crs(), tr("extent"))
        raise QgsProcessingException(tr("Give the area of interest: an extent or a polygon layer."))
