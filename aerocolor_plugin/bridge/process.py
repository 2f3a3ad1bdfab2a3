"""BackendProcess: one backend subcommand (bridge/job.py) followed from the Qt event loop, its
JSON-lines events as Qt signals.

Nothing here blocks: a timer drains what the job's reader threads received, so docks stay
responsive and every signal is emitted on the main thread. Cancel asks politely first ("cancel" on
stdin), then terminates, then kills.
"""
from __future__ import annotations

import os
from typing import List, Optional

from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal

from . import environment
from .events import LineBuffer
from .job import BackendJob
from .seam import protocol

POLL_MS = 50   # how often the main thread looks at what the backend wrote


class BackendProcess(QObject):
    received = pyqtSignal(dict)     # every valid protocol event, in order (not "event": QObject.event is virtual)
    log = pyqtSignal(str)           # stderr lines and stdout lines that are not events
    finished = pyqtSignal(int, str)  # exit code (-1: crashed or did not start), message ('' when ok)

    def __init__(self, parent: Optional[QObject] = None, python: str = "", log_path: str = "",
                 grace_ms: int = 5000):
        super().__init__(parent)
        self.python = python
        self.log_path = log_path
        self.grace_ms = grace_ms
        self.job: Optional[BackendJob] = None
        self.exit_code: Optional[int] = None
        self.message = ""
        self._done = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    # What the job filed, read through (the docks and tests read these).
    @property
    def result(self) -> Optional[dict]:
        return self.job.result if self.job else None

    @property
    def error(self) -> Optional[dict]:
        return self.job.error if self.job else None

    @property
    def events(self) -> List[dict]:
        return self.job.events if self.job else []

    @property
    def garbage(self) -> List[str]:
        return self.job.garbage if self.job else []

    @property
    def pid(self) -> Optional[int]:
        return self.job.pid if self.job else None

    # -- control --------------------------------------------------------------------------
    def start(self, args: List[str]) -> bool:
        """Start ``python -m aerocolor --events jsonl ARGS``; False (and ``finished``) if it cannot start."""
        if self.is_running():
            raise RuntimeError("this BackendProcess is already running")
        self.exit_code, self.message, self._done = None, "", False
        self.job = BackendJob(args, self.python, self.log_path, self.grace_ms / 1000.0)
        try:
            self.job.start()
        except (environment.BackendMissing, OSError) as exc:
            self._finish(-1, str(exc))
            return False
        self._timer.start()
        return True

    def is_running(self) -> bool:
        """From start until ``finished`` is emitted (a process that has just exited is still being read)."""
        return self.job is not None and not self._done

    def cancel(self) -> None:
        """Ask the backend to stop and save; escalate if it does not within the grace time."""
        if self.is_running():
            self.job.cancel()

    def shutdown(self, wait_ms: int = 10000) -> None:
        """QGIS is closing: ask the backend to stop and save, and wait for it (bounded) so that it is
        not left mid-save; then escalate as cancel does, waiting instead of leaving it to timers that
        would not run any more."""
        if self.is_running():
            self.job.stop_and_wait(wait_ms / 1000.0)
            self._poll()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until finished (tests and scripts only; docks never call this)."""
        from qgis.PyQt.QtCore import QCoreApplication, QElapsedTimer, QThread

        timer = QElapsedTimer()
        timer.start()
        while not self._done and timer.elapsed() < msecs:
            QCoreApplication.processEvents()
            self._poll()
            QThread.msleep(10)
        QCoreApplication.processEvents()
        return self._done

    # -- reading --------------------------------------------------------------------------
    def _poll(self) -> None:
        if self.job is None or self._done:
            return
        self.job.step()
        ended = not self.job.running()
        items = self.job.take() if not ended else self.job.finish()
        for kind, payload in items:
            if kind == "event":
                self.received.emit(payload)
            else:
                self.log.emit(payload)
        if ended:
            self._finish(self.job.exit_code, self.job.message)

    def _finish(self, code: int, message: str) -> None:
        if self._done:
            return
        self._done = True
        self._timer.stop()
        self.exit_code, self.message = code, message
        if message:
            self.log.emit(message)
        self.finished.emit(code, message)


class RunFollower(QObject):
    """Re-attaches to a run folder after a restart: replays events.jsonl, then follows new lines."""

    received = pyqtSignal(dict)
    ended = pyqtSignal(dict)  # the run's result or error event

    def __init__(self, run_dir: str, parent: Optional[QObject] = None, poll_ms: int = 1000):
        super().__init__(parent)
        self.path = os.path.join(run_dir, "events.jsonl")
        self._offset = 0
        self._buffer = LineBuffer()
        self.finished_event: Optional[dict] = None
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.poll()
        if not self.finished_event:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def poll(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self._offset)
                data = fh.read()
        except FileNotFoundError:
            return
        self._offset += len(data)
        for line in self._buffer.feed(data):
            ev = protocol.parse_line(line)
            if ev is None:
                continue
            self.received.emit(ev)
            if ev["type"] in ("result", "error"):
                self.finished_event = ev
                self._timer.stop()
                self.ended.emit(ev)
