"""Scoring throughput with the full shipped watchlists, on one core.

Reports listings scored per second (typical listing: a title plus about 200 characters of description),
and the matcher's MB/s over normalised text beside a plain Hyperscan scan of the same text with the same
patterns (the baseline: no normalisation, no hit handling).

Run as a script:   python benchmarks/bench_scoring.py
or with pytest:    pytest benchmarks/bench_scoring.py --benchmark-only
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from pipelines.scoring import Scorer

EVAL_SET = Path(__file__).resolve().parents[1] / "pipelines" / "eval_set" / "listings.jsonl"

FILLER = (
    "宝贝如图所示，实物拍摄，个人闲置转让，不退不换，介意勿拍。包邮仅限江浙沪，偏远地区补运费。"
    "有任何问题欢迎咨询，看到会第一时间回复。成色很新，没怎么用过，搬家清理出。可以小刀，诚心要的直接拍。"
    "支持同城自提，自提可以再便宜一点。东西都是正品，放心购买。"
)


def typical_listings(count: int = 5000, seed: int = 7) -> list[dict[str, object]]:
    """Eval-set titles with their descriptions padded to about 200 characters, in random order."""
    rng = random.Random(seed)
    base = [json.loads(line) for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for index in range(count):
        item = base[index % len(base)]
        desc = str(item.get("description") or "")
        start = rng.randrange(len(FILLER) // 2)
        padded = (desc + " " + FILLER[start:] + FILLER)[:200]
        out.append({"title": item["title"], "description": padded, "price": item.get("price")})
    rng.shuffle(out)
    return out


def _hyperscan_baseline(scorer: Scorer, texts: list[bytes]) -> float | None:
    try:
        import hyperscan
    except ImportError:
        return None
    patterns = [p.encode("utf-8") for p in scorer._pattern_list]
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns),
               flags=[0] * len(patterns), literal=True)  # fmt: skip
    hits = 0

    def on_match(*_args: object) -> None:
        nonlocal hits
        hits += 1

    start = time.perf_counter()
    for data in texts:
        db.scan(data, match_event_handler=on_match)
    elapsed = time.perf_counter() - start
    return sum(map(len, texts)) / elapsed / 1e6


def run(count: int = 20000) -> dict[str, float | int | str | None]:
    t0 = time.perf_counter()
    scorer = Scorer.load()
    load_s = time.perf_counter() - t0
    listings = typical_listings(count)
    for listing in listings[:500]:  # warm the lazy character table
        scorer.score(listing)

    start = time.perf_counter()
    leads = sum(scorer.score(listing).is_lead for listing in listings)
    elapsed = time.perf_counter() - start

    raw = [f"{item['title']}\n{item['description']}".encode() for item in listings]
    normalised = [
        "\n".join(scorer.normaliser.fold(str(item[f])) for f in ("title", "description")) for item in listings
    ]
    start = time.perf_counter()
    for text in normalised:
        scorer.matcher.find(text)
    match_s = time.perf_counter() - start
    norm_bytes = sum(len(t.encode("utf-8")) for t in normalised)
    return {
        "engine": scorer.matcher.engine,
        "patterns": scorer.pattern_count,
        "load_seconds": round(load_s, 3),
        "listings": count,
        "leads": leads,
        "listings_per_second": round(count / elapsed),
        "matcher_mb_per_s": round(norm_bytes / match_s / 1e6, 1),
        "hyperscan_baseline_mb_per_s": (lambda v: round(v, 1) if v else None)(_hyperscan_baseline(scorer, raw)),
        "avg_chars_per_listing": round(sum(len(b.decode()) for b in raw) / count, 1),
    }


def test_bench_score_listing(benchmark) -> None:  # type: ignore[no-untyped-def]
    scorer = Scorer.load()
    listings = typical_listings(2000)
    it = iter(listings * 1000)

    result = benchmark(lambda: scorer.score(next(it)))
    assert 0 <= result.score <= 100


def test_bench_throughput_target() -> None:
    figures = run(10000)
    print(json.dumps(figures, ensure_ascii=False))
    assert figures["listings_per_second"] >= 20000


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
