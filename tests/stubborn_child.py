"""A child process that ignores SIGTERM (a crawl stuck in its shutdown): `python -m tests.stubborn_child FILE`
marks `FILE.ready` once SIGTERM is ignored, then sleeps until it is killed."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    Path(sys.argv[1]).with_suffix(".ready").touch()
    time.sleep(120)
