"""Compare (swipe) tool: drag a line across the map to reveal what lies beneath a layer.

The canvas keeps drawing everything as usual. An overlay item holds a second rendering of
the same view without the swiped layer, made by a background render job, and paints it on
the far side of the line. The layer tree is never touched, and the canvas never waits.
"""
from __future__ import annotations

from typing import Optional

from qgis.core import QgsMapLayer, QgsMapRendererParallelJob, QgsMapSettings
from qgis.gui import QgsMapCanvas, QgsMapCanvasItem, QgsMapTool
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QPointF, QRectF, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QImage, QPainter, QPen

VERTICAL = "vertical"      # the line runs top to bottom; beneath shows on its right
HORIZONTAL = "horizontal"  # the line runs left to right; beneath shows below it


class SwipeItem(QgsMapCanvasItem):
    """Paints the 'beneath' image on one side of the swipe line."""

    def __init__(self, canvas: QgsMapCanvas):
        super().__init__(canvas)
        self.canvas_ = canvas
        self.layer: Optional[QgsMapLayer] = None
        self.orientation = VERTICAL
        self.position = 0.5            # fraction of the canvas width (or height)
        self.image: Optional[QImage] = None
        self.image_settings: Optional[QgsMapSettings] = None
        self.job: Optional[QgsMapRendererParallelJob] = None
        self._retired = []
        self.setZValue(1000)
        canvas.mapCanvasRefreshed.connect(self.request_render)
        canvas.extentsChanged.connect(self.update)

    # -- rendering in the background ------------------------------------------------------
    def request_render(self) -> None:
        """Start (or restart) the background rendering of everything except the swiped layer."""
        if self.layer is None:
            return
        if sip.isdeleted(self.layer):
            # The layer left the project while the tool was on: nothing to swipe any more.
            self.layer, self.image = None, None
            self.update()
            return
        settings = QgsMapSettings(self.canvas_.mapSettings())
        settings.setLayers([lyr for lyr in settings.layers() if lyr is not None and lyr.id() != self.layer.id()])
        self._retire()
        job = QgsMapRendererParallelJob(settings)
        job.finished.connect(lambda: self._job_done(job))
        self.job = job
        job.start()

    def _retire(self) -> None:
        """Cancel the running job without waiting; keep it alive until it reports finished."""
        if self.job is not None:
            self._retired.append(self.job)
            self.job.cancelWithoutBlocking()
            self.job = None

    def _job_done(self, job: QgsMapRendererParallelJob) -> None:
        if job is not self.job:
            if job in self._retired:
                self._retired.remove(job)
            return
        self.image = job.renderedImage()
        self.image_settings = job.mapSettings()
        self.job = None
        self.update()

    @property
    def ready(self) -> bool:
        """True when the beneath image matches what the canvas shows now."""
        return (self.image is not None and self.image_settings is not None
                and self.image_settings.visibleExtent() == self.canvas_.mapSettings().visibleExtent()
                and self.image_settings.outputSize() == self.canvas_.mapSettings().outputSize())

    def stop(self) -> None:
        # Leaving the tool: jobs must end before this item goes (a cancelled job stops quickly).
        self._retire()
        for job in self._retired:
            job.cancel()
        self._retired = []
        for signal, slot in ((self.canvas_.mapCanvasRefreshed, self.request_render),
                             (self.canvas_.extentsChanged, self.update)):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass

    # -- painting -------------------------------------------------------------------------
    def _size(self):
        """The map's size in logical pixels: what the canvas renders (its widget size once shown)."""
        size = self.canvas_.mapSettings().outputSize()
        return size.width(), size.height()

    def boundingRect(self) -> QRectF:
        w, h = self._size()
        return QRectF(0, 0, w, h)

    def beneath_rect(self) -> QRectF:
        """The part of the canvas (logical pixels) that shows what lies beneath the layer."""
        w, h = self._size()
        if self.orientation == VERTICAL:
            x = round(self.position * w)
            return QRectF(x, 0, w - x, h)
        y = round(self.position * h)
        return QRectF(0, y, w, h - y)

    def paint(self, painter: QPainter, *args) -> None:
        if self.layer is None or sip.isdeleted(self.layer):
            return
        target = self.beneath_rect()
        if self.ready and target.width() > 0 and target.height() > 0:
            # The image has device pixels (HiDPI): scale the source rect, never the target.
            w, h = self._size()
            sx = self.image.width() / max(1, w)
            sy = self.image.height() / max(1, h)
            source = QRectF(target.x() * sx, target.y() * sy, target.width() * sx, target.height() * sy)
            painter.drawImage(target, self.image, source)
        pen = QPen(QColor(255, 255, 255, 230))
        pen.setWidth(3)
        painter.setPen(pen)
        w, h = self._size()
        if self.orientation == VERTICAL:
            painter.drawLine(QPointF(target.x(), 0), QPointF(target.x(), h))
        else:
            painter.drawLine(QPointF(0, target.y()), QPointF(w, target.y()))


class SwipeMapTool(QgsMapTool):
    """Press and drag to move the line; Esc leaves the tool."""

    left = pyqtSignal()

    def __init__(self, canvas: QgsMapCanvas):
        super().__init__(canvas)
        self.item: Optional[SwipeItem] = None
        self.layer: Optional[QgsMapLayer] = None
        self.orientation = VERTICAL
        self.position = 0.5
        self._dragging = False
        self.setCursor(Qt.CursorShape.SplitHCursor)

    def set_layer(self, layer: Optional[QgsMapLayer]) -> None:
        self.layer = layer
        if self.item is not None:
            self.item.layer = layer
            self.item.image = None
            self.item.request_render()
            self.item.update()

    def set_orientation(self, orientation: str) -> None:
        self.orientation = orientation
        self.setCursor(Qt.CursorShape.SplitHCursor if orientation == VERTICAL else Qt.CursorShape.SplitVCursor)
        if self.item is not None:
            self.item.orientation = orientation
            self.item.update()

    def set_position(self, fraction: float) -> None:
        self.position = min(1.0, max(0.0, fraction))
        if self.item is not None:
            self.item.position = self.position
            self.item.update()

    def activate(self) -> None:
        super().activate()
        self.item = SwipeItem(self.canvas())
        self.item.orientation, self.item.position, self.item.layer = self.orientation, self.position, self.layer
        self.item.request_render()

    def deactivate(self) -> None:
        if self.item is not None:
            self.item.stop()
            self.canvas().scene().removeItem(self.item)
            self.item = None
        super().deactivate()
        self.left.emit()

    def _move_to(self, e) -> None:
        pos, size = e.pos(), self.canvas().mapSettings().outputSize()
        if self.orientation == VERTICAL:
            self.set_position(pos.x() / max(1, size.width()))
        else:
            self.set_position(pos.y() / max(1, size.height()))

    def canvasPressEvent(self, e) -> None:
        self._dragging = True
        self._move_to(e)

    def canvasMoveEvent(self, e) -> None:
        if self._dragging:
            self._move_to(e)

    def canvasReleaseEvent(self, e) -> None:
        self._dragging = False

    def keyPressEvent(self, e) -> None:
        if e.key() == Qt.Key.Key_Escape:
            self.canvas().unsetMapTool(self)
            e.accept()
        else:
            e.ignore()
