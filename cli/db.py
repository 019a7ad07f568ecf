"""`tradewatch db`: the lead store's schema (Alembic migrations)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import make_url

from cli.i18n import _
from cli.output import console, print_json
from core.config import get_settings
from leads.db import current_revision, get_engine, head_revision, upgrade

db_app = typer.Typer(help="The lead store database: migrations.", no_args_is_help=True)


def _where(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Option(help="Migrate up to this revision.")] = "head",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Create the lead store or bring its schema up to date (safe to run at any time).

    The store is TRADEWATCH_DATABASE_URL, or SQLite under TRADEWATCH_HOME. A new store is also created
    automatically on first use.

    Example:

        TRADEWATCH_HOME=/srv/tradewatch tradewatch db upgrade
    """
    url = get_settings().resolved_database_url
    before, after = upgrade(get_engine(url, migrate=False), revision)
    if as_json:
        print_json({"database": _where(url), "before": before, "after": after})
        return
    if before == after:
        message = _("database is up to date: {revision} ({where})").format(revision=after, where=_where(url))
    else:
        message = _("database upgraded: {before} -> {after} ({where})").format(
            before=before or "-", after=after, where=_where(url)
        )
    console().print(message, markup=False)


@db_app.command("current")
def current_command(as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False) -> None:
    """Show the store's schema revision and the newest one this version of tradewatch knows.

    Example:

        tradewatch db current
    """
    url = get_settings().resolved_database_url
    current = current_revision(get_engine(url, migrate=False))
    head = head_revision()
    if as_json:
        print_json({"database": _where(url), "current": current, "head": head, "up_to_date": current == head})
        return
    state = _("up to date") if current == head else _("needs `tradewatch db upgrade`")
    console().print(
        _("{where}: revision {current} (newest {head}), {state}").format(
            where=_where(url), current=current or "-", head=head, state=state
        ),
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
