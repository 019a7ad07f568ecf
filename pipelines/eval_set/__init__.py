"""Labelled evaluation set of marketplace listings (package data: listings.jsonl)."""
