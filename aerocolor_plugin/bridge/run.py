"""Run one backend subcommand (bridge/job.py) to the end from a worker thread (Processing algorithms).

Processing already runs algorithms off the UI thread, so this blocks by design; it polls
a cancel callback and forwards events as they arrive.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional

from .job import BackendJob
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
    """Raises environment.BackendMissing when there is no backend to run."""
    job = BackendJob(args, python, grace_s=grace_s)
    try:
        job.start()
    except OSError as exc:
        return RunOutcome(code=-1, message=str(exc))

    def hand_on(items) -> None:
        for kind, payload in items:
            (on_event if kind == "event" else on_log)(payload)

    while job.running():
        hand_on(job.take())
        if is_cancelled():
            job.cancel()
        job.step()
        time.sleep(0.05)
    hand_on(job.finish())
    return RunOutcome(job.exit_code, job.message, job.result, job.error, job.events, job.garbage)
