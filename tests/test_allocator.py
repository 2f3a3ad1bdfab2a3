"""The allocator setting that keeps large freed blocks for reuse (aerocolor.allocator).

Each check runs in a fresh interpreter: the setting is process-wide and the test process
itself has it already.
"""
import os
import subprocess
import sys

import pytest

BACKEND = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "backend")

# Resident memory after a 96 MiB array is freed, less before it was made, in MiB.
PROBE = r"""
import sys
sys.path.insert(0, {backend!r})
{setup}
import numpy as np

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

before = rss()
a = np.ones(96 << 20, np.uint8)
del a
print(rss() - before)
"""


def kept_mib(setup: str) -> float:
    out = subprocess.run([sys.executable, "-c", PROBE.format(backend=BACKEND, setup=setup)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not glibc(), reason="the setting exists only in glibc")
def test_freed_large_blocks_stay_for_reuse_after_keep_freed_memory():
    # glibc's default unmaps a block this large as soon as it is freed.
    assert kept_mib("") < 16
    assert kept_mib("from aerocolor.allocator import keep_freed_memory\nassert keep_freed_memory()") > 80


@pytest.mark.skipif(not glibc(), reason="the setting exists only in glibc")
def test_the_aerocolor_command_sets_it_before_any_work():
    setup = ("from aerocolor import cli\n"
             "try:\n    cli.main(['--version'])\nexcept SystemExit:\n    pass")
    assert kept_mib(setup) > 80


def test_it_is_harmless_to_call_twice():
    from aerocolor.allocator import keep_freed_memory

    assert keep_freed_memory() == keep_freed_memory() == glibc()

