"""The schema is made only by Alembic migrations, on SQLite and PostgreSQL, and always matches the models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect, text
from sqlmodel import Session, SQLModel, select
from typer.testing import CliRunner

from cli.app import app
from leads import rules_models, schedule_models  # noqa: F401  (every table on SQLModel.metadata)
from leads.db import FIRST_REVISION, current_revision, dispose_engines, get_engine, head_revision, upgrade
from leads.models import Lead, LeadCampaign, Listing
from tests.leadstore_support import sight

ROOT = Path(__file__).resolve().parents[1]


def schema_diff(url: str, metadata: MetaData) -> list:
    with get_engine(url, migrate=False).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_upgrade_on_an_empty_database_matches_the_models(store_url: str):
    before, after = upgrade(get_engine(store_url, migrate=False))
    assert (before, after) == (None, head_revision())
    assert schema_diff(store_url, SQLModel.metadata) == []


def test_a_model_change_without_a_migration_is_detected(store_url: str):
    upgrade(get_engine(store_url, migrate=False))
    changed = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["lead"].append_column(Column("risk_level", Integer, nullable=True))
    assert [diff[0] for diff in schema_diff(store_url, changed)] == ["add_column"]


def test_upgrade_from_the_previous_migration_keeps_the_data(store_url: str):
    engine = get_engine(store_url, migrate=False)
    upgrade(engine, FIRST_REVISION)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO listing (platform, listing_id, url, title, description, first_seen, last_seen, times_seen)"
                " VALUES ('demo', '100231', 'http://127.0.0.1:8765/plain/item/100231', '象牙手镯', '老货',"
                " '2024-06-01 02:00:00', '2024-06-01 02:00:00', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO lead (score, categories, hits, explanation, status, listing_id, created_at, updated_at)"
                " VALUES (71, '[]', '[]', '[]', 'NEW', 1, '2024-06-01 02:00:00', '2024-06-01 02:00:00')"
            )
        )
    assert upgrade(engine) == (FIRST_REVISION, head_revision())
    with Session(get_engine(store_url)) as session:
        lead = session.exec(select(Lead)).one()
        assert (lead.score, lead.priority, lead.assignees, lead.extended) == (71, 0.0, [], False)
    again = sight(store_url)  # the upgraded store takes new sightings of the old listing
    assert again.lead_pk == lead.id and not again.listing_created


def test_a_store_made_before_migrations_is_adopted(tw_home: Path):
    url = f"sqlite:///{tw_home / 'tradewatch.db'}"
    engine = get_engine(url, migrate=False)
    upgrade(engine, FIRST_REVISION)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    dispose_engines()
    sight(url)  # first use migrates
    assert current_revision(get_engine(url)) == head_revision()
    with Session(get_engine(url)) as session:
        assert session.exec(select(Listing)).one().listing_id == "100231"


def test_first_use_of_a_new_home_creates_the_schema(tw_home: Path):
    assert not tw_home.exists()
    engine = get_engine()
    assert current_revision(engine) == head_revision()
    assert {"lead", "listing", "auditevent", "evidence", "listingsnapshot"} <= set(inspect(engine).get_table_names())


def test_alembic_command_line_upgrades_the_configured_store(store_url: str):
    env = {**os.environ, "TRADEWATCH_DATABASE_URL": store_url}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("alembic")), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert current_revision(get_engine(store_url, migrate=False)) == head_revision()


def test_db_upgrade_and_current_commands(store_url: str):
    runner = CliRunner(env={"TRADEWATCH_LANG": "en"})  # assertions below are in English
    first = runner.invoke(app, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"-> {head_revision()}" in first.output
    again = runner.invoke(app, ["db", "upgrade"])
    assert "up to date" in again.output
    current = runner.invoke(app, ["db", "current", "--json"])
    assert current.exit_code == 0 and '"up_to_date": true' in current.output


def test_campaign_tags_are_carried_over_as_found_or_seen_again(store_url: str):
    """A lead tagged by the campaign that created it stays that campaign's find; a tag a later campaign put
    on an older lead becomes 'seen again' (the lead's created event says who found it)."""
    engine = get_engine(store_url, migrate=False)
    upgrade(engine, FIRST_REVISION)
    with engine.begin() as connection:
        for number in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO listing (platform, listing_id, url, title, description, first_seen, last_seen,"
                    " times_seen) VALUES ('demo', :id, 'http://127.0.0.1:8765/plain/item/1', '象牙手镯', '老货',"
                    " '2025-03-10 02:00:00', '2025-03-10 02:00:00', 1)"
                ),
                {"id": f"10023{number}"},
            )
            connection.execute(
                text(
                    "INSERT INTO lead (score, categories, hits, explanation, status, listing_id, created_at,"
                    " updated_at, campaign) VALUES (71, '[]', '[]', '[]', 'NEW', :pk, '2025-03-10 02:00:00',"
                    " '2025-03-10 02:00:00', '2025清风行动')"
                ),
                {"pk": number},
            )
    upgrade(engine, "0011")
    with engine.begin() as connection:
        for seq, (lead_pk, campaign) in enumerate(((1, "2025清风行动"), (2, None)), start=1):
            connection.execute(
                text(
                    "INSERT INTO auditevent (seq, lead_pk, action, actor, details, created_at, prev_hash, hash)"
                    " VALUES (:seq, :lead, 'created', 'system', :details, '2025-03-10 02:00:00', 'p', 'h')"
                ),
                {"seq": seq, "lead": lead_pk, "details": json.dumps({"campaign": campaign}, ensure_ascii=False)},
            )
    upgrade(engine)
    with Session(get_engine(store_url)) as session:
        found_by = {lead.id: lead.campaign for lead in session.exec(select(Lead))}
        links = {(link.lead_pk, link.campaign, link.found) for link in session.exec(select(LeadCampaign))}
    assert found_by == {1: "2025清风行动", 2: None}
    assert links == {(1, "2025清风行动", True), (2, "2025清风行动", False)}


def test_head_read_from_the_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    from leads.db import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_second_head_is_left_to_alembic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import shutil

    from alembic.util import CommandError

    from leads import db

    shutil.copytree(db.MIGRATIONS_DIR, tmp_path / "migrations")
    fork = tmp_path / "migrations" / "versions" / "9999_fork.py"
    fork.write_text('revision: str = "9999"\ndown_revision: str | None = "0001"\n', encoding="utf-8")
    monkeypatch.setattr(db, "MIGRATIONS_DIR", tmp_path / "migrations")
    db.head_revision.cache_clear()
    try:
        with pytest.raises(CommandError):
            db.head_revision()
    finally:
        db.head_revision.cache_clear()


def test_the_officer_tally_counts_the_leads_already_on_desks(store_url: str):
    """Upgrading a store that has leads on officers' desks counts them into the tally once, exactly."""
    from alembic import command

    from leads.db import alembic_config
    from leads.lead_query import LeadFilter
    from leads.stats import _workload
    from tests.leadstore_support import desk_worker, run_workers, workload_from_leads

    assert run_workers(desk_worker, [(store_url, 0, 12)], timeout=300) == {0: "ok"}
    engine = get_engine(store_url, migrate=False)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")
    assert not inspect(engine).has_table("officertally")
    upgrade(engine)
    with Session(engine) as session:
        for day in (date(2026, 1, 1), date(2027, 1, 1)):
            loads = {name: load.as_dict() for name, load in _workload(session, LeadFilter(), day).items()}
            assert loads == workload_from_leads(session, day) and loads, day
