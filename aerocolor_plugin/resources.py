"""Icons listed in resources.qrc, loaded by path (no compiled resource module: Qt5 and Qt6 alike)."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Dict

from qgis.PyQt.QtGui import QIcon

from .bridge.paths import top_file


@lru_cache(maxsize=1)
def resource_files() -> Dict[str, str]:
    """alias -> absolute file, from resources.qrc (installed beside the plugin, or the checkout's top)."""
    qrc = top_file("resources.qrc")
    if not qrc:
        return {}
    base = os.path.dirname(qrc)
    files = {}
    for node in ET.parse(qrc).getroot().iter("file"):
        rel = (node.text or "").strip()
        files[node.get("alias") or os.path.basename(rel)] = os.path.join(base, rel)
    return files


def icon(alias: str) -> QIcon:
    path = resource_files().get(alias, "")
    return QIcon(path) if path and os.path.isfile(path) else QIcon()
