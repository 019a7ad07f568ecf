"""Second pipeline: score each listing against the watchlists and keep the explanation on the item."""

from __future__ import annotations

import asyncio
import sys
import threading
import weakref
from concurrent.futures import Future
from typing import Any

from loguru import logger
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.errors import first_line
from crawler.closing import close_crawl
from crawler.gc_tuning import lasting_build
from crawler.items import ListingItem
from crawler.run_health import SCORER_FAILED, SCORER_FAILED_STAT
from pipelines.model.predict import ScoreCombiner
from pipelines.model.registry import current_combiner
from pipelines.scoring import Scorer
from pipelines.scoring.campaign_terms import campaign_scorer

_CRAWL_SCORERS: weakref.WeakKeyDictionary[Crawler, Future[Scorer]] = weakref.WeakKeyDictionary()
_CRAWL_SCORERS_LOCK = threading.Lock()
# The score pipeline of each crawl, so that the spider decides which rendered pages to screenshot as leads the
# way the pipeline will decide it (campaign terms and the model in use included), not by the rules alone.
_CRAWL_PIPELINES: weakref.WeakKeyDictionary[Crawler, ScoreListingPipeline] = weakref.WeakKeyDictionary()


def crawl_scorer(crawler: Crawler) -> Scorer:
    """The scorer of a crawl, built once and shared by this pipeline and the spider (which screenshots the
    rendered pages that score as leads): the crawl's TRADEWATCH_LEAD_THRESHOLD if the runner set one, else the
    configured one. Waits for it if `load_crawl_scorer` is still loading it."""
    return load_crawl_scorer(crawler, background=False).result()


def would_be_lead(crawler: Crawler, listing: dict[str, Any]) -> bool:
    """Whether a listing (title, description, price) will be a lead of this crawl: scored as its score
    pipeline scores it, or by the crawl's scorer alone in a crawl without one."""
    pipeline = _CRAWL_PIPELINES.get(crawler)
    if pipeline is not None:
        return pipeline.is_lead(listing)
    return bool(crawl_scorer(crawler).score(listing).is_lead)


def load_crawl_scorer(crawler: Crawler, *, background: bool = True) -> Future[Scorer]:
    """The crawl's scorer as a future, its loading started now if it has not been yet: in a thread of its own
    (`background`), so that the crawl goes on opening meanwhile, or else in the caller."""
    with _CRAWL_SCORERS_LOCK:
        future = _CRAWL_SCORERS.get(crawler)
        if future is not None:
            return future
        future = _CRAWL_SCORERS[crawler] = Future()
    if background:
        threading.Thread(target=_load_scorer, args=(crawler, future), name="tradewatch-scorer", daemon=True).start()
    else:
        _load_scorer(crawler, future)
    return future


# Scored once as the scorer loads, so that what it builds on its first listing (the lazily built tables, for
# one) is built there too, not while the first listing of the crawl waits: trade talk and a watchlist term.
WARM_UP_LISTING = {"title": "老象牙手镯 包老保真", "description": "祖传老货 懂的来私聊", "price": 12800.0}


def _load_scorer(crawler: Crawler, future: Future[Scorer]) -> None:
    """Load the scorer, warm it up and hand it over; what the future's callbacks build with it (the model in use,
    `ScoreListingPipeline._loaded`) is built here too, inside `lasting_build`."""
    threshold = crawler.settings.get("TRADEWATCH_LEAD_THRESHOLD")
    try:
        with lasting_build():
            scorer = Scorer.load(threshold=None if threshold is None else int(threshold))
            scorer.score(WARM_UP_LISTING)
            future.set_result(scorer)
    except BaseException as error:  # raised again to whoever asks for the scorer
        if not future.done():
            future.set_exception(error)


def place_image_hits(score: dict[str, Any], readings: list[dict[str, Any]]) -> None:
    """Name the photo and the line of each hit in `image_text`: `image` (its stored path), `image_url`, `line`.

    `image_text` is the photos' lines in order, one per line of text, so a hit's offset gives its line.
    """
    places: list[tuple[int, dict[str, Any], str]] = []  # (start offset, photo, line)
    offset = 0
    for reading in readings:
        for line in reading.get("lines") or []:
            places.append((offset, reading, line))
            offset += len(line) + 1
    for hit in score.get("hits", []):
        if hit.get("field") != "image_text":
            continue
        for start, reading, line in reversed(places):
            if start <= hit["start"]:
                hit.update({"image": reading["path"], "image_url": reading["url"], "line": line})
                break


