"""Project and layer helpers: grey rasters first, results placed above their source."""
from __future__ import annotations

from typing import List, Optional

from qgis.core import QgsLayerTreeGroup, QgsMapLayer, QgsProject, QgsRasterLayer

from .i18n_util import tr


def is_grey(layer: QgsMapLayer) -> bool:
    """One band, or one band plus alpha: what a scanned historical photo looks like."""
    if not isinstance(layer, QgsRasterLayer) or not layer.isValid():
        return False
    return layer.bandCount() == 1 or (layer.bandCount() == 2 and layer.dataProvider() is not None
                                      and "alpha" in layer.bandName(2).lower())


def is_colorized(layer: QgsMapLayer) -> bool:
    """A raster AeroColor wrote (colorize tags its GeoTIFFs with the model it used)."""
    path = file_path_of(layer) if isinstance(layer, QgsRasterLayer) and layer.isValid() else ""
    if not path:
        return False
    from osgeo import gdal

    ds = gdal.OpenEx(path, gdal.OF_RASTER | gdal.OF_READONLY)
    return ds is not None and "AEROCOLOR_MODEL" in (ds.GetMetadata() or {})


def first_grey_layer(project: Optional[QgsProject] = None) -> Optional[QgsRasterLayer]:
    layers = raster_layers_grey_first(project)
    return layers[0] if layers and is_grey(layers[0]) else None


def raster_layers_grey_first(project: Optional[QgsProject] = None) -> List[QgsRasterLayer]:
    project = project or QgsProject.instance()
    rasters = [lyr for lyr in project.mapLayers().values() if isinstance(lyr, QgsRasterLayer)]
    return sorted(rasters, key=lambda lyr: (not is_grey(lyr), lyr.name().lower()))


def file_path_of(layer: QgsRasterLayer) -> str:
    """The file a GDAL raster layer reads, or '' for web services and in-memory data."""
    if layer.providerType() != "gdal":
        return ""
    from qgis.core import QgsProviderRegistry

    parts = QgsProviderRegistry.instance().decodeUri("gdal", layer.source())
    return parts.get("path", "") or ""


def add_result_layer(path: str, source: Optional[QgsMapLayer], name: str,
                     modern: Optional[QgsMapLayer] = None, group_name: str = "") -> QgsRasterLayer:
    """Add a result raster directly above its source (main thread only).

    With ``group_name`` and a modern layer, the result and a copy of the modern layer go into
    a new group at the source's place, ready for the swipe tool; the user's tree is not moved.
    """
    project = QgsProject.instance()
    layer = QgsRasterLayer(path, name)
    if not layer.isValid():
        raise ValueError(tr("The result {0} could not be opened as a raster.").format(path))
    root = project.layerTreeRoot()
    node = root.findLayer(source.id()) if source is not None else None
    parent = node.parent() if node is not None else root
    index = parent.children().index(node) if node is not None else 0
    project.addMapLayer(layer, False)
    if group_name and modern is not None:
        group: QgsLayerTreeGroup = parent.insertGroup(index, group_name)
        group.addLayer(layer)
        twin = modern.clone()
        twin.setName(modern.name())
        project.addMapLayer(twin, False)
        group.addLayer(twin)
    else:
        parent.insertLayer(index, layer)
    return layer
