"""Small widgets of the docks: the wheel guard on spin boxes, the live loss plot."""
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


def test_the_loss_plot_keeps_small_losses_apart_beside_a_large_one(qgis_app):
    """G_L1 (10-18) beside D's losses (0.07-0.2) drawn on one linear axis left D a flat line."""
    from aerocolor_plugin.docks.widgets import LossPlot

    plot = LossPlot()
    plot.add(1, {"G_L1": 15.0, "D_real": 0.07, "D_fake": 0.2})
    plot.add(2, {"G_L1": 11.0, "D_real": 0.09, "D_fake": 0.15})
    assert plot.log_scale()
    assert plot.y_fraction(0.2) - plot.y_fraction(0.07) > 0.15  # linear: under 0.01
    plot.resize(300, 180)
    image = plot.grab()  # paints, labels included, without error
    assert not image.isNull()
    plot.add(3, {"G_GAN": -0.5})  # a WGAN critic's loss can be negative: back to a linear axis
    assert not plot.log_scale()


@pytest.mark.parametrize("which", ["capture", "train", "colorize"])
def test_docks_open_wide_enough_for_their_fields(qgis_app, qgis_iface, which):
    """No horizontal scroll bar at the dock's narrowest: its scroll area is as wide as its body needs."""
    from qgis.PyQt.QtCore import Qt

    from aerocolor_plugin.docks.capture_dock import CaptureDock
    from aerocolor_plugin.docks.colorize_dock import ColorizeDock
    from aerocolor_plugin.docks.train_dock import TrainDock

    dock = {"capture": lambda: CaptureDock(None, qgis_iface), "train": TrainDock,
            "colorize": lambda: ColorizeDock(None, qgis_iface)}[which]()
    scroll = dock.widget()
    body = scroll.widget()
    assert scroll.minimumWidth() >= body.minimumSizeHint().width()
    scroll.resize(scroll.minimumWidth(), 400)
    scroll.show()
    assert not scroll.horizontalScrollBar().isVisible()
    assert scroll.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOn
    dock.shutdown()
    dock.deleteLater()
    clear_project()
