"""The seam between the backend and its callers: JSON-lines events, exit and error codes.

Torch-free on purpose: the QGIS plugin imports this module too.
Each event is one JSON object on one line: {"v": 1, "type": ..., ...}.
"""
from __future__ import annotations

import json
import math
import os
import sys
import threading
from typing import IO, Any, Optional

PROTOCOL_VERSION = 1

EVENT_TYPES = ("hello", "progress", "metrics", "sample", "checkpoint", "result", "error", "notice", "file")

# Exit codes of every subcommand.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_CANCELLED = 3
EXIT_DISK = 4          # the output or a checkpoint could not be written: a full disk, a read-only folder

# Error codes carried by "error" events; each maps to the exit code the process ends with.
ERROR_EXIT = {
    "bad_input": EXIT_BAD_INPUT,
    "out_of_memory": EXIT_INTERNAL,
    "device": EXIT_INTERNAL,
    "disk": EXIT_DISK,
    "cancelled": EXIT_CANCELLED,
    "internal": EXIT_INTERNAL,
}


def make_event(type_: str, **fields: Any) -> dict:
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    return {"v": PROTOCOL_VERSION, "type": type_, **fields}


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: send null instead so every reader can parse the line."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def encode(event: dict) -> str:
    return json.dumps(_clean(event), separators=(",", ":"), ensure_ascii=False)


def parse_line(line: str) -> Optional[dict]:
    """One event from one line, or None for a line that is not a valid event (logged, not fatal)."""
    line = line.strip()
    if not line:
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict) or obj.get("v") != PROTOCOL_VERSION or "type" not in obj:
        return None
    return obj


def read_events(path: str) -> list:
    """Every valid event of a run folder's events.jsonl (used to re-attach after a restart)."""
    events = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                ev = parse_line(line)
                if ev is not None:
                    events.append(ev)
    except FileNotFoundError:
        pass
    return events


class EventSink:
    """Writes events as JSON lines to a stream (stdout with --events jsonl) and/or a log file.

    Thread-safe: the colorize writer thread and the main loop both report.
    """

    def __init__(self, stream: Optional[IO[str]] = None, log_path: Optional[str] = None):
        self.stream = stream
        self._log = None
        self._lock = threading.Lock()
        if log_path:
            self.open_log(log_path)

    def open_log(self, log_path: str) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)
        with self._lock:
            if self._log is not None:
                self._log.close()
            self._log = open(log_path, "a", encoding="utf-8")

    def emit(self, type_: str, **fields: Any) -> dict:
        event = make_event(type_, **fields)
        line = encode(event)
        with self._lock:
            if self.stream is not None:
                try:
                    self.stream.write(line + "\n")
                    self.stream.flush()
                except (BrokenPipeError, ValueError, OSError):
                    # The reader went away (QGIS closed): keep working, the log still records.
                    self.stream = None
            if self._log is not None:
                self._log.write(line + "\n")
                self._log.flush()
        return event

    def close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


def stdout_sink(enabled: bool) -> EventSink:
    return EventSink(sys.stdout if enabled else None)
