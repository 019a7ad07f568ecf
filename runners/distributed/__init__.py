"""Distributed sweeps, the running side: the worker loop (`worker`) and the coordinator (`coordinator`) over the
shared Redis frontier of `crawler.distributed`."""
