"""Officer-facing text in Chinese or English through gettext catalogues.

Message ids are English. The catalogues live in ``cli/locale/<lang>/LC_MESSAGES/tradewatch.po`` and are
compiled to ``.mo`` with Babel (`python -m cli.i18n_tools compile`). The ``.mo`` is read whenever it exists,
without comparing file times (a checkout gives both files arbitrary ones, and compiling the ``.po`` costs
every command a third of a second); `tests/test_i18n.py` holds each ``.mo`` to its ``.po``. Only a missing
``.mo`` is compiled in memory from its ``.po``.

The language is chosen, first match wins, by ``--lang``, ``TRADEWATCH_LANG``, then the locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``): Chinese for ``zh_*``, English otherwise.

Use it as::

    from cli.i18n import _

    console.print(_("No lead with id {lead_id}").format(lead_id=7))

Help texts of Typer commands are English msgids too; `translate_command_tree` swaps them for the chosen
language just before the command line is parsed.
"""

from __future__ import annotations

import gettext
import inspect
import io
import re
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from cli.import_hooks import when_imported
from core.environment import LOCALE_VARIABLES, environment_value, setting_variable

DOMAIN = "tradewatch"
LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_state: dict[str, str | None] = {"lang": None}


def normalise_language(value: str | None) -> str | None:
    """`zh`, `zh_CN.UTF-8`, `zh-Hans` → `zh`; `en_US` → `en`; anything else → None."""
    if not value:
        return None
    code = re.split(r"[_.@-]", value.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def language_from_argv(argv: Sequence[str]) -> str | None:
    """The value of a `--lang X` / `--lang=X` option in the arguments, if any."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def language_from_locale(locale: str | None) -> str:
    return "zh" if locale and locale.lower().startswith("zh") else "en"


def resolve_language(explicit: str | None = None) -> str:
    """The language to speak: the explicit choice, then TRADEWATCH_LANG, then the locale.

    Read from the environment directly (the same variables as the settings), so that help needs no
    settings and an invalid setting is reported in the chosen language."""
    for candidate in (explicit, environment_value(setting_variable("lang"))):
        lang = normalise_language(candidate)
        if lang:
            return lang
    return language_from_locale(environment_value(*LOCALE_VARIABLES))


def set_language(lang: str | None) -> str:
    """Make `lang` (or the resolved default) the language of every later `_()` call; returns it."""
    chosen = normalise_language(lang) or resolve_language()
    _state["lang"] = chosen
    return chosen


def get_language() -> str:
    lang = _state["lang"]
    return lang if lang else set_language(None)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_po(lang: str) -> bytes:
    """The `.mo` bytes for the `.po` catalogue of `lang` (Babel)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (cached per process)."""
    try:
        with mo_path(lang).open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except FileNotFoundError:
        pass
    if po_path(lang).exists():
        return gettext.GNUTranslations(io.BytesIO(compile_po(lang)))
    return gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the current language (the English msgid when it has no translation)."""
    return translations(get_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(get_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now (module-level constants)."""
    return message


# "中文 / English": the first " / " with Chinese before it (a value such as a cron `*/6` may hold a slash).
BILINGUAL_LINE = re.compile(r"^(?P<zh>[^\n]*?[\u3400-\u9fff][^\n]*?) / (?P<en>.+)$", re.DOTALL)


def localise_message(message: str) -> str:
    """One side of a legacy bilingual "中文 / English" message, in the current language.

    Library errors that predate the catalogues say both languages in one line; the officer sees one.
    A message with no Chinese before the separator is returned unchanged.
    """
    match = BILINGUAL_LINE.match(message)
    if not match:
        return message
    return match.group("zh") if get_language() == "zh" else match.group("en")


def localise_error(error: BaseException) -> str:
    """The message of a user-facing error in the current language.

    Errors may carry `msgid` (an English message with ``{name}`` placeholders) and `params` (legacy bilingual
    parameters are split); otherwise their text is translated whole when the catalogue knows it, or split
    when it is a legacy bilingual line.
    """
    msgid = getattr(error, "msgid", None)
    if isinstance(msgid, str) and msgid:
        # A parameter may itself be a legacy bilingual line (a library reason): show its one side.
        params = {
            key: localise_message(value) if isinstance(value, str) else value
            for key, value in (getattr(error, "params", None) or {}).items()
        }
        try:
            return _(msgid).format(**params)
        except (KeyError, IndexError, ValueError):
            return _(msgid)
    text = str(error)
    translated = _(text)
    if translated != text:
        return translated
    reason = getattr(error, "reason", None)
    if isinstance(reason, str) and reason and text.endswith(reason):
        # "where: reason" (a file error): the place may hold slashes, so only the reason is localised.
        return text[: len(text) - len(reason)] + localise_message(reason)
    return localise_message(text)


# --- help texts of the command tree -------------------------------------------------------------------

_ORIGINAL = "_tradewatch_msgids"


def help_msgid(text: str | None) -> str | None:
    """The msgid of a help text: the docstring as Click shows it (dedented, stripped)."""
    return inspect.cleandoc(text) if text else None


def iter_commands(
    command: Any, path: tuple[str, ...] = (), *, loaded_only: bool = False
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (path, click command) of a command tree, the root first.

    A lazy group loads all of its commands first, unless `loaded_only` asks for those it has loaded so far.
    """
    if hasattr(command, "load_all") and not loaded_only:
        command.load_all()
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from iter_commands(sub, (*path, name), loaded_only=loaded_only)


def help_texts(
    command: Any, path: tuple[str, ...] = (), *, recurse: bool = True
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every help msgid of a command (and its subcommands) with the command path it belongs to."""
    commands = iter_commands(command, path) if recurse else iter([(path, command)])
    for where, cmd in commands:
        for text in (cmd.help, cmd.short_help):
            msgid = help_msgid(text)
            if msgid:
                yield where, msgid
        for param in cmd.params:
            msgid = help_msgid(getattr(param, "help", None))
            if msgid:
                yield where, msgid


def translate_command_tree(command: Any) -> None:
    """Replace every help text in the loaded tree by its translation in the current language (idempotent)."""
    for _path, cmd in iter_commands(command, loaded_only=True):
        objects: list[Any] = [cmd, *cmd.params]
        for obj in objects:
            originals = obj.__dict__.setdefault(_ORIGINAL, {})
            for attribute in ("help", "short_help"):
                if attribute not in originals:
                    originals[attribute] = help_msgid(getattr(obj, attribute, None))
                msgid = originals[attribute]
                if msgid:
                    setattr(obj, attribute, _(msgid))


# --- Typer's own words (panel titles, the help option, usage errors) ----------------------------------

_TYPER_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
_USAGE_ERRORS = [
    (
        re.compile(r"^No such option: (?P<name>\S+) \(Possible options: (?P<choices>.+)\)$", re.S),
        N_("No such option: {name} (did you mean one of {choices}?)"),
    ),
    (re.compile(r"^No such option: (?P<name>.+)$", re.S), N_("No such option: {name}")),
    (re.compile(r"^No such command '(?P<name>.+)'\.$", re.S), N_("No such command: {name}")),
    (re.compile(r"^Missing argument '(?P<name>.+)'\.$", re.S), N_("Missing argument {name}.")),
    (re.compile(r"^Missing option '(?P<name>.+)'\.$", re.S), N_("Missing option {name}.")),
    (re.compile(r"^Got unexpected extra arguments? \((?P<name>.+)\)$", re.S), N_("Unexpected extra argument: {name}")),
    (
        re.compile(r"^Invalid value for (?P<name>.+?): Input should be a valid (?:integer|number).*$", re.S),
        N_("Invalid value for {name}: not a whole number."),
    ),
    (
        re.compile(r"^Invalid value for (?P<name>.+?): (?P<value>'.*') is not a valid integer\.?$", re.S),
        N_("Invalid value for {name}: {value} is not a whole number."),
    ),
    (
        re.compile(r"^Invalid value for (?P<name>.+?): (?P<value>.+) is not one of (?P<choices>.+)\.$", re.S),
        N_("Invalid value for {name}: {value} is not one of {choices}."),
    ),
    (
        re.compile(
            r"^Invalid value for (?P<name>.+?): (?P<value>.+) does not match the formats? (?P<formats>.+)\.$", re.S
        ),
        N_("Invalid value for {name}: {value} is not a date in the form {formats}."),
    ),
    (re.compile(r"^Invalid value for (?P<name>.+?): (?P<value>.+)$", re.S), N_("Invalid value for {name}: {value}")),
]
# Click's own words in a help page's usage line.
_USAGE_WORDS = (N_("Usage:"), N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))
_typer_state: dict[str, Any] = {}


def localise_usage_error(message: str) -> str:
    """A Click/Typer usage error message in the current language (unknown messages stay as they are)."""
    for pattern, msgid in _USAGE_ERRORS:
        match = pattern.match(message)
        if match:
            # Click quotes each of an option's names: '--out' / '-o' reads --out / -o; Typer's conversions
            # prefix their reason with pydantic's "Value error, ".
            fields = {key: value.removeprefix("Value error, ") for key, value in match.groupdict().items()}
            if "name" in fields:
                fields["name"] = fields["name"].replace("' / '", " / ").strip("'")
            return _(msgid).format(**fields)
    return message


def _localise_metavars(command: Any) -> None:
    """The `[OPTIONS]` and `COMMAND [ARGS]...` of a usage line in the current language."""
    command.options_metavar = _("[OPTIONS]")
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = _("COMMAND [ARGS]...")


def localise_typer() -> None:
    """Put Typer's panel titles, help-option text and usage errors into the current language.

    Typer imports its Rich helpers (with Markdown, Pygments and Rich's tracebacks) only to draw help or an
    error; they are changed as soon as they are imported, so a command that draws neither never loads them.
    """
    from typer._click import formatting

    if "write_usage" not in _typer_state:
        write_usage = _typer_state["write_usage"] = formatting.HelpFormatter.write_usage

        def localised_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            # Typer's own copy of Click writes a fixed English "Usage: " prefix.
            write_usage(self, prog, args, prefix if prefix is not None else _("Usage:") + " ")

        formatting.HelpFormatter.write_usage = localised_usage  # type: ignore[method-assign]
    if RICH_UTILS in sys.modules:
        _localise_rich_utils(sys.modules[RICH_UTILS])
    elif not _typer_state.get("hooked"):
        _typer_state["hooked"] = True
        when_imported(RICH_UTILS, _localise_rich_utils, RICH_STANDINS)


RICH_UTILS = "typer.rich_utils"
# What Typer's Rich helpers import for Markdown help and pretty tracebacks, neither of which tradewatch draws.
RICH_STANDINS = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def _localise_rich_utils(rich_utils: Any) -> None:
    """Typer's help and error drawing in the current language, the language of the moment they are drawn."""
    if "format_help" not in _typer_state:
        _typer_state["format_help"] = rich_utils.rich_format_help
        _typer_state["format_error"] = rich_utils.rich_format_error

        def format_help(*, obj: Any, ctx: Any, markup_mode: Any) -> Any:
            option = obj.get_help_option(ctx)
            if option is not None:
                option.help = _("Show this message and exit.")
            _localise_metavars(obj)
            _typer_texts(rich_utils)
            return _typer_state["format_help"](obj=obj, ctx=ctx, markup_mode=markup_mode)

        def format_error(self: Any) -> None:
            if getattr(self, "ctx", None) is not None:
                _localise_metavars(self.ctx.command)
            original = self.format_message()
            self.format_message = lambda: localise_usage_error(original)
            _typer_texts(rich_utils)
            return _typer_state["format_error"](self)

        rich_utils.rich_format_help = format_help
        rich_utils.rich_format_error = format_error
    _typer_texts(rich_utils)


def _typer_texts(rich_utils: Any) -> None:
    for name, msgid in _TYPER_TEXTS.items():
        setattr(rich_utils, name, _(msgid))
