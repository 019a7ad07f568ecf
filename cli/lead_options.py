"""Options shared by the lead commands, defined once: the nine filters of `leads list` and `leads export`, the
acting officer, `--json`, a lead id and a reason.

`filter_options` adds the nine filters to a command and hands it one `lead_filter` (sqlite-utils'
`output_options` idea), so every command that selects leads offers the same filters with the same meaning.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import typer

from cli.identity import require_officer
from core.statuses import LeadStatus
from leads.lead_view import LeadFilter

StatusOption = Annotated[
    list[LeadStatus] | None, typer.Option("--status", "-s", help="Only leads in this status (repeatable).")
]
CategoryOption = Annotated[
    str | None, typer.Option("--category", "-c", help="A category id (wildlife.ivory) or a family (wildlife).")
]
PlatformOption = Annotated[str | None, typer.Option("--platform", "-p", help="Only leads from this platform.")]
CampaignOption = Annotated[str | None, typer.Option("--campaign", help="Only leads of this special campaign.")]
SellerOption = Annotated[str | None, typer.Option("--seller", help="Only leads of this seller (platform id or name).")]
MinScoreOption = Annotated[
    int | None, typer.Option("--min-score", min=0, max=100, help="Only leads scoring at least this.")
]
DueBeforeOption = Annotated[
    datetime | None,
    typer.Option("--due-before", formats=["%Y-%m-%d"], help="Only leads due on or before this day (YYYY-MM-DD)."),
]
MineOption = Annotated[bool, typer.Option("--mine", help="Only leads claimed by or assigned to me.")]
OfficerOption = Annotated[
    str | None,
    typer.Option("--officer", help="The acting officer (default: TRADEWATCH_OFFICER or the config file)."),
]
LeadIdArgument = Annotated[int, typer.Argument(help="The lead's id.", metavar="ID")]
ReasonOption = Annotated[str | None, typer.Option("--reason", "-r", help="Why (recorded in the audit trail).")]

# The filter options, in the order `--help` shows them: (parameter name, annotation, default).
FILTERS: tuple[tuple[str, Any, Any], ...] = (
    ("status", StatusOption, None),
    ("category", CategoryOption, None),
    ("platform", PlatformOption, None),
    ("campaign", CampaignOption, None),
    ("seller", SellerOption, None),
    ("min_score", MinScoreOption, None),
    ("due_before", DueBeforeOption, None),
    ("mine", MineOption, False),
    ("officer", OfficerOption, None),
)


def build_filter(
    *,
    status: list[LeadStatus] | None = None,
    category: str | None = None,
    platform: str | None = None,
    campaign: str | None = None,
    seller: str | None = None,
    min_score: int | None = None,
    due_before: datetime | None = None,
    mine: bool = False,
    officer: str | None = None,
) -> LeadFilter:
    """The library filter for the command-line filter options (`--mine` needs the acting officer)."""
    return LeadFilter(
        statuses=list(status or []),
        category=category,
        platform=platform,
        campaign=campaign,
        seller=seller,
        min_score=min_score,
        due_before=due_before.date() if due_before else None,
        officer=require_officer(officer) if mine else None,
    )


Command = TypeVar("Command", bound=Callable[..., Any])


def filter_options(command: Command) -> Command:
    """Give `command` the nine filter options; it receives them as one `lead_filter: LeadFilter` argument."""
    parameters = inspect.signature(command, eval_str=True).parameters.values()
    own = [param.replace(kind=inspect.Parameter.KEYWORD_ONLY) for param in parameters if param.name != "lead_filter"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, annotation, default in FILTERS
    ]

    @functools.wraps(command)
    def with_filter(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name, _annotation, _default in FILTERS}
        return command(*args, lead_filter=build_filter(**values), **kwargs)

    with_filter.__signature__ = inspect.Signature(added + own)  # type: ignore[attr-defined]
    return with_filter  # type: ignore[return-value]
