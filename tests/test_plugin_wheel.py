"""The mouse wheel over a dock's spin boxes scrolls the dock; it changes a value only once clicked."""
import pytest

from plugin_support import clear_project


def _wheel(widget, steps: int = 1):
    from qgis.PyQt.QtCore import QPoint, QPointF, Qt
    from qgis.PyQt.QtGui import QWheelEvent
    from qgis.PyQt.QtWidgets import QApplication

    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)


@pytest.mark.parametrize("guarded", [True, False])
def test_scrolling_over_the_learning_rate_leaves_it_alone(qgis_app, guarded):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QApplication

    from aerocolor_plugin.docks.train_dock import TrainDock
    from aerocolor_plugin.docks.widgets import guard_wheel

    dock = TrainDock()
    if guarded:
        guard_wheel(dock)
    dock.resize(400, 300)
    dock.show()
    QApplication.processEvents()
    before = dock.lr_g.value()
    _wheel(dock.lr_g, 3)
    if guarded:
        assert dock.lr_g.value() == before
        assert dock.lr_g.focusPolicy() == Qt.FocusPolicy.StrongFocus  # no focus from the wheel either
    else:  # the unguarded box is what users met: the wheel alone changed it
        assert dock.lr_g.value() != before
    dock.close()
    clear_project()


def test_a_focused_spin_box_still_takes_the_wheel(qgis_app):
    from qgis.PyQt.QtWidgets import QApplication

    from aerocolor_plugin.docks.train_dock import TrainDock
    from aerocolor_plugin.docks.widgets import guard_wheel

    dock = TrainDock()
    guard_wheel(dock)
    dock.show()
    dock.activateWindow()
    dock.lr_g.setFocus()
    QApplication.processEvents()
    if not dock.lr_g.hasFocus():
        pytest.skip("this Qt platform gives no keyboard focus to an offscreen window")
    before = dock.lr_g.value()
    _wheel(dock.lr_g, 1)
    assert dock.lr_g.value() != before
    dock.close()
    clear_project()
