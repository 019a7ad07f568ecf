"""`tradewatch sweep`: search platforms for keywords now and store what is found."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from cli.i18n import N_, _, localise_message
from cli.output import console, fail
from cli.runs import outcome_label, reason_text
from core.errors import StoreUnavailable
from core.failures import store_location
from crawler.run_health import (
    BROWSER_UNAVAILABLE,
    LAUNCH_FAILED_STAT,
    LAUNCH_RECOVERED_STAT,
    REASONS_STAT,
    STORE_UNAVAILABLE,
)
from leads.db import get_engine
from leads.models import CrawlRun
from leads.runs import INTERRUPTED, get_run
from runners.sweep_request import SweepRequest

INTERRUPTED_EXIT = 130  # a sweep stopped by Ctrl-C or SIGTERM: the shell's code for a command ended by Ctrl-C
START_THE_BROWSER = N_(
    "install Chromium (make setup, or scripts/ensure-browser.sh) or set TRADEWATCH_CHROMIUM_PATH to it, "
    "then sweep again"
)

SWEEP_LEFT_OPEN = N_(
    "sweep {sweep} interrupted: it stays open for workers on other machines; "
    "tradewatch worker --finish {sweep} records its runs"
)

HELP = """Search one or more platforms for keywords, score every listing and store the leads.

Example:

    tradewatch sweep --platform demo --keywords 象牙,穿山甲

    tradewatch sweep --platform demo --platform demo-js --keywords 犀牛角 --max-pages 2

    tradewatch sweep --platform demo --watchlist wildlife.ivory,wildlife.pangolin --since 2024-01-01

    tradewatch sweep --profile ./my-shop.yaml --keywords 象牙

Feeds of the profile (category pages, newest listings, sitemaps) are swept with --feed or --all-feeds, with or
without keywords; every listing they hold is scored. --budget bounds the requests sent to each platform.

    tradewatch sweep --platform demo --all-feeds

    tradewatch sweep --platform demo --feed newest --watchlist all --budget 500

With TRADEWATCH_REDIS_URL set (or --distributed) the sweep is shared through Redis: this machine seeds it,
runs --workers workers itself, and `tradewatch worker` on other machines join in.

    TRADEWATCH_REDIS_URL=redis://10.0.0.5:6379/0 tradewatch sweep --platform demo --keywords 象牙 --workers 2
