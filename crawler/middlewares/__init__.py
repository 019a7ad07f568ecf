"""Downloader middlewares: page decoding and polite retries."""
