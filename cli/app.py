"""Root of the `tradewatch` command: finds the command groups and turns known errors into one line.

A command's module is imported only when that command runs or shows its help, so `tradewatch --help` and a
quick `leads list` do not pay for the crawler's, the scheduler's or the model's libraries.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from cli.i18n import N_
from core.errors import InfrastructureError, TradewatchError
from core.failures import infrastructure_error

HELP_OPTIONS = {"-h", "--help"}

# Every top-level command in the order of `tradewatch --help`: the module whose `register` attaches it and
# the summary that help lists, so the list needs no import (tests hold each summary to the command's help).
COMMANDS: dict[str, tuple[str, str]] = {
    "sweep": ("cli.sweep", N_("Search one or more platforms for keywords, score every listing and store the leads.")),
    "triage": (
        "cli.triage",
        N_("Work the queue on one screen: the list on the left, the lead on the right, one key per action."),
    ),
    "stats": (
        "cli.stats",
        N_("Leads by status, category, platform and campaign; overdue and due-soon counts; workload per officer."),
    ),
    "score": ("cli.score", N_("Score listings (JSON Lines) and write one JSON line per listing.")),
    "eval": ("cli.evaluate", N_("Score a labelled JSONL set and print precision, recall and F1 for leads.")),
    "worker": (
        "cli.worker",
        N_("Work on distributed sweeps: take requests from the shared Redis queue, store leads in the shared store."),
    ),
    "ocr": ("cli.ocr", N_("Print the text in image files, as a sweep reads listing photos (OCR, offline models).")),
    "leads": ("cli.leads_cmd", N_("The lead queue: list, show and work leads.")),
    "demo-market": (
        "cli.demo_market",
        N_("A local web shop standing in for a Chinese second-hand marketplace, with a deterministic catalogue."),
    ),
    "watchlist": (
        "cli.watchlist",
        N_("Watchlists: check them, explain scores, list search terms, discover and accept code words."),
    ),
    "platforms": ("cli.platforms", N_("Platform profiles: list, check against a saved page, create.")),
    "runs": ("cli.runs", N_("Recorded sweeps (crawl runs) and their outcome.")),
    "db": ("cli.db", N_("The lead store database: migrations.")),
    "evidence": ("cli.evidence", N_("Evidence of leads: list, verify, export, tidy.")),
    "audit": ("cli.audit", N_("The audit trail: verify it, anchor its head, rotate its key.")),
    "model": (
        "cli.model",
        N_("The bureau's model: learnt from officers' verdicts, it re-ranks the queue beside the rules."),
    ),
    "campaign": (
        "cli.campaign",
        N_("Special campaigns: keywords, platforms, dates, schedule; their leads carry the campaign."),
    ),
    "schedule": (
        "cli.schedule",
        N_("The scheduler: nightly sweeps, campaigns, queue feeding, deadlines, re-checks, daily report."),
    ),
    "report": ("cli.report", N_("Reports as HTML with charts: daily, per campaign, platform rules.")),
    "rules": ("cli.rules", N_("Platform rules watch: versions, diffs and unfair-clause findings.")),
}


@cache
def _registered(module_name: str) -> typer.Typer:
    """The commands a module registers, attached once per process to an app of their own."""
    holder = typer.Typer()
    importlib.import_module(module_name).register(holder)
    return holder


def load_command(name: str) -> Any:
    """The Click command of one top-level command, built afresh (help texts are translated in place)."""
    from typer.main import get_group

    return get_group(_registered(COMMANDS[name][0])).commands[name]


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

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, its module imported now; while the root's help is drawn, a summary stands in for it."""
        command = self.commands.get(cmd_name)
        if command is not None or cmd_name not in COMMANDS:
            return command
        if getattr(self, "listing", False):
            from typer.core import TyperCommand

            from cli.i18n import _

            return TyperCommand(cmd_name, help=_(COMMANDS[cmd_name][1]))
        command = self.commands[cmd_name] = load_command(cmd_name)
        if hasattr(self, "argv"):  # running: its help in the chosen language, as `main` made the root's
            from cli.i18n import translate_command_tree

            translate_command_tree(command)
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        finally:
            _start_up_done()

    def load_all(self) -> None:
        """Import every command, for what walks the whole tree (the catalogue's help texts, their tests)."""
        for name in self.list_commands(None):
            self.get_command(None, name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def invoke(self, ctx: Any) -> Any:
        try:
            if not HELP_OPTIONS & set(getattr(self, "argv", [])):
                from core.config import get_settings

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
    from core.logging_setup import log_failure

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


def _start_up_done() -> None:
    """The command's module is loaded: what start-up made lives on, and the cycle collector runs again."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


_one_command = False


def one_command_process() -> bool:
    """True in the `tradewatch` program (`main`), which runs one command and exits; False where commands are
    invoked in a longer-lived process (CliRunner in tests). A sweep crawls in the command's own process only in
    the first, since Twisted's reactor starts once per process."""
    return _one_command


def main() -> None:
    import gc
    import logging

    from core.job_control import ctrl_z_pauses_descendants

    global _one_command
    _one_command = True

    # Start-up makes some hundred thousand objects that all live on (modules, classes, functions, tables);
    # the cycle collector's passes over them are a tenth of a quick command's CPU. It runs again once the
    # command is found (`_start_up_done`), or never in a process that only prints help.
    gc.disable()

    # Library log records of the command's own process never reach the terminal (Python's last-resort
    # handler would print warnings there); runs log to their files (core.logging_setup), failures as one line.
    logging.getLogger().addHandler(logging.NullHandler())
    # Ctrl-Z pauses what crawls outside the command's process group too (a crawl child, Chromium), and `fg` or
    # `bg` resumes it with the command.
    with ctrl_z_pauses_descendants():
        try:
            app()
        except SystemExit as done:
            _leave(done.code)
        _leave(0)


def _leave(code: object) -> NoReturn:
    """End the process once the command is done, without tearing down every module and object that start-up
    made (runners.process_exit)."""
    from runners.process_exit import leave

    leave(code)


if __name__ == "__main__":  # `python -m cli.app`, as the `tradewatch` script
    main()
