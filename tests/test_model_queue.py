"""The model in the officer's desk: uncertainty-first order in `leads list` and the triage screen, and `stats`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlmodel import Session

from cli.tui.app import TriageApp
from leads.db import get_engine
from leads.models import Lead
from pipelines.model import registry
from tests.model_support import run
from tests.officer_desk_data import add_lead


def set_probability(lead_id: int, probability: float | None) -> None:
    with Session(get_engine()) as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        lead.model_probability = probability
        session.add(lead)
        session.commit()


def make_queue() -> dict[str, int]:
    leads = {
        "sure": add_lead("700", "老象牙手镯 包老保真", 95),
        "unsure": add_lead("701", "白料小挂件 老货", 62, seller_id="s2"),
        "doubted": add_lead("702", "象牙白 手机壳", 70, seller_id="s3"),
        "unscored": add_lead("703", "穿山甲鳞片 中药材", 90, "wildlife.pangolin", matched="穿山甲", seller_id="s4"),
    }
    for name, probability in (("sure", 0.97), ("unsure", 0.52), ("doubted", 0.2)):
        set_probability(leads[name], probability)
    return leads


def test_list_sorts_the_least_certain_first(tw_home: Path) -> None:
    leads = make_queue()
    by_priority = json.loads(run("leads", "list", "--json").stdout)
    uncertain = json.loads(run("leads", "list", "--sort", "uncertain", "--json").stdout)
    assert by_priority[0]["lead"]["id"] == leads["sure"]
    assert [row["lead"]["id"] for row in uncertain] == [
        leads["unsure"],  # 0.52: nearest one half
        leads["doubted"],  # 0.2
        leads["sure"],  # 0.97
        leads["unscored"],  # no probability: last
    ]
    assert run("leads", "list", "--sort", "newest").exit_code == 2


def test_triage_screen_toggles_uncertainty_first(tw_home: Path) -> None:
    leads = make_queue()

    async def scenario() -> None:
        app = TriageApp(officer="王芳")
        async with app.run_test(size=(100, 24)) as pilot:
            assert app.lead_ids[0] == leads["sure"]
            await pilot.press("u")
            await pilot.pause()
            assert app.lead_ids == [leads["unsure"], leads["doubted"], leads["sure"], leads["unscored"]]
            assert "least sure" in app.last_message
            await pilot.press("u")
            await pilot.pause()
            assert app.lead_ids[0] == leads["sure"]

    asyncio.run(scenario())


def test_stats_show_the_models_labels_and_age(tw_home: Path) -> None:
    add_lead("800", "老象牙手镯 包老保真", 95)
    assert "Model: the seed shipped with tradewatch" in run("stats").stdout  # a fresh home: the seed is in use
    seed = json.loads(run("stats", "--json").stdout)["model"]
    assert seed["seed"] is True and seed["version"] == 0 and seed["labels"] >= 1400
    version = registry.save(
        {
            "created_at": "2026-11-21T02:00:00+00:00",
            "created_by": "王芳",
            "data_hash": "0" * 64,
            "labels": {"positive": 120, "negative": 80, "total": 200},
            "intercept": 0.0,
            "ngram_weights": {},
            "rule_weights": {},
        },
        tw_home,
    )
    registry.set_current(version, tw_home)
    data = json.loads(run("stats", "--json").stdout)["model"]
    assert (data["version"], data["labels"], data["positive"], data["negative"]) == (1, 200, 120, 80)
    assert data["seed"] is False
    assert data["age_days"] > 9
    text = run("stats").stdout
    assert "Model: version 1, 200 labels (120 confirmed, 80 dismissed)" in text