"""


def sweep(
    platform: Annotated[list[str] | None, typer.Option("--platform", "-p", help="Platform name (repeatable).")] = None,
    keywords: Annotated[str, typer.Option("--keywords", "-k", help="Comma-separated search keywords.")] = "",
    profile: Annotated[
        list[Path] | None, typer.Option("--profile", help="A platform profile file (repeatable).")
    ] = None,
    watchlist: Annotated[
        str | None,
        typer.Option(help="Without --keywords: search the watchlist terms of these categories (or all)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Skip listings posted before this date (YYYY-MM-DD), where the site shows it.")
    ] = None,
    campaign: Annotated[str | None, typer.Option(help="Tag the leads with this special campaign.")] = None,
    max_pages: Annotated[int | None, typer.Option(help="Result pages per keyword (default: the profile's).")] = None,
    base_url: Annotated[str | None, typer.Option(help="Point the profile at another host, e.g. a test server.")] = None,
    distributed: Annotated[
        bool | None,
        typer.Option(
            "--distributed/--local", help="Share the sweep through Redis (default: when TRADEWATCH_REDIS_URL is set)."
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Distributed sweeps: workers to run on this machine (0: only seed and wait).", min=0)
    ] = 1,
    ocr: Annotated[
        bool, typer.Option("--ocr/--no-ocr", help="Read the text in listing photos (photos are hashed either way).")
    ] = True,
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="A feed of the profile to sweep (repeatable).")
    ] = None,
    all_feeds: Annotated[bool, typer.Option("--all-feeds", help="Sweep every feed of each profile.")] = False,
    budget: Annotated[
        int | None, typer.Option(help="Requests per platform at most (default: the profile's budget).", min=1)
    ] = None,
) -> None:
    from runners.sweep import run_sweep
    from spiders.sweep_params import SweepParams

    try:
        params = SweepParams.model_validate(
            {
                "keywords": keywords,
                "watchlist": watchlist,
                "campaign": campaign,
                "max_pages": max_pages,
                "since": since,
                "feeds": feed or [],
                "all_feeds": all_feeds,
                "budget": budget,
                "ocr": ocr,
            }
        )
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        if message.startswith("keywords:"):
            fail(_("no keywords given (use --keywords 象牙,穿山甲, --watchlist wildlife.ivory or --all-feeds)"))
        if field:
            fail(
                _("invalid --{option}: {reason}").format(
                    option=field.replace("_", "-"), reason=localise_message(message)
                )
            )
        fail(_("invalid parameters: {reason}").format(reason=localise_message(message)))
    request = SweepRequest(
        platforms=platform or ([] if profile else ["demo"]),
        profile_files=profile or [],
        params=params,
        base_url=base_url,
        distributed=distributed,
        local_workers=workers,
    )
    _check_feeds(request)
    from cli.app import one_command_process

    try:
        result = run_sweep(request, here=one_command_process())
    except KeyboardInterrupt as interrupt:  # a sweep in a child process, or a distributed sweep's coordinator
        sweep_id = getattr(interrupt, "sweep_id", None)
        if sweep_id:
            fail(_(SWEEP_LEFT_OPEN).format(sweep=sweep_id), code=INTERRUPTED_EXIT)
        fail(_("sweep interrupted"), code=INTERRUPTED_EXIT)
    with Session(get_engine()) as session:
        runs = [run for run in (get_run(session, run_id) for run_id in result.run_ids) if run]
    table = Table(title=_("Sweep summary"))
    for heading in (_("Run"), _("Platform"), _("Outcome")):
        table.add_column(heading)
    for heading in (_("Pages"), _("Listings"), _("Hits"), _("New leads"), _("Updated leads"), _("Errors")):
        table.add_column(heading, justify="right")
    for run in runs:
        table.add_row(
            str(run.id),
            run.platform,
            outcome_label(run.outcome) if run.outcome else "?",
            str(run.pages),
            str(run.listings),
            str(run.hits),
            str(run.leads_new),
            str(run.leads_updated),
            str(run.errors),
        )
    out = console()
    out.print(table)
    for run in runs:
        stats = run.stats or {}
        skipped = int(stats.get("tradewatch/budget/skipped") or 0)
        if skipped:
            out.print(
                _("{platform}: stopped at the budget of {budget} requests; {skipped} requests not made").format(
                    platform=run.platform, budget=stats.get("tradewatch/budget/limit"), skipped=skipped
                ),
                markup=False,
            )
        recovered = int(stats.get(LAUNCH_RECOVERED_STAT) or 0)
        if recovered and run.finish_reason != BROWSER_UNAVAILABLE:
            out.print(
                _(
                    "{platform}: the browser failed to start {failed} time(s) and was started again; the sweep went on"
                ).format(platform=run.platform, failed=stats.get(LAUNCH_FAILED_STAT)),
                markup=False,
            )
    if result.sweep_id:
        out.print(_("Distributed sweep: {sweep_id}").format(sweep_id=result.sweep_id), markup=False)
    out.print(_("Log: {path}").format(path=result.log_file), markup=False)
    _warn_of_stale_model(out)
    if any(run.finish_reason == STORE_UNAVAILABLE for run in runs):
        raise StoreUnavailable(
            where=store_location(), reason=_("the store was lost during the sweep; what was committed is kept")
        )
    if len(runs) < len(result.run_ids) or not runs:
        fail(_("the sweep recorded no run"))
    exit_as_runs_ended(runs)


def exit_as_runs_ended(runs: list[CrawlRun]) -> None:
    """A sweep's runs that did not all go well end the command with one line naming them: exit 130 when one was
    interrupted, else 3 (`tradewatch sweep`, `tradewatch worker --finish`)."""
    failed = [run for run in runs if run.outcome != "ok"]
    names = _(", ").join(run_line(run) for run in failed)
    if any(run.outcome == INTERRUPTED for run in failed):
        fail(_("sweep interrupted: {platforms}").format(platforms=names), code=INTERRUPTED_EXIT)
    if failed:
        fail(_("sweep did not complete normally: {platforms}").format(platforms=names), code=3)


def run_line(run: CrawlRun) -> str:
    """A run that was not ok, in one line: its platform, outcome and reasons, and what to do when its browser
    did not start."""
    return _("{platform} ({details})").format(platform=run.platform, details=run_details(run))


def run_details(run: CrawlRun) -> str:
    """A run's outcome in the officer's language, with why it was judged so and what to do when its browser
    did not start (only the outcome for a run that went well)."""
    parts = [outcome_label(run.outcome), *map(reason_text, _reasons(run))]
    if run.finish_reason == BROWSER_UNAVAILABLE:
        parts.append(_(START_THE_BROWSER))
    return _("; ").join(parts)


def _reasons(run: CrawlRun) -> list[str]:
    """Why the run was judged so, as its record keeps it (English, see crawler.run_health.assess); for a run its
    crawl never finished (stopped by force, its process gone), why it was recorded so (leads.runs)."""
    if not run.stats and run.finish_reason:
        return [run.finish_reason]
    return [str(reason) for reason in (run.stats or {}).get(REASONS_STAT, [])]


def _warn_of_stale_model(out: Console) -> None:
    """The officer's own line, in their language, when the bureau's model the sweep scored with was trained on
    other rules than today's: the crawl's log says it too, but an officer reads the terminal. Only a bureau that
    trained a model of its own reads the fingerprint (`pipelines.model.fingerprint`)."""
    from pipelines.model import registry

    if registry.current_version() is None:
        return
    from pipelines.model.fingerprint import RULES_LINES, SWEEP_NOTE, stale_model

    try:
        stale = stale_model()
    except Exception as error:  # a broken model is reported by `tradewatch model show`; the sweep is done
        from loguru import logger

        logger.debug("the model's rules could not be compared: {}", error)
        return
    if stale is not None:
        version, state = stale
        out.print(_(SWEEP_NOTE).format(version=version, rules=_(RULES_LINES[state])), markup=False, style="yellow")


def _check_feeds(request: SweepRequest) -> None:
    """One clear line when --all-feeds meets a profile without feeds and nothing else to do (an unknown feed is
    refused by the request's profiles)."""
    for loaded in request.load_profiles():
        if request.params.all_feeds and not loaded.feeds and not request.params.keywords:
            fail(_("platform {platform} has no feeds: give --keywords or --watchlist").format(platform=loaded.name))


def register(app: typer.Typer) -> None:
    app.command("sweep", help=HELP)(sweep)
