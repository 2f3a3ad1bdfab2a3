"""Run one backend subcommand to the end from a worker thread (Processing algorithms).

Processing already runs algorithms off the UI thread, so this blocks by design; it polls
a cancel callback and forwards events as they arrive.
"""
from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

from . import environment
from .events import LineBuffer, exit_message, record_line
from ..i18n_util import tr
from .seam import protocol


@dataclass
class RunOutcome:
    code: int
    message: str
    result: Optional[dict] = None
    error: Optional[dict] = None
    events: List[dict] = field(default_factory=list)
    garbage: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.code == protocol.EXIT_OK


def run_backend(args: List[str], on_event: Callable[[dict], None] = lambda ev: None,
                on_log: Callable[[str], None] = lambda line: None,
                is_cancelled: Callable[[], bool] = lambda: False,
                python: str = "", grace_s: float = 5.0) -> RunOutcome:
    command = environment.backend_command(args, python)
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=environment.backend_environment())
    outcome = RunOutcome(code=-1, message="")

    def pump_stderr() -> None:
        buf = LineBuffer()
        for chunk in iter(lambda: proc.stderr.read1(65536), b""):
            for line in buf.feed(chunk):
                on_log(line)
        for line in buf.flush():
            on_log(line)

    lines: List[str] = []
    lock = threading.Lock()

    def pump_stdout() -> None:
        buf = LineBuffer()
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):
            got = buf.feed(chunk)
            with lock:
                lines.extend(got)
        with lock:
            lines.extend(buf.flush())

    readers = [threading.Thread(target=pump_stderr, daemon=True), threading.Thread(target=pump_stdout, daemon=True)]
    for t in readers:
        t.start()

    def drain() -> None:
        with lock:
            batch, lines[:] = list(lines), []
        for line in batch:
            ev = record_line(outcome, line)
            if ev is not None:
                on_event(ev)
            elif line.strip():
                on_log(tr("(not an event) {0}").format(line))

    cancelled_at = None
    escalated = 0
    while proc.poll() is None:
        drain()
        if is_cancelled():
            now = time.monotonic()
            if cancelled_at is None:
                cancelled_at = now
                try:
                    proc.stdin.write(b"cancel\n")
                    proc.stdin.flush()
                except OSError:
                    pass
            elif now - cancelled_at > grace_s * (escalated + 1):
                (proc.terminate if escalated == 0 else proc.kill)()
                escalated += 1
        time.sleep(0.05)
    for t in readers:
        t.join(timeout=5)
    drain()
    code = proc.returncode
    crashed = code < 0  # killed by a signal
    if crashed and cancelled_at is not None:
        code, crashed = protocol.EXIT_CANCELLED, False
    outcome.code = -1 if crashed else code
    outcome.message = exit_message(code, crashed, outcome.error)
    if proc.stdin:
        try:
            proc.stdin.close()
        except OSError:
            pass
    return outcome
