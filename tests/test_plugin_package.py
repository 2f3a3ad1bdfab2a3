"""The built plugin zip: its contents, and loading it through QGIS's own plugin loader (qgis.utils)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from plugin_support import REPO

# Runs in a fresh interpreter, so nothing of this checkout is imported before QGIS loads the zip.
LOADER = r"""
import json, os, sys
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], True)
app.initQgis()
plugins_dir = sys.argv[1]
sys.path.insert(0, plugins_dir)          # what QGIS does for each plugin folder
import qgis.utils
from qgis.gui import QgsMapCanvas
from qgis.gui import QgsMessageBar
from qgis.PyQt.QtCore import QObject, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QMainWindow


class Iface(QObject):
    # The few QgisInterface calls a plugin makes, backed by real widgets.
    currentLayerChanged = pyqtSignal(object)

    def __init__(self):
        super().__init__()
        self.window = QMainWindow()
        self.canvas = QgsMapCanvas(self.window)
        self.bar = QgsMessageBar(self.window)
        self.menus = {}

    def mainWindow(self): return self.window
    def mapCanvas(self): return self.canvas
    def messageBar(self): return self.bar
    def activeLayer(self): return None
    def addToolBar(self, name): return self.window.addToolBar(name)
    def addPluginToMenu(self, menu, action): self.menus.setdefault(menu, []).append(action)
    def removePluginMenu(self, menu, action): self.menus[menu].remove(action)
    def removeToolBarIcon(self, action): pass
    def addDockWidget(self, area, dock): self.window.addDockWidget(area, dock)
    def removeDockWidget(self, dock): self.window.removeDockWidget(dock)


iface = Iface()
qgis.utils.iface = iface
qgis.utils.plugin_paths = [plugins_dir]
qgis.utils.updateAvailablePlugins()
out = {"available": sorted(qgis.utils.available_plugins)}
out["loaded"] = qgis.utils.loadPlugin("aerocolor_plugin")
out["started"] = qgis.utils.startPlugin("aerocolor_plugin")
plugin = qgis.utils.plugins.get("aerocolor_plugin")
import aerocolor_plugin, aerocolor
from aerocolor_plugin.bridge import paths
from aerocolor_plugin.i18n_util import install_translator, tr
out["module"] = aerocolor_plugin.__file__
out["backend_root"] = paths.backend_root()
out["backend_module"] = aerocolor.__file__
out["name"] = qgis.utils.pluginMetadata("aerocolor_plugin", "name")
out["qt6"] = qgis.utils.pluginMetadata("aerocolor_plugin", "supportsQt6")
reg = QgsApplication.processingRegistry()
out["algorithms"] = sorted(a.id() for a in reg.providerById("aerocolor").algorithms())
out["actions"] = [a.text() for a in plugin.actions]
out["torch_imported"] = "torch" in sys.modules
translator = install_translator("zh_TW")
out["zh_TW"] = tr("Train model")
out["unloaded"] = qgis.utils.unloadPlugin("aerocolor_plugin")
out["provider_after_unload"] = reg.providerById("aerocolor") is not None
print("RESULT " + json.dumps(out))
QgsProject.instance().clear()
out_menus = iface.menus
del iface
app.exitQgis()
"""


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(["bash", os.path.join(REPO, "scripts", "build_plugin"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "KiB" in proc.stdout            # the script reports the size
    (path,) = [str(p) for p in out.iterdir() if p.suffix == ".zip"]
    return path


def test_zip_holds_plugin_backend_metadata_and_no_caches(built_zip):
    names = zipfile.ZipFile(built_zip).namelist()
    assert all(n.startswith("aerocolor_plugin/") for n in names)
    for needed in ("__init__.py", "metadata.txt", "resources.qrc", "LICENSE", "icons/aerocolor.svg",
                   "i18n/aerocolor_zh_TW.qm", "processing/provider.py", "docks/colorize_dock.py",
                   "backend/aerocolor/protocol.py", "backend/aerocolor/cli.py", "backend/aerocolor/__main__.py"):
        assert f"aerocolor_plugin/{needed}" in names, needed
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".ts", ".part"))]


def test_metadata_is_complete():
    import configparser

    cp = configparser.ConfigParser()
    cp.read(os.path.join(REPO, "metadata.txt"), encoding="utf-8")
    g = cp["general"]
    for key in ("name", "qgisMinimumVersion", "qgisMaximumVersion", "description", "about", "version", "author",
                "email", "repository", "tracker", "homepage", "tags", "icon"):
        assert g.get(key), key
    assert g["qgisMinimumVersion"] == "3.22" and g["qgisMaximumVersion"] == "4.99"
    assert g["supportsQt6"] == "True" and g["hasProcessingProvider"] == "yes"
    assert "PyTorch" in g["about"]


def test_built_zip_loads_through_qgis_utils(built_zip, tmp_path):
    plugins = tmp_path / "plugins"
    zipfile.ZipFile(built_zip).extractall(plugins)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH="")
    proc = subprocess.run([sys.executable, "-c", LOADER, str(plugins)], capture_output=True, text=True,
                          timeout=300, env=env, cwd=str(tmp_path))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = json.loads(lines[0][len("RESULT "):])
    assert "aerocolor_plugin" in out["available"]
    assert out["loaded"] and out["started"] and out["unloaded"]
    assert out["module"].startswith(str(plugins))            # the zip's copy, not this checkout
    assert out["backend_root"] == str(plugins / "aerocolor_plugin" / "backend")
    assert out["backend_module"].startswith(str(plugins))    # the bundled backend wins on sys.path
    assert out["name"] == "AeroColor" and out["qt6"] == "True"
    assert {"aerocolor:colorize", "aerocolor:mosaic", "aerocolor:train"} <= set(out["algorithms"])
    assert "Compare (swipe)" in out["actions"]
    assert out["torch_imported"] is False                    # the plugin never imports torch
    assert out["zh_TW"] == "訓練模型"
    assert out["provider_after_unload"] is False


def test_translations_cover_every_ui_string():
    proc = subprocess.run([sys.executable, os.path.join(REPO, "scripts", "update_translations"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout


def test_zh_tw_file_filters_keep_ascii_patterns(qgis_app):
    """Qt's file dialogs find patterns only in ASCII parentheses: '（*.pt）' lists no files at all."""
    import re
    import xml.etree.ElementTree as ET

    from qgis.PyQt.QtCore import QTranslator

    from aerocolor_plugin.i18n_util import CONTEXT, I18N_DIR

    translator = QTranslator()
    assert translator.load(os.path.join(I18N_DIR, "aerocolor_zh_TW.qm"))
    sources = [m.text for m in ET.parse(os.path.join(I18N_DIR, "aerocolor_zh_TW.ts")).getroot().iter("source")]
    checked = 0
    for source in sources:
        for pattern in re.findall(r"\(\*\.[^()]*\)", source):
            assert pattern in translator.translate(CONTEXT, source), source
            checked += 1
    assert checked >= 3


