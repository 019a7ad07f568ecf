"""Root of the `tradewatch` command: assembles the command groups and turns known errors into one line."""

from __future__ import annotations

from typing import Any

import click
import typer
from typer.core import TyperGroup

from leads.errors import TradewatchError


class TradewatchGroup(TyperGroup):
    """A command group that reports TradewatchError as one line and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TradewatchError as error:
            from cli.output import fail

            fail(str(error), error.exit_code)


app = typer.Typer(
    name="tradewatch",
    cls=TradewatchGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="tradewatch: marketplace monitoring for illegal wildlife trade and prohibited goods.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _register() -> None:
    """Attach every command group. Each group lives in its own module of `cli`."""
    from cli import demo_market, evaluate, leads_cmd, score, sweep, watchlist

    for module in (sweep, leads_cmd, demo_market, score, watchlist, evaluate):
        module.register(app)


_register()


def main() -> None:
    app()
