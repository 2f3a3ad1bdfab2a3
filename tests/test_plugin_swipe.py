"""The swipe tool rendered to an image: the top layer on one side of the line, the layer beneath on the other."""
from __future__ import annotations

import numpy as np
import pytest

from plugin_support import clear_project, wait_until


def _solid(tmp_path, name, rgb):
    from conftest import write_geotiff
    from qgis.core import QgsRasterLayer

    arr = np.empty((3, 40, 60), np.uint8)
    for i, v in enumerate(rgb):
        arr[i] = v
    layer = QgsRasterLayer(write_geotiff(str(tmp_path / f"{name}.tif"), arr), name)
    assert layer.isValid()
    return layer


@pytest.fixture
def two_layers(qgis_app, qgis_canvas, tmp_path):
    from qgis.core import QgsProject

    top = _solid(tmp_path, "top", (220, 20, 20))
    beneath = _solid(tmp_path, "beneath", (20, 20, 220))
    QgsProject.instance().addMapLayers([top, beneath])
    _show(qgis_canvas)
    qgis_canvas.setDestinationCrs(top.crs())
    qgis_canvas.setLayers([top, beneath])
    qgis_canvas.setExtent(top.extent())
    yield top, beneath
    qgis_canvas.setLayers([])
    clear_project()


def _show(canvas) -> None:
    """Shown, as in QGIS: a hidden canvas keeps its initial map size and ignores resizes."""
    canvas.window().show()
    canvas.resize(300, 200)
    canvas.show()
    assert wait_until(lambda: canvas.mapSettings().outputSize() == canvas.viewport().size()
                      and canvas.viewport().width() > 290, 10)


def _render(canvas) -> np.ndarray:
    from qgis.PyQt.QtGui import QImage

    img = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    ptr = img.constBits()
    ptr.setsize(img.sizeInBytes())
    arr = np.frombuffer(ptr, np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3]
    return arr.reshape(img.height(), img.width(), 3).copy()


def _refreshed(canvas):
    done = []
    canvas.mapCanvasRefreshed.connect(lambda: done.append(1))
    canvas.refresh()
    assert wait_until(lambda: done, 20)


@pytest.fixture
def tree_toggles(two_layers):
    """Every visibility change in the layer tree during the test (the root relays its descendants')."""
    from qgis.core import QgsProject

    toggled = []
    root = QgsProject.instance().layerTreeRoot()
    root.visibilityChanged.connect(toggled.append)
    yield toggled
    root.visibilityChanged.disconnect(toggled.append)


def _red(px):
    return px[0] > 150 and px[2] < 80


