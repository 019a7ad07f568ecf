"""Root of the `tradewatch` command: assembles the command groups and turns known errors into one line."""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from core.config import get_settings
from core.errors import InfrastructureError, TradewatchError
from core.failures import infrastructure_error
from core.logging_setup import log_failure

HELP_OPTIONS = {"-h", "--help"}


class TradewatchGroup(TyperGroup):
    """A command group that reports TradewatchError as one line and a non-zero exit, never a traceback."""

    def main(self, args: Any = None, *pargs: Any, **kwargs: Any) -> Any:
        # Choose the language before anything is parsed or printed, so help and errors use it too.
        import sys

        from cli.i18n import language_from_argv, localise_typer, set_language, translate_command_tree

        argv = list(sys.argv[1:] if args is None else args)
        self.argv = argv
        set_language(language_from_argv(argv))
        translate_command_tree(self)
        localise_typer()
        return super().main(args, *pargs, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            if not HELP_OPTIONS & set(getattr(self, "argv", [])):
                get_settings()  # every setting validated once, before any command runs
            return super().invoke(ctx)
        except TradewatchError as error:
            if isinstance(error, InfrastructureError):
                infrastructure_failure(self.command_name(), error, error)
            from cli.i18n import localise_error
            from cli.output import fail

            fail(localise_error(error), error.exit_code)
        except Exception as error:
            known = infrastructure_error(error)
            if known is None:
                raise
            infrastructure_failure(self.command_name(), error, known)

    def command_name(self) -> str:
        """`tradewatch-<group>`, naming the log file of a failure."""
        words = [arg for arg in getattr(self, "argv", []) if not arg.startswith("-")][:1]
        return "-".join(["tradewatch", *words])


def infrastructure_failure(command: str, error: BaseException, known: InfrastructureError) -> NoReturn:
    """One line saying what failed and where the traceback is; the exit code of the failure's kind."""
    from cli.i18n import _, localise_error
    from cli.output import fail

    log = log_failure(error, command)
    details = _("details in {log}").format(log=log) if log else _("no log could be written")
    fail(f"{localise_error(known)} ({details})", known.exit_code)


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
    from cli import campaign, ocr, report, rules, schedule

    for module in (campaign, schedule, report, rules, ocr):
        module.register(app)


_register()


def main() -> None:
    import logging

    # Library log records of the command's own process never reach the terminal (Python's last-resort
    # handler would print warnings there); runs log to their files (core.logging_setup), failures as one line.
    logging.getLogger().addHandler(logging.NullHandler())
    app()
