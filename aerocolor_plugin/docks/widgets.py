"""Small widgets the docks share: the backend banner, the live loss plot, the ETA text."""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, QSize, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QPainter, QPainterPath, QPen
from qgis.PyQt.QtWidgets import (QAbstractScrollArea, QAbstractSpinBox, QComboBox, QHBoxLayout, QLabel, QPushButton,
                                 QScrollArea, QSizePolicy, QWidget)

from ..bridge.setup_dialog import BackendCheck, BackendDialog
from ..i18n_util import tr

PALETTE = ["#c0462f", "#2f6d9a", "#4f8a3a", "#b38a2f", "#7a4f9a", "#2f9a8f", "#9a2f6d", "#555555"]


def format_eta(seconds: Optional[float]) -> str:
    if seconds is None or seconds < 0 or not math.isfinite(seconds):
        return ""
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return tr("{0} h {1:02d} min left").format(h, m)
    if m:
        return tr("{0} min {1:02d} s left").format(m, s)
    return tr("{0} s left").format(s)


class WheelGuard(QObject):
    """Spin boxes and combo boxes take the mouse wheel only when they have focus; otherwise the wheel
    scrolls the dock they sit in. Scrolling the Train dock over the learning rate changed it from
    0.0002 to 0.002 without a click."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.Wheel or obj.hasFocus():
            return False
        area = obj.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            QCoreApplication.sendEvent(area.verticalScrollBar(), event)
        return True


def scrolling(body: QWidget) -> QScrollArea:
    """The dock's body in a vertical scroll area at least as wide as the body needs: docks opened so
    narrow that their fields hid behind a horizontal scroll bar."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(body)
    scroll.setMinimumWidth(body.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
    return scroll


def guard_wheel(root: QWidget) -> WheelGuard:
    """Install a WheelGuard on every spin box and combo box under root (kept alive by root)."""
    guard = getattr(root, "_wheel_guard", None) or WheelGuard(root)
    root._wheel_guard = guard
    for cls in (QAbstractSpinBox, QComboBox):
        for widget in root.findChildren(cls):
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # no focus from the wheel either
            widget.installEventFilter(guard)
    return guard


class BackendBanner(QWidget):
    """Says when the backend cannot run, with a button to fix it; hidden while all is well."""

    ready_changed = pyqtSignal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #a33;")
        layout.addWidget(self.label, 1)
        self.button = QPushButton(tr("Set up backend…"))
        self.button.clicked.connect(self.open_dialog)
        layout.addWidget(self.button)
        self.ready: Optional[bool] = None
        self.checker = BackendCheck(self)
        self.checker.checked.connect(self._checked)
        self.setVisible(False)

    def check(self) -> None:
        self.checker.start()

    def stop(self) -> None:
        self.checker.stop()

    def _checked(self, info: dict, problem: str) -> None:
        self.ready = not problem
        self.label.setText(problem)
        self.setVisible(bool(problem))
        self.ready_changed.emit(self.ready)

    def open_dialog(self) -> None:
        dlg = BackendDialog(self.window())
        dlg.exec()
        self.check()


class LossPlot(QWidget):
    """Loss curves drawn with QPainter (no plotting library in the plugin): one line per loss."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.series: Dict[str, List[Tuple[float, float]]] = {}
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(300, 180)

    def clear(self) -> None:
        self.series = {}
        self.update()

    def add(self, x: float, losses: Dict[str, float]) -> None:
        for name, value in (losses or {}).items():
            if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
                continue
            self.series.setdefault(name, []).append((float(x), float(value)))
        self.update()

    def log_scale(self) -> bool:
        """Log y when every value is positive: G_L1 (10-18) beside D's 0.1-0.7 would flatten them."""
        values = [p[1] for pts in self.series.values() for p in pts]
        return bool(values) and min(values) > 0

    def y_fraction(self, value: float) -> float:
        """Where a loss value sits between the lowest (0) and the highest (1) value shown."""
        values = [p[1] for pts in self.series.values() for p in pts]
        f = math.log10 if self.log_scale() else (lambda v: v)
        lo, hi = f(min(values)), f(max(values))
        return (f(value) - lo) / (hi - lo) if hi > lo else 0.0

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        points = [p for pts in self.series.values() for p in pts]
        if not points:
            area = QRectF(self.rect()).adjusted(36, 8, -8, -20)
            painter.setPen(QPen(QColor("#999999")))
            painter.drawRect(area)
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter), tr("Losses appear here while training."))
            return
        x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
        x1 = x1 if x1 > x0 else x0 + 1
        top, bottom = f"{max(p[1] for p in points):.3g}", f"{min(p[1] for p in points):.3g}"
        metrics = painter.fontMetrics()
        margin = max(metrics.horizontalAdvance(top), metrics.horizontalAdvance(bottom)) + 8  # never clipped
        area = QRectF(self.rect()).adjusted(margin, 8, -8, -20)
        painter.setPen(QPen(QColor("#999999")))
        painter.drawRect(area)
        painter.drawText(QRectF(0, area.top() - 6, margin - 4, 14), int(Qt.AlignmentFlag.AlignRight), top)
        painter.drawText(QRectF(0, area.bottom() - 8, margin - 4, 14), int(Qt.AlignmentFlag.AlignRight), bottom)
        if self.log_scale():
            painter.drawText(QRectF(0, area.center().y() - 7, margin - 4, 14), int(Qt.AlignmentFlag.AlignRight),
                             tr("log"))

        def to_px(x: float, y: float) -> QPointF:
            return QPointF(area.left() + (x - x0) / (x1 - x0) * area.width(),
                           area.bottom() - self.y_fraction(y) * area.height())

        legend_x = area.left() + 4
        for i, (name, pts) in enumerate(sorted(self.series.items())):
            colour = QColor(PALETTE[i % len(PALETTE)])
            pen = QPen(colour)
            pen.setWidthF(1.6)
            painter.setPen(pen)
            path = QPainterPath(to_px(*pts[0]))
            for p in pts[1:]:
                path.lineTo(to_px(*p))
            painter.drawPath(path)
            painter.drawText(QPointF(legend_x, self.height() - 5), name)
            legend_x += painter.fontMetrics().horizontalAdvance(name) + 12