def test_plugin_never_imports_torch_or_bare_qt():
    """Import statements only (the diagnostics script the backend runs may name torch in a string)."""
    import ast

    bad = []
    for dirpath, _dirs, files in os.walk(os.path.join(REPO, "aerocolor_plugin")):
        for name in files:
            if name.endswith(".py"):
                tree = ast.parse(open(os.path.join(dirpath, name), encoding="utf-8").read())
                for node in ast.walk(tree):
                    mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                            else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                    bad += [f"{name}: {m}" for m in mods if m.split(".")[0] in ("torch", "PyQt5", "PyQt6")]
    assert not bad


NO_TORCH = """
import importlib, pkgutil, sys

class NoTorch:  # QGIS's Python as most users have it: no torch at all
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named " + repr(name))

sys.meta_path.insert(0, NoTorch())
sys.path.insert(0, sys.argv[1])
sys.path.append("/usr/share/qgis/python/plugins")
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
import aerocolor_plugin
failed = []
for m in pkgutil.walk_packages(aerocolor_plugin.__path__, "aerocolor_plugin."):
    try:
        importlib.import_module(m.name)
    except Exception as exc:
        failed.append(m.name + ": " + repr(exc))
print("FAILED " + "; ".join(failed) if failed else "OK %d modules" % len(list(pkgutil.walk_packages(
    aerocolor_plugin.__path__, "aerocolor_plugin."))))
"""


def test_every_plugin_module_imports_in_a_python_without_torch(tmp_path):
    """The AST check above misses imports that arrive through the backend's modules (capture/writer.py
    imports aerocolor.data): here every module of the plugin is imported where importing torch fails."""
    script = tmp_path / "no_torch.py"
    script.write_text(NO_TORCH)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, str(script), REPO], capture_output=True, text=True, timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1].startswith("OK "), proc.stdout[-3000:]


def test_install_plugin_links_and_enables(tmp_path):
    profiles = tmp_path / "profiles"
    proc = subprocess.run(["bash", os.path.join(REPO, "scripts", "install_plugin"), "--profiles-path", str(profiles),
                           "--profile", "dev", "--link"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    dest = profiles / "dev" / "python" / "plugins" / "aerocolor_plugin"
    assert (dest / "metadata.txt").is_file() and (dest / "__init__.py").is_file()
    assert os.path.realpath(dest / "plugin.py") == os.path.join(REPO, "aerocolor_plugin", "plugin.py")
    assert (dest / "backend" / "aerocolor" / "protocol.py").is_file()
    ini = (profiles / "dev" / "QGIS" / "QGIS3.ini").read_text()
    assert "[PythonPlugins]" in ini and "aerocolor_plugin=true" in ini


@pytest.mark.parametrize("qgis_name", ["zh_TW", "zh-TW", "zh-Hant", "zh_Hant_TW", "zh-Hant-HK", "zh_HK.UTF-8"])
def test_qgis_names_for_traditional_chinese_find_our_zh_tw_translation(qgis_app, qgis_name):
    """QGIS 3.22's Options offer Traditional Chinese as zh-Hant; the plugin stayed English there."""
    from aerocolor_plugin.i18n_util import CONTEXT, I18N_DIR, install_translator, qm_path

    assert qm_path(qgis_name) == os.path.join(I18N_DIR, "aerocolor_zh_TW.qm")
    translator = install_translator(qgis_name)
    try:
        assert translator is not None
        assert translator.translate(CONTEXT, "Train model") not in ("", "Train model")
    finally:
        from qgis.PyQt.QtCore import QCoreApplication

        QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize("qgis_name", ["zh_CN", "zh-Hans", "fr_FR", "en_US", ""])
def test_other_languages_do_not_get_traditional_chinese(qgis_name):
    from aerocolor_plugin.i18n_util import qm_path

    assert not qm_path(qgis_name).endswith("aerocolor_zh_TW.qm")
