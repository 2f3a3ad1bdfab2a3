"""AeroColor QGIS plugin: colorize historical grayscale aerial photographs with GANs.

The plugin never imports torch: the work runs in the backend (``python -m aerocolor``) in
a separate process. Qt is used only through qgis.PyQt so that the plugin runs on Qt5 and Qt6.
"""


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    from .plugin import AeroColorPlugin

    return AeroColorPlugin(iface)
