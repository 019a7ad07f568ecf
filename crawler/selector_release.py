"""Spider middleware that drops a response's cached selector once its callback is done.

Scrapy's `response.selector` is cached on the response and holds the response back (`Selector.response`): every
HTML page parsed through it is a reference cycle, freed only when the cycle collector's middle generation runs,
with its body, its decoded text and its libxml2 tree (kept in the C heap, out of Python's sight). Over a long sweep
some 2,000 pages waited for that collection at a time and the C heap grew to hold them. Dropping the cache when
the callback's output is exhausted breaks the cycle: the page is freed by reference counting as soon as Scrapy
lets go of it. A later `response.selector` simply parses the page again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.http import Response


def _release(response: Response) -> None:
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None  # type: ignore[attr-defined]


class SelectorRelease:
    """Breaks the response ↔ selector cycle after each callback."""

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Any) -> Iterator[Any]:
        try:
            yield from result
        finally:
            _release(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any
    ) -> AsyncIterator[Any]:
        try:
            async for out in result:
                yield out
        finally:
            _release(response)
