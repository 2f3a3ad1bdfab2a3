"""Qt-free helpers both backend runners share: line buffering, exit-code messages, colorize progress."""
from __future__ import annotations

from typing import List, Optional

from ..i18n_util import tr
from .seam import notices, protocol


class LineBuffer:
    """Splits a byte stream into whole lines; a partial line waits for the rest."""

    def __init__(self):
        self._pending = b""

    def feed(self, data: bytes) -> List[str]:
        data = self._pending + data
        *lines, self._pending = data.split(b"\n")
        return [line.decode("utf-8", errors="replace").rstrip("\r") for line in lines]

    def flush(self) -> List[str]:
        rest, self._pending = self._pending, b""
        return [rest.decode("utf-8", errors="replace")] if rest.strip() else []


def notice_text(ev: dict) -> str:
    """A notice event in the user's language: its template, translated, filled with its fields; the
    backend's English sentence when the key or its fields are not known here."""
    template = notices.TEMPLATES.get(ev.get("key") or "")
    fields = ev.get("fields")
    if template and isinstance(fields, dict):
        try:
            # tr() of a variable: scripts/update_translations collects these templates from notices.py
            return tr(template).format(**fields)
        except (KeyError, IndexError, ValueError):
            pass  # a translation that does not fit the fields: the English sentence is still right
    return str(ev.get("message", ""))


def record_line(holder, line: str) -> Optional[dict]:
    """File one stdout line of the backend into ``holder`` (anything with events, garbage, result
    and error attributes): the event it holds, or None for a blank line or one that is not an
    event (kept in garbage: a stray print or a torn line is logged, never fatal)."""
    if not line.strip():
        return None
    ev = protocol.parse_line(line)
    if ev is None:
        holder.garbage.append(line)
        return None
    holder.events.append(ev)
    if ev["type"] == "result":
        holder.result = ev
    elif ev["type"] == "error":
        holder.error = ev
    return ev


class ColorizeProgress:
    """One forward-only fraction for a colorize run, whose stages each count from 0 to 1 (tiles, then
    overviews). GDAL builds the overviews over the finished file, about 2 % of the job: the tiles
    fill 98 % of the bar. A Cloud Optimized GeoTIFF is re-laid after the last tile, which takes a
    while: then the tiles fill 95 % and the re-laying the rest."""

    def __init__(self, cog: bool = False):
        self.cog = cog
        self.tiles_share = 0.95 if cog else 0.98
        self.value = 0.0
        self.stage = ""
        self._tiles = 0.0

    @property
    def finishing(self) -> bool:
        """True while the COG is re-laid after the tiles (a stage worth telling the user about)."""
        return self.stage == "overviews" and self.cog

    def update(self, ev: dict) -> float:
        fraction = min(max(float(ev.get("fraction") or 0.0), 0.0), 1.0)
        self.stage = str(ev.get("stage") or "")
        if self.stage == "overviews":
            # Scaled by the tiles done so far, so with several outputs (--samples) each one's
            # overviews stay within the tiles' share.
            value = self._tiles * (self.tiles_share + (1 - self.tiles_share) * fraction)
        else:
            self._tiles = fraction
            value = self.tiles_share * fraction
        self.value = max(self.value, value)
        return self.value


def exit_message(code: int, crashed: bool, error: Optional[dict], log_path: str = "") -> str:
    """One sentence for the user about how the backend ended; '' when it succeeded."""
    where = tr(" The log is in {0}.").format(log_path) if log_path else ""
    if crashed:
        return tr("The backend stopped unexpectedly (it crashed or was killed); earlier results are kept.") + where
    if code == protocol.EXIT_OK:
        return ""
    if error and error.get("message"):
        return str(error["message"])
    if code == protocol.EXIT_CANCELLED:
        return tr("Cancelled; earlier results are kept.")
    if code == protocol.EXIT_BAD_INPUT:
        return tr("The backend refused the input; check the settings and the log.") + where
    if code == protocol.EXIT_DISK:
        return tr("The backend could not write its files: the disk is full or the folder is not writable; "
                  "free some space and run again.") + where
    return tr("The backend failed with exit code {0}; see the log.").format(code) + where
