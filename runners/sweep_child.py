"""A sweep's child process, as `run_sweep` starts it: `python -m runners.sweep_child REQUEST_FILE`.

The cycle collector is paused before the sweep's modules are imported: their imports (pydantic and the
settings, loguru, the store's models, the profiles) make some 200,000 objects that live as long as the process,
and with the collector on they set off some seventy collections that walk them again and again, about 20 ms of
CPU before `crawl_here` would pause it. The first spider to open switches it on with all of them frozen
(`crawler.gc_tuning`); a child that fails before then ends with it off.
"""

if __name__ == "__main__":
    from crawler.gc_tuning import pause_collector

    pause_collector()

    from runners.child import child_main
    from runners.process_exit import leave
    from runners.sweep import crawl_here
    from runners.sweep_request import SweepRequest

    leave(child_main("sweep", SweepRequest, crawl_here))
