"""`tradewatch leads list/show` through Typer's CliRunner, on a store filled through the library."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session
from typer.testing import CliRunner

from cli.app import app
from leads.db import get_engine
from leads.store import record_sighting

runner = CliRunner()


def add_lead(listing_id: str, title: str, score: int, category: str = "wildlife.ivory") -> None:
    with Session(get_engine()) as session:
        record_sighting(
            session,
            listing={
                "platform": "demo",
                "listing_id": listing_id,
                "url": f"http://127.0.0.1:8765/plain/item/{listing_id}",
                "title": title,
                "description": "老货，懂的来，私聊",
                "price": 8800.0,
                "currency": "CNY",
                "seller": "古玩老张",
                "seller_id": "s1024",
                "location": "广州",
            },
            score={
                "score": score,
                "is_lead": True,
                "family": category.split(".")[0],
                "category": category,
                "categories": [category],
                "hits": [],
                "rules": [{"rule": "term", "term": "象牙", "points": 70}],
            },
            seen_at=datetime(2024, 6, 1, 2, 0, tzinfo=UTC),
        )
        session.commit()


def test_list_shows_leads_best_first(tw_home: Path):
    add_lead("1", "象牙手镯", 71)
    add_lead("2", "穿山甲鳞片 中药", 93, "wildlife.pangolin")
    result = runner.invoke(app, ["leads", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert result.output.index("穿山甲鳞片") < result.output.index("象牙手镯")
    assert "wildlife.pangolin" in result.output


def test_list_json_is_machine_readable(tw_home: Path):
    add_lead("1", "象牙手镯", 71)
    result = runner.invoke(app, ["leads", "list", "--json"])
    rows = json.loads(result.output)
    assert [row["listing"]["title"] for row in rows] == ["象牙手镯"]


def test_show_gives_the_listing_and_the_reason(tw_home: Path):
    add_lead("1", "象牙手镯", 71)
    result = runner.invoke(app, ["leads", "show", "1"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for expected in ("象牙手镯", "古玩老张", "¥8,800.00", "老货，懂的来，私聊", "评分依据"):
        assert expected in result.output


def test_show_unknown_lead_is_one_line_and_non_zero(tw_home: Path):
    result = runner.invoke(app, ["leads", "show", "999"])
    assert result.exit_code == 4
    assert "no lead with id 999" in result.output


def test_scraped_control_characters_never_reach_the_terminal(tw_home: Path):
    add_lead("1", "象牙\x1b]52;c;ZXZpbA==\x07手镯\x1b[2J\x9b[link=http://x]点我[/link]\u202e\u2066", 80)
    for args in (["leads", "list"], ["leads", "show", "1"]):
        result = runner.invoke(app, args, env={"COLUMNS": "250"})
        assert result.exit_code == 0, result.output
        raw = result.output
        assert not any(ch in raw for ch in "\x1b\x07\x9b\u202e\u2066")
        assert "\\x1b" in raw and "[link=http://x]" in raw
