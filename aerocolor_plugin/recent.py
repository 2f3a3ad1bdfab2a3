"""Remembered across sessions: recent checkpoints (Colorize dock) and the last run folder (Train dock)."""
from __future__ import annotations

import os
from typing import List

from qgis.PyQt.QtCore import QSettings

KEY = "aerocolor/recent_checkpoints"
KEEP = 10
RUN_KEY = "aerocolor/last_run"


def recent_checkpoints() -> List[str]:
    """Models used or trained lately, newest first; the last run's latest checkpoint among them even
    when that run was stopped before its end (it is a usable model, and resuming changes it later)."""
    value = QSettings().value(KEY, []) or []
    if isinstance(value, str):
        value = [value]
    items = [p for p in value if os.path.isfile(p)]
    run = last_run()
    latest = os.path.abspath(os.path.join(run, "checkpoints", "latest.pt")) if run else ""
    if latest and os.path.isfile(latest) and latest not in items:
        items.insert(0, latest)
    return items


def remember_checkpoint(path: str) -> None:
    path = os.path.abspath(path)
    items = [path] + [p for p in recent_checkpoints() if p != path]
    QSettings().setValue(KEY, items[:KEEP])


def last_run() -> str:
    """The run folder the Train dock last started or followed, if it is still there."""
    path = str(QSettings().value(RUN_KEY, "") or "")
    return path if os.path.isdir(path) else ""


def remember_run(path: str) -> None:
    QSettings().setValue(RUN_KEY, os.path.abspath(path))