def _blue(px):
    return px[2] > 150 and px[0] < 80


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_swipe_shows_top_on_one_side_and_beneath_on_the_other(two_layers, tree_toggles, qgis_canvas, orientation):
    from qgis.core import QgsProject

    from aerocolor_plugin.swipe import SwipeMapTool

    top, beneath = two_layers
    _refreshed(qgis_canvas)
    before = _render(qgis_canvas)
    assert _red(before[100, 50]) and _red(before[100, 250])   # without the tool: the top layer everywhere

    tool = SwipeMapTool(qgis_canvas)
    tool.set_layer(top)
    tool.set_orientation(orientation)
    tool.set_position(0.4)
    qgis_canvas.setMapTool(tool)
    assert wait_until(lambda: tool.item is not None and tool.item.ready, 20)
    img = _render(qgis_canvas)
    h, w = img.shape[:2]
    if orientation == "vertical":
        near, far = img[h // 2, int(w * 0.4) - 10], img[h // 2, int(w * 0.4) + 10]
        assert _red(img[h // 2, 5]) and _blue(img[h // 2, w - 5])
    else:
        near, far = img[int(h * 0.4) - 10, w // 2], img[int(h * 0.4) + 10, w // 2]
        assert _red(img[5, w // 2]) and _blue(img[h - 5, w // 2])
    assert _red(near) and _blue(far)

    # The layer tree is untouched (not even toggled and back), and leaving the tool restores the plain map.
    node = QgsProject.instance().layerTreeRoot().findLayer(top.id())
    assert node.isVisible()
    qgis_canvas.unsetMapTool(tool)
    assert tool.item is None
    qgis_canvas.update()
    after = _render(qgis_canvas)
    assert _red(after[100, 250]) and _red(after[180, 150])
    assert tree_toggles == []


def test_swipe_follows_the_drag_and_esc_leaves(two_layers, tree_toggles, qgis_canvas):
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt
    from qgis.PyQt.QtGui import QKeyEvent

    from aerocolor_plugin.swipe import SwipeMapTool

    top, beneath = two_layers
    _refreshed(qgis_canvas)   # the canvas's own picture of the top layer, before the tool paints over it
    tool = SwipeMapTool(qgis_canvas)
    tool.set_layer(top)
    qgis_canvas.setMapTool(tool)
    press = QgsMapMouseEvent(qgis_canvas, QEvent.Type.MouseButtonPress, QPoint(60, 50),
                             Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tool.canvasPressEvent(press)
    move = QgsMapMouseEvent(qgis_canvas, QEvent.Type.MouseMove, QPoint(240, 50),
                            Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tool.canvasMoveEvent(move)
    assert tool.item.position == pytest.approx(240 / qgis_canvas.viewport().width())
    tool.canvasReleaseEvent(move)
    assert wait_until(lambda: tool.item.ready and not qgis_canvas.isDrawing(), 20)
    img = _render(qgis_canvas)
    assert _red(img[100, 230]) and _blue(img[100, 250])
    tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier))
    assert qgis_canvas.mapTool() is not tool
    assert tree_toggles == []


def test_swipe_paints_a_hidpi_rendering_at_the_right_place(qgis_app, qgis_canvas, tmp_path):
    """A device-pixel-ratio 2 rendering (HiDPI screen) lands where the logical line says.

    The beneath layer is green on its left half and blue on its right; mapping the 2x image
    with logical coordinates would show green right of the line, where blue belongs.
    """
    from conftest import write_geotiff
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings, QgsProject, QgsRasterLayer

    from aerocolor_plugin.swipe import SwipeMapTool

    top = _solid(tmp_path, "top", (220, 20, 20))
    arr = np.zeros((3, 40, 60), np.uint8)
    arr[1, :, :30] = 200
    arr[2, :, 30:] = 220
    beneath = QgsRasterLayer(write_geotiff(str(tmp_path / "halves.tif"), arr), "halves")
    QgsProject.instance().addMapLayers([top, beneath])
    tool = SwipeMapTool(qgis_canvas)
    try:
        _show(qgis_canvas)
        qgis_canvas.setDestinationCrs(top.crs())
        qgis_canvas.setLayers([top, beneath])
        qgis_canvas.setExtent(top.extent())
        _refreshed(qgis_canvas)
        tool.set_layer(top)
        tool.set_position(0.3)
        qgis_canvas.setMapTool(tool)
        assert wait_until(lambda: tool.item.ready, 20)

        settings = QgsMapSettings(qgis_canvas.mapSettings())
        settings.setLayers([beneath])
        settings.setDevicePixelRatio(2.0)
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        assert image.width() == 2 * qgis_canvas.viewport().width()
        tool.item.image, tool.item.image_settings = image, job.mapSettings()
        assert tool.item.ready
        tool.item.update()
        img = _render(qgis_canvas)
        h, w = img.shape[:2]
        x_mid = qgis_canvas.mapSettings().mapToPixel().transform(top.extent().center()).x()
        assert _red(img[h // 2, int(w * 0.3) - 8])
        left_of_middle, right_of_middle = img[h // 2, int(x_mid) - 15], img[h // 2, int(x_mid) + 15]
        assert left_of_middle[1] > 150 and left_of_middle[2] < 80       # green half
        assert _blue(right_of_middle)                                   # blue half
    finally:
        qgis_canvas.unsetMapTool(tool)
        qgis_canvas.setLayers([])
        clear_project()


def test_removing_the_swiped_layer_while_swiping_is_harmless(two_layers, qgis_canvas):
    from qgis.core import QgsProject

    from aerocolor_plugin.swipe import SwipeMapTool

    top, beneath = two_layers
    tool = SwipeMapTool(qgis_canvas)
    tool.set_layer(top)
    qgis_canvas.setMapTool(tool)
    assert wait_until(lambda: tool.item.ready, 20)
    QgsProject.instance().removeMapLayer(top.id())
    qgis_canvas.setLayers([beneath])
    _refreshed(qgis_canvas)
    img = _render(qgis_canvas)
    assert _blue(img[100, 50]) and _blue(img[100, 250])
    assert tool.item.layer is None
    qgis_canvas.unsetMapTool(tool)
