"""Root of the `tradewatch` command: assembles the command groups and turns known errors into one line."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from core.errors import TradewatchError


class TradewatchGroup(TyperGroup):
    """A command group that reports TradewatchError as one line and a non-zero exit, never a traceback."""

    def main(self, args: Any = None, *pargs: Any, **kwargs: Any) -> Any:
        # Choose the language before anything is parsed or printed, so help and errors use it too.
        import sys

        from cli.i18n import language_from_argv, localise_typer, set_language, translate_command_tree

        argv = list(sys.argv[1:] if args is None else args)
        set_language(language_from_argv(argv))
        translate_command_tree(self)
        localise_typer()
        return super().main(args, *pargs, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TradewatchError as error:
            from cli.i18n import localise_error
            from cli.output import fail

            fail(localise_error(error), error.exit_code)


app = typer.Typer(
    name="tradewatch",
    cls=TradewatchGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="tradewatch: marketplace monitoring for illegal wildlife trade and prohibited goods.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the output: zh or en (default: TRADEWATCH_LANG, locale).")
    ] = None,
) -> None:
    """tradewatch: marketplace monitoring for illegal wildlife trade and prohibited goods."""
    if lang is not None:
        from cli.i18n import _, normalise_language, set_language
        from cli.output import fail

        if normalise_language(lang) is None:
            fail(_("Unknown language {lang}: use zh or en").format(lang=lang))
        set_language(lang)


def _register() -> None:
    """Attach every command group. Each group lives in its own module of `cli`."""
    from cli import (
        audit,
        db,
        demo_market,
        evaluate,
        evidence,
        leads_cmd,
        model,
        platforms,
        runs,
        score,
        stats,
        sweep,
        triage,
        watchlist,
        worker,
    )

    groups = (sweep, leads_cmd, triage, stats, demo_market, score, watchlist, evaluate, platforms, runs)
    for module in (*groups, db, evidence, audit, worker, model):
        module.register(app)
    from cli import campaign, report, schedule

    for module in (campaign, schedule, report):
        module.register(app)


_register()


def main() -> None:
    app()
