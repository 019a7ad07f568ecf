"""The benchmarks' process-tree measure: a forked helper's CPU is told apart from the command's own, and the
split never adds up to more than the tree's CPU the kernel counted."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import cpu_by_process, run_tree  # noqa: E402

# The command spins for a while itself, and forks a child (as the store writer is forked) that spins longer.
FORKING = """
import os, time
def spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
pid = os.fork()
if pid == 0:
    spin(1.2)
    os._exit(0)
spin(0.6)
os.waitpid(pid, 0)
"""


def test_a_forked_helper_is_counted_apart_from_the_command() -> None:
    tree = run_tree([sys.executable, "-c", FORKING], timeout=60)
    assert tree.returncode == 0
    split = cpu_by_process(tree)
    assert split["forked"] >= 0.8  # at least what the samples saw of its 1.2 s
    assert split["main"] >= 0.3
    assert split["forked"] > split["main"]
    assert abs(sum(split.values()) - tree.cpu_s) < 0.05  # `unsampled` takes what no sample saw


def test_the_command_own_report_replaces_its_sampled_cpu() -> None:
    tree = run_tree([sys.executable, "-c", FORKING], timeout=60)
    split = cpu_by_process(tree, own_cpu_s=0.7)
    assert split["main"] == 0.7
    assert split["unsampled"] >= 0
