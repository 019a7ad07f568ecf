"""The benchmarks' process-tree measure: a forked helper's CPU is told apart from the command's own, and the
split never adds up to more than the tree's CPU the kernel counted."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import cpu_by_process, own_cache, run_tree  # noqa: E402

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


# Stands for what warms the cache: writes an entry there, and what it was given.
WARM = """
import os
from pathlib import Path
folder = Path(os.environ["TRADEWATCH_CACHE_DIR"])
(folder / "scoring").mkdir(parents=True, exist_ok=True)
(folder / "scoring" / "scorer-built").write_text(os.environ["TRADEWATCH_HOME"])
"""


def test_the_benchmark_sweeps_read_a_warm_cache_of_their_own(tmp_path: Path, monkeypatch: Any) -> None:
    user_cache = tmp_path / "xdg"
    (user_cache / "tradewatch" / "scoring").mkdir(parents=True)
    (user_cache / "tradewatch" / "scoring" / "hyperscan-seen").write_bytes(b"\x00tables")
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    monkeypatch.delenv("TRADEWATCH_CACHE_DIR", raising=False)
    home = tmp_path / "家"
    with own_cache({"TRADEWATCH_HOME": str(home)}, warm=WARM) as cache:
        folder = Path(cache["TRADEWATCH_CACHE_DIR"])
        assert not folder.is_relative_to(user_cache)  # no other checkout's sweep prunes it meanwhile
        assert (folder / "scoring" / "scorer-built").read_text() == str(home)  # warmed before anything is timed
        assert (folder / "scoring" / "hyperscan-seen").read_bytes() == b"\x00tables"  # what the user's held
    assert not folder.exists()
    assert not (user_cache / "tradewatch" / "scoring" / "scorer-built").exists()


def test_a_cache_folder_the_environment_names_is_kept_and_warmed(tmp_path: Path, monkeypatch: Any) -> None:
    chosen = tmp_path / "缓存"
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(chosen))
    with own_cache({"TRADEWATCH_HOME": str(tmp_path)}, warm=WARM) as cache:
        assert cache == {"TRADEWATCH_CACHE_DIR": str(chosen)}
    assert (chosen / "scoring" / "scorer-built").read_text() == str(tmp_path)
