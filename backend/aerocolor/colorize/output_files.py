"""The files a colorize or mosaic job writes: their names, the lock held while writing, the leftovers.

One job at a time per output file: two jobs writing one output would truncate each other's temporary file and the last rename would
win with a mix of both. The lock is an OS file lock (flock; msvcrt on Windows), so a job killed
with -9 leaves no stale lock behind: the kernel lets it go with the process."""
from __future__ import annotations

import contextlib
import os
from typing import Callable, Iterator, List, Tuple

from aerocolor.errors import BadInput, disk_error

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


# What GDAL may leave beside an unfinished output's temporary file (a COG is re-laid into .part.cog).
PART_SUFFIXES: Tuple[str, ...] = (".part", ".part.cog", ".part.aux.xml", ".part.ovr")


def part_name(path: str) -> str:
    """The temporary name an output is written under; renamed to `path` only when complete."""
    return f"{path}.part"


def write_atomically(path: str, write: Callable[[str], None]) -> None:
    """`write(tmp)` under the output's temporary name, synced, then renamed to `path`: a failure leaves
    the file that was there (if any) and no partial one, and is raised as it came."""
    tmp = part_name(path)
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def sample_paths(output: str, samples: int) -> List[str]:
    """The outputs of one job: `output`, or output_1 .. output_K for K colourings."""
    if samples == 1:
        return [output]
    stem, ext = os.path.splitext(output)
    return [f"{stem}_{k}{ext}" for k in range(1, samples + 1)]


def lock_name(path: str) -> str:
    return f"{path}.lock"


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


def _acquire(path: str) -> int:
    """The descriptor of `path`.lock, locked by this process; BadInput if another job holds it."""
    name = lock_name(path)
    while True:
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise disk_error(path, exc) from None
        if not _try_lock(fd):
            os.close(fd)
            raise BadInput(f"Another job is writing {path} now; wait for it to finish, or choose another "
                           f"output name.")
        # The holder before us may have removed the file between our open and our lock: then the lock
        # is on a name nobody else can find, and we try again on the current one.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(name))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)


def _release(path: str, fd: int) -> None:
    # Removed while still locked, so a waiting job cannot lock the old file after we let go.
    with contextlib.suppress(OSError):
        os.remove(lock_name(path))
    os.close(fd)


@contextlib.contextmanager
def writing(paths: List[str]) -> Iterator[None]:
    """Hold every path's lock for the block; refuse in one sentence if another job holds one."""
    held = []
    try:
        for p in paths:
            held.append((p, _acquire(p)))
        yield
    finally:
        for p, fd in reversed(held):
            _release(p, fd)


def remove_parts(path: str) -> None:
    for suffix in PART_SUFFIXES:
        with contextlib.suppress(OSError):
            os.remove(path + suffix)


def remove_leftovers(paths: List[str]) -> List[str]:
    """Temporary files of a job that was killed (it could not tidy up), removed unless another job
    now holds the output's lock; returns what was removed."""
    removed = []
    for p in paths:
        found = [p + s for s in PART_SUFFIXES if os.path.lexists(p + s)]
        if not found:
            continue
        try:
            with writing([p]):
                remove_parts(p)
        except BadInput:  # another job is writing it now: its files, not ours
            continue
        removed += found
    return removed
