"""Recently produced checkpoints, remembered across sessions for the Colorize dock."""
from __future__ import annotations

import os
from typing import List

from qgis.PyQt.QtCore import QSettings

KEY = "aerocolor/recent_checkpoints"
KEEP = 10


def recent_checkpoints() -> List[str]:
    value = QSettings().value(KEY, []) or []
    if isinstance(value, str):
        value = [value]
    return [p for p in value if os.path.isfile(p)]


def remember_checkpoint(path: str) -> None:
    path = os.path.abspath(path)
    items = [path] + [p for p in recent_checkpoints() if p != path]
    QSettings().setValue(KEY, items[:KEEP])
