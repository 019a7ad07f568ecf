"""Code-word discovery from confirmed leads, and the bureau's own watchlist that sweeps and `score` load."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import yaml
from scrapy.utils.test import get_crawler
from sqlmodel import Session, select

from crawler.items import ListingItem
from leads.db import get_engine, run_write
from leads.models import AuditEvent
from leads.store import record_sighting
from pipelines.score import ScoreListingPipeline
from pipelines.scoring.bureau import bureau_file
from tests.model_support import NEW_LISTING, record_verdicts, run, score_lines

ORDINARY = [
    ("全新 蓝牙耳机 降噪", "正品行货，支持七天无理由"),
    ("手工 檀木手串 108颗", "小叶紫檀，文玩爱好者收藏"),
    ("白色 陶瓷花瓶 北欧风", "客厅摆件，包邮"),
    ("二手 婴儿推车", "九成新，可折叠"),
    ("砂糖橘 5斤装", "产地直发，新鲜现摘"),
]


def add_ordinary_listings() -> None:
    def work(session: Session) -> None:
        for number, (title, description) in enumerate(ORDINARY):
            record_sighting(
                session,
                listing={
                    "platform": "demo",
                    "listing_id": f"90{number}",
                    "url": f"http://127.0.0.1:8765/plain/item/90{number}",
                    "title": title,
                    "description": description,
                    "price": 99.0,
                },
                score={"score": 0, "is_lead": False, "rules": [], "hits": []},
            )

    run_write(work)


def test_suggest_proposes_the_code_word_officers_keep_confirming(tw_home: Path) -> None:
    record_verdicts()
    add_ordinary_listings()
    result = run("watchlist", "suggest", "--limit", "5", "--json")
    assert result.exit_code == 0, result.output
    suggestions = json.loads(result.stdout)
    terms = [s["term"] for s in suggestions]
    assert "糖霜料" in terms, terms
    top = suggestions[terms.index("糖霜料")]
    assert top["confirmed"] == 4 and top["dismissed"] == 0 and top["ordinary"] == 0
    assert top["with_trade_talk"] >= 3
    assert len(top["examples"]) == 3 and all("糖霜料" in example for example in top["examples"])
    # words the watchlists already know (象牙, 私聊, 懂的来) are never proposed
    assert not any(word in term for term in terms for word in ("象牙", "私聊", "懂的")), terms
    text = run("watchlist", "suggest", "--limit", "5")
    assert "糖霜料" in text.stdout and "confirmed 4" in text.stdout


def test_an_accepted_term_reaches_the_next_sweep_and_score(tw_home: Path) -> None:
    record_verdicts()
    (before,) = score_lines(json.dumps(NEW_LISTING, ensure_ascii=False) + "\n")
    assert before["hits"] == []

    accepted = run("watchlist", "accept", "糖霜料", "--category", "wildlife.ivory")
    assert accepted.exit_code == 0, accepted.output
    data = yaml.safe_load(bureau_file().read_text(encoding="utf-8"))
    (term,) = data["categories"][0]["terms"]
    assert (term["term"], term["kind"], term["accepted_by"]) == ("糖霜料", "code_word", "王芳")
    assert datetime.fromisoformat(term["accepted_at"]) <= datetime.now(UTC)
    with Session(get_engine()) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "watchlist_accept")).all()
    assert [(e.actor, e.details["term"], e.details["category"]) for e in events] == [
        ("王芳", "糖霜料", "wildlife.ivory")
    ]

    # the next sweep's score pipeline loads the bureau's watchlist beside the shipped ones
    pipeline = ScoreListingPipeline.from_crawler(get_crawler(settings_dict={"TRADEWATCH_LEAD_THRESHOLD": 60}))
    item = ListingItem(platform="demo", listing_id="777", url="http://127.0.0.1:8765/plain/item/777", **NEW_LISTING)
    scored = pipeline.process_item(item).score
    assert next((h["term"], h["category"], h["rule"]) for h in scored["hits"]) == (
        "糖霜料",
        "wildlife.ivory",
        "code_word",
    )
    assert scored["is_lead"] is True
    (after,) = score_lines(json.dumps(NEW_LISTING, ensure_ascii=False) + "\n")
    assert after["category"] == "wildlife.ivory" and after["is_lead"] is True

    again = run("watchlist", "suggest", "--json")
    assert "糖霜料" not in [s["term"] for s in json.loads(again.stdout)]


def test_accept_refuses_unknown_categories_and_repeats_in_one_line(tw_home: Path) -> None:
    unknown = run("watchlist", "accept", "糖霜料", "--category", "wildlife.dragon")
    assert unknown.exit_code == 2 and "unknown category wildlife.dragon" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
    assert run("watchlist", "accept", "糖霜料", "--category", "wildlife.ivory").exit_code == 0
    repeat = run("watchlist", "accept", "糖霜料", "--category", "wildlife.ivory")
    assert repeat.exit_code == 2 and "already in the bureau's watchlist" in repeat.output
    hostile = run("watchlist", "accept", "糖\x1b[2J料", "--category", "wildlife.ivory")
    assert hostile.exit_code == 2 and "\x1b" not in hostile.output
