"""Crawl runners: sweeps, re-checks and distributed sweeps, each started as a child process (`runners.child`)."""
