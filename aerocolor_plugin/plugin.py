"""The plugin object QGIS loads: docks, toolbar, menu, swipe tool and the Processing provider."""
from __future__ import annotations

from typing import List, Optional

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QAction, QActionGroup, QMenu, QToolButton

from .i18n_util import install_translator, tr
from .resources import icon


class AeroColorPlugin:
    def __init__(self, iface):
        # iface is None under qgis_process: only initProcessing is called then.
        self.iface = iface
        self.translator = install_translator()
        # After the translator, so the menu has the user's language; the same name removes it again.
        self.menu = tr("&AeroColor")
        self.provider = None
        self.actions: List[QAction] = []
        self.toolbar = None
        self.train_dock = None
        self.colorize_dock = None
        self.capture_dock = None
        self.swipe_tool = None
        self.swipe_action: Optional[QAction] = None
        self.mosaic_dialog = None

    # -- Processing -----------------------------------------------------------------------
    def initProcessing(self) -> None:  # noqa: N802
        from .processing.provider import AeroColorProvider

        if self.provider is None:
            self.provider = AeroColorProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    # -- GUI ------------------------------------------------------------------------------
    def _action(self, icon_name: str, text: str, slot, checkable: bool = False) -> QAction:
        action = QAction(icon(icon_name), text, self.iface.mainWindow())
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.iface.addPluginToMenu(self.menu, action)
        self.actions.append(action)
        return action

    def initGui(self) -> None:  # noqa: N802
        from .docks.capture_dock import CaptureDock
        from .docks.colorize_dock import ColorizeDock
        from .docks.train_dock import TrainDock
        from .docks.widgets import guard_wheel
        from .swipe import HORIZONTAL, VERTICAL, SwipeMapTool

        self.initProcessing()
        window = self.iface.mainWindow()
        self.toolbar = self.iface.addToolBar(tr("AeroColor"))
        self.toolbar.setObjectName("AeroColorToolbar")

        self.capture_dock = CaptureDock(window, self.iface)
        self.train_dock = TrainDock(window)
        self.colorize_dock = ColorizeDock(window, self.iface)
        # A finished training offers its model for colorizing at once.
        self.train_dock.trained.connect(lambda path: self.colorize_dock.refresh_checkpoints(select=path))
        # Hidden until asked for; show_dock puts them into one tab group.
        for dock in (self.capture_dock, self.train_dock, self.colorize_dock):
            guard_wheel(dock)
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.hide()

        capture = self._action("capture.svg", tr("Capture training tiles"), lambda: self.show_dock(self.capture_dock))
        train = self._action("train.svg", tr("Train model"), lambda: self.show_dock(self.train_dock))
        colorize = self._action("colorize.svg", tr("Colorize layer"), lambda: self.show_dock(self.colorize_dock))
        self.swipe_tool = SwipeMapTool(self.iface.mapCanvas())
        self.swipe_action = self._action("swipe.svg", tr("Compare (swipe)"), self.toggle_swipe, checkable=True)
        self.swipe_tool.setAction(self.swipe_action)
        self.swipe_tool.left.connect(lambda: self.swipe_action.setChecked(False))
        mosaic = self._action("mosaic.svg", tr("Export mosaic…"), self.export_mosaic)
        backend = self._action("backend.svg", tr("Backend settings…"), self.backend_settings)

        # The swipe button carries its direction in a menu.
        menu = QMenu(window)
        group = QActionGroup(menu)
        for key, label in ((VERTICAL, tr("Vertical line")), (HORIZONTAL, tr("Horizontal line"))):
            act = menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(key == VERTICAL)
            act.triggered.connect(lambda _=False, k=key: self.swipe_tool.set_orientation(k))
            group.addAction(act)
        self.swipe_menu = menu
        button = QToolButton(self.toolbar)
        button.setDefaultAction(self.swipe_action)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        for action in (capture, train, colorize):
            self.toolbar.addAction(action)
        self.swipe_button_action = self.toolbar.addWidget(button)
        for action in (mosaic, backend):
            self.toolbar.addAction(action)
        self.iface.currentLayerChanged.connect(self._current_layer_changed)

    def unload(self) -> None:
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.iface is None:
            return
        try:
            self.iface.currentLayerChanged.disconnect(self._current_layer_changed)
        except (TypeError, AttributeError):
            pass
        if self.swipe_tool is not None:
            canvas = self.iface.mapCanvas()
            if canvas.mapTool() is self.swipe_tool:
                canvas.unsetMapTool(self.swipe_tool)
            self.swipe_tool = None
        for action in self.actions:
            self.iface.removePluginMenu(self.menu, action)
            self.iface.removeToolBarIcon(action)
        self.actions = []
        for dock in (self.capture_dock, self.train_dock, self.colorize_dock):
            if dock is not None:
                dock.shutdown()
                self.iface.removeDockWidget(dock)
                dock.deleteLater()
        self.train_dock = self.colorize_dock = self.capture_dock = None
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.translator is not None:
            from qgis.PyQt.QtCore import QCoreApplication

            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

    # -- actions --------------------------------------------------------------------------
    def show_dock(self, dock) -> None:
        # Qt tabifies only docks that are shown: join the first of ours already open on that side.
        window = self.iface.mainWindow()
        if hasattr(window, "tabifyDockWidget") and not dock.isVisible():
            open_ones = [d for d in (self.capture_dock, self.train_dock, self.colorize_dock)
                         if d is not None and d is not dock and d.isVisible() and not d.isFloating()
                         and window.dockWidgetArea(d) == window.dockWidgetArea(dock)]
            if open_ones:
                window.tabifyDockWidget(open_ones[0], dock)
        dock.show()
        dock.raise_()
        banner = getattr(dock, "banner", None)  # Capture needs no backend, so it has no banner
        if banner is not None and banner.ready is None:
            banner.check()

    def toggle_swipe(self, checked: bool) -> None:
        canvas = self.iface.mapCanvas()
        if not checked:
            if canvas.mapTool() is self.swipe_tool:
                canvas.unsetMapTool(self.swipe_tool)
            return
        layer = self.iface.activeLayer()
        if layer is None:
            self.iface.messageBar().pushInfo(tr("AeroColor"), tr("Select the layer to swipe in the Layers panel."))
            self.swipe_action.setChecked(False)
            return
        self.swipe_tool.set_layer(layer)
        canvas.setMapTool(self.swipe_tool)

    def _current_layer_changed(self, layer) -> None:
        if self.swipe_tool is not None and layer is not None and self.iface.mapCanvas().mapTool() is self.swipe_tool:
            self.swipe_tool.set_layer(layer)

    def export_mosaic(self) -> None:
        from .mosaic_dialog import MosaicDialog

        self.mosaic_dialog = MosaicDialog(self.iface.mainWindow(), self.iface.messageBar())
        self.mosaic_dialog.show()

    def backend_settings(self) -> None:
        from .bridge.setup_dialog import BackendDialog

        dlg = BackendDialog(self.iface.mainWindow())
        dlg.exec()
        for dock in (self.train_dock, self.colorize_dock):
            if dock is not None:
                dock.banner.check()