class ScoreListingPipeline:
    """Adds `item.score` (the scorer's result as a dict, with the bureau's model's opinion when one is in use).
    Every listing is kept: the store decides leads. A campaign's sweep also scores the campaign's keywords
    (:mod:`pipelines.scoring.campaign_terms`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self._combine: ScoreCombiner | None = None
        self._combine_lock = threading.Lock()
        self._scorer: Scorer | None = None
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScoreListingPipeline:
        pipeline = _CRAWL_PIPELINES[crawler] = cls(crawler)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        return pipeline

    def spider_opened(self) -> None:
        # The scorer loads (from its cache, a fifth of a second of CPU) once the spider is open, while the crawl
        # fetches its first pages and a JS crawl's browser starts: the first item waits for it only if it comes
        # sooner. Not before: a thread holding the interpreter's lock would hold up the opening itself.
        load_crawl_scorer(self.crawler).add_done_callback(self._loaded)

    @property
    def combine(self) -> ScoreCombiner:
        """The model in use with its lift probability: read in the scorer's loading thread once the scorer is
        loaded (`_loaded`; some 0.05 CPU s that the crawl's start-up no longer waits for), or here if asked first."""
        with self._combine_lock:
            if self._combine is None:
                self._combine = current_combiner()
            return self._combine

    def _loaded(self, future: Future[Scorer]) -> None:
        """A scorer or a model that failed to load (a watchlist broken after the sweep's own check, a broken model
        file) stops the crawl: every listing fetched from then on could only be dropped unscored, and the run
        must not read as ok."""
        error = future.exception()
        if error is None:
            try:
                self.combine  # noqa: B018  (read now, off the crawl's thread)
                return
            except Exception as failed:
                error = failed
        reactor = sys.modules.get("twisted.internet.reactor")  # the crawl's, never installed from here
        if reactor is not None:
            reactor.callFromThread(self._stop_crawl, error)

    def _stop_crawl(self, error: BaseException) -> None:
        logger.opt(exception=error).critical("the scorer could not be loaded: closing the spider")
        self.stats.set_value(SCORER_FAILED_STAT, first_line(error))
        self._closing = close_crawl(self.crawler, SCORER_FAILED)

    @property
    def scorer(self) -> Scorer:
        """The crawl's scorer (`crawl_scorer`), or the campaign's made from it in `open_spider`."""
        if self._scorer is None:
            self._scorer = crawl_scorer(self.crawler)
        return self._scorer

    def open_spider(self) -> None:
        params = getattr(self.crawler.spider, "params", None)
        campaign = getattr(params, "campaign", None)
        if not campaign:
            return
        self._scorer, unplaced = campaign_scorer(self.scorer, list(getattr(params, "keywords", None) or ()))
        if unplaced:
            logger.warning(
                "campaign {}: no category for {} (none of its keywords is in a watchlist): searched, not scored",
                campaign,
                ", ".join(unplaced),
            )

    def score(self, listing: dict[str, Any], image_text: str | None = None) -> dict[str, Any]:
        """The listing's result as a dict: the rules (with the campaign's terms, and the text read from its
        photos) and the model in use (which reads title and description only)."""
        return self._score_with(self.scorer, listing, image_text)

    def _score_with(self, scorer: Scorer, listing: dict[str, Any], image_text: str | None) -> dict[str, Any]:
        result = scorer.score({**listing, "image_text": image_text})
        return self.combine(result.to_dict(), listing, threshold=scorer.threshold, folded=result.folded)

    def is_lead(self, listing: dict[str, Any]) -> bool:
        return bool(self.score(listing)["is_lead"])

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingItem):  # a re-check visit that read no listing
            return item
        try:
            scorer = self.scorer
        except Exception:  # logged once where the crawl is stopped (_stop_crawl)
            raise DropItem("not scored: the scorer could not be loaded") from None
        listing = {"title": item.title, "description": item.description, "price": item.price}
        item.score = self._score_with(scorer, listing, item.image_text)
        if item.image_text:
            place_image_hits(item.score, item.image_readings)
        self.stats.inc_value("tradewatch/items/scored")
        if item.score["hits"]:
            self.stats.inc_value("tradewatch/items/hits")
        if item.score["is_lead"]:
            self.stats.inc_value("tradewatch/items/leads")
            if item.keyword:  # the term's yield: leads per search (leads.sweep_memory)
                found = dict(self.stats.get_value("tradewatch/term_leads") or {})
                found[item.keyword] = found.get(item.keyword, 0) + 1
                self.stats.set_value("tradewatch/term_leads", found)
        if item.score.get("model", {}).get("lifted"):
            self.stats.inc_value("tradewatch/items/model_lifted")
        return item
