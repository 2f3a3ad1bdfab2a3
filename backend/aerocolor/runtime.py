"""Process-level concerns shared by long-running commands: device, threads, cancel requests.

torch is imported where a function needs it: the cancel flag also serves torch-free commands
(`aerocolor mosaic`), which should start in a fraction of a second."""
from __future__ import annotations

import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    import torch

from aerocolor.allocator import keep_freed_memory
from aerocolor.errors import DeviceError


def resolve_device(name: str = "auto") -> "torch.device":
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise DeviceError("CUDA was requested but this torch sees no GPU; use --device cpu or auto, "
                          "or install a CUDA build of torch.")
    try:
        return torch.device(name)
    except RuntimeError:
        raise DeviceError(f"Unknown device {name!r}; use auto, cpu, cuda or cuda:N.") from None


def native_bf16(device: torch.device) -> bool:
    """True where bf16 runs fast: CUDA with bf16, or a CPU with bf16 instructions (AVX512-BF16 or AMX).
    Elsewhere bf16 is emulated slowly, so fp32 stays the default there: oneDNN's own probe also says
    yes for plain AVX-512, where a bf16 colorize ran 3x and a training step 12x slower than fp32."""
    import torch

    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    probes = [getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    try:
        return any(bool(probe()) for probe in probes if probe is not None)
    except RuntimeError:  # private probes: a failure means "don't know"
        return False


def set_threads(threads: int = 0) -> int:
    """Torch's CPU threads (0: all cores) for a long job, with the allocator set up for it
    (allocator.keep_freed_memory: best called at the process's start too). Returns the thread count."""
    import torch

    n = threads if threads and threads > 0 else (os.cpu_count() or 1)
    torch.set_num_threads(n)
    keep_freed_memory()
    return n


class CancelFlag:
    """Set by SIGINT, SIGTERM or a 'cancel' line on stdin; long loops poll ``is_set``.

    The first signal asks for a clean stop (save, then exit with the cancel code);
    a second SIGINT falls back to Python's default and interrupts at once.
    """

    def __init__(self, watch_stdin: bool = False):
        self._event = threading.Event()
        self._old = {}
        self._watch_stdin = watch_stdin

    def __enter__(self) -> "CancelFlag":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._on_signal)
        if self._watch_stdin and sys.stdin is not None and not sys.stdin.isatty():
            threading.Thread(target=self._read_stdin, daemon=True, name="cancel-stdin").start()
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def _on_signal(self, signum, _frame) -> None:
        if self._event.is_set() and signum == signal.SIGINT:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        self._event.set()

    def _read_stdin(self) -> None:
        # The descriptor itself, decoded leniently: under a strict UTF-8 stdin one stray byte ended
        # this thread and a later 'cancel' went unheard; and a daemon thread blocked inside the
        # buffered reader made the interpreter's shutdown abort ("could not acquire lock").
        try:
            fd = sys.stdin.fileno()
        except (OSError, ValueError, AttributeError):
            return
        pending = b""
        try:
            while True:
                chunk = os.read(fd, 4096)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                if not chunk:  # the end: a last line without its newline counts too
                    lines.append(pending)
                if any(line.decode("utf-8", "replace").strip().lower() == "cancel" for line in lines):
                    self._event.set()
                    return
                if not chunk:
                    return
        except OSError:
            return

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


_NO_CANCEL: Optional[CancelFlag] = None


def no_cancel() -> CancelFlag:
    """A flag nobody sets, for library calls that pass none."""
    global _NO_CANCEL
    if _NO_CANCEL is None:
        _NO_CANCEL = CancelFlag()
    return _NO_CANCEL
