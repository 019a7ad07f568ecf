"""Maintaining the gettext catalogues: extract msgids, update the .po files, compile the .mo files, check.

    python -m cli.i18n_tools update    # add new msgids to every catalogue (English msgstr = msgid)
    python -m cli.i18n_tools compile   # write the .mo files next to the .po files (Babel)
    python -m cli.i18n_tools check     # list msgids missing or untranslated in a catalogue; exit 1 if any

Msgids come from `_()`, `N_()` and `ngettext()` calls in the `cli` package, from the help texts of the
command groups listed in `TRANSLATED_GROUPS`, and from the messages the library defines for the CLI to
translate (`error_msgids`, `library_msgids`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from cli.i18n import DOMAIN, LANGUAGES, help_texts, iter_commands, mo_path, po_path

CLI_DIR = Path(__file__).resolve().parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}

# Help texts in the catalogues: the root, the groups below, and the commands defined in these modules.
TRANSLATED_GROUPS: tuple[tuple[str, ...], ...] = (
    (),
    ("leads",),
    ("audit",),
    ("campaign",),
    ("db",),
    ("demo-market",),
    ("evidence",),
    ("model",),
    ("platforms",),
    ("report",),
    ("rules",),
    ("runs",),
    ("schedule",),
    ("watchlist",),
)
TRANSLATED_MODULES = frozenset(
    {
        "cli.app",
        "cli.audit",
        "cli.campaign",
        "cli.db",
        "cli.demo_market",
        "cli.evaluate",
        "cli.evidence",
        "cli.export",
        "cli.leads_cmd",
        "cli.model",
        "cli.notices",
        "cli.ocr",
        "cli.platforms",
        "cli.report",
        "cli.rules",
        "cli.runs",
        "cli.schedule",
        "cli.score",
        "cli.stats",
        "cli.sweep",
        "cli.triage",
        "cli.watchlist",
        "cli.worker",
    }
)


def _is_translated(path: tuple[str, ...], command: object) -> bool:
    if path in TRANSLATED_GROUPS:
        return True
    callback = getattr(command, "callback", None)
    return getattr(callback, "__module__", None) in TRANSLATED_MODULES


def code_msgids(files: Iterable[Path] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Msgids of `_()`-style calls with where they occur."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(files or CLI_DIR.rglob("*.py")):
        if path.name == "i18n_tools.py":
            continue
        for lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids:
                if msgid:
                    found.setdefault(msgid, []).append((str(path.relative_to(CLI_DIR.parent)), lineno))
    return found


def command_msgids() -> dict[str, list[tuple[str, int]]]:
    """Help texts of the translated command groups."""
    from typer.main import get_command

    from cli.app import app

    found: dict[str, list[tuple[str, int]]] = {}
    for path, command in iter_commands(get_command(app)):
        if _is_translated(path, command):
            for _path, msgid in help_texts(command, path, recurse=False):
                found.setdefault(msgid, []).append(("tradewatch " + " ".join(path), 0))
    return found


def error_msgids() -> dict[str, list[tuple[str, int]]]:
    """Messages of the infrastructure errors (`core.errors`), which the CLI translates by their `msgid`."""
    from core import errors

    found: dict[str, list[tuple[str, int]]] = {}
    for value in vars(errors).values():
        if isinstance(value, type) and issubclass(value, errors.InfrastructureError) and value.msgid != "{what}":
            found.setdefault(value.msgid, []).append((f"core/errors.py ({value.__name__})", 0))
    return found


def library_msgids() -> dict[str, list[tuple[str, int]]]:
    """Messages the library defines for the CLI to translate, beside the errors': what the rules' fingerprint of
    a model says (`pipelines.model.fingerprint`), why a run was judged so (`cli.runs.recorded_reasons`), the
    scheduled jobs' names (`leads.timetable.JOB_NAMES`), and the errors of the sweep and of crawl children that
    carry a msgid."""
    from cli.runs import recorded_reasons
    from crawler.run_health import SEE_THE_LOG
    from leads.timetable import CAMPAIGN_JOB_NAME, JOB_NAMES
    from pipelines.model import fingerprint
    from runners.child import CHILD_ERROR_MSGIDS
    from runners.sweep import SweepDidNotStart

    found: dict[str, list[tuple[str, int]]] = {}
    found.setdefault(SweepDidNotStart.msgid, []).append(("runners/sweep.py (SweepDidNotStart)", 0))
    for msgid in CHILD_ERROR_MSGIDS:
        found.setdefault(msgid, []).append(("runners/child.py (a crawl child's failure)", 0))
    for name, value in (*fingerprint.RULES_LINES.items(), ("SWEEP_NOTE", fingerprint.SWEEP_NOTE)):
        found.setdefault(value, []).append((f"pipelines/model/fingerprint.py ({name})", 0))
    for reason in (*recorded_reasons(), SEE_THE_LOG):
        found.setdefault(reason, []).append(("a run's recorded reasons (cli/runs.py)", 0))
    for job_id, (_zh, en) in (*JOB_NAMES.items(), ("campaign:NAME", CAMPAIGN_JOB_NAME)):
        found.setdefault(en, []).append((f"leads/timetable.py (JOB_NAMES {job_id})", 0))
    return found


def all_msgids() -> dict[str, list[tuple[str, int]]]:
    merged = code_msgids()
    for msgid, where in (*command_msgids().items(), *error_msgids().items(), *library_msgids().items()):
        merged.setdefault(msgid, []).extend(where)
    return merged


def load_catalog(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="tradewatch", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def update(lang: str) -> Catalog:
    """Rewrite the catalogue of `lang` with exactly the current msgids, keeping existing translations."""
    old = load_catalog(lang)
    new = Catalog(locale=lang, domain=DOMAIN, project="tradewatch", charset="utf-8", fuzzy=False)
    for msgid, where in sorted(all_msgids().items()):
        previous = old.get(msgid)
        msgstr = previous.string if previous is not None and previous.string else ""
        if lang == "en" and not msgstr:
            msgstr = msgid
        new.add(msgid, msgstr, locations=[(file, line) for file, line in where if line][:3])
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, new, width=120, sort_output=True, omit_header=False, include_lineno=False)
    return new


def compile_catalog(lang: str) -> Path:
    catalog = load_catalog(lang)
    with mo_path(lang).open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return mo_path(lang)


def problems(lang: str) -> list[str]:
    """What is wrong with a catalogue: msgids missing, untranslated or fuzzy, and placeholders that differ."""
    import string

    catalog = load_catalog(lang)
    issues = []
    for msgid in sorted(all_msgids()):
        message = catalog.get(msgid)
        if message is None:
            issues.append(f"{lang}: missing: {msgid!r}")
        elif not message.string:
            issues.append(f"{lang}: untranslated: {msgid!r}")
        elif message.fuzzy:
            issues.append(f"{lang}: fuzzy: {msgid!r}")
        else:
            fields = {name for _lit, name, _spec, _conv in string.Formatter().parse(msgid) if name}
            translated = {name for _lit, name, _spec, _conv in string.Formatter().parse(message.string) if name}
            if fields != translated:
                issues.append(f"{lang}: placeholders differ: {msgid!r}")
    return issues


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        for lang in LANGUAGES:
            update(lang)
        command = "check"
    if command == "compile":
        for lang in LANGUAGES:
            compile_catalog(lang)
        return 0
    if command == "check":
        found = [issue for lang in LANGUAGES for issue in problems(lang)]
        sys.stdout.write("".join(issue + "\n" for issue in found))
        return 1 if found else 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
