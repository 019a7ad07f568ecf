"""Errors meant for the person at the keyboard: one clear line, no traceback."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class TradewatchError(Exception):
    """A failure the user can act on. The message is shown as one line and the command exits non-zero."""

    exit_code = 2


class InputFileError(TradewatchError):
    """A file given by the user is malformed; the message names the file and, where known, the line."""

    def __init__(self, path: object, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class NotFound(TradewatchError):
    """The lead, evidence or other record asked for does not exist."""

    exit_code = 4


class OfficerRequired(TradewatchError):
    """A change of a lead was asked for without an officer identity."""

    def __init__(self) -> None:
        super().__init__(
            "需要办案人员身份：请用 --officer 或设置 TRADEWATCH_OFFICER / an officer identity is required: "
            "pass --officer or set TRADEWATCH_OFFICER"
        )


class TransitionError(TradewatchError):
    """A lead cannot make the asked-for transition from its current state, or a rule of it is not met."""

    exit_code = 3


class ClaimConflict(TransitionError):
    """Someone else changed the lead first (typically: claimed it a moment earlier)."""

    exit_code = 5


class EvidenceError(TradewatchError):
    """Evidence could not be stored or exported."""


class InfrastructureError(TradewatchError):
    """Configuration or a service around tradewatch failed: one line saying what, where and what to do.

    `msgid` is the English message with `{name}` placeholders filled from `params` (translated by the CLI);
    each kind has its own exit code, listed in the README, so scripts and the scheduler can tell them apart.
    """

    msgid = "{what}"
    params: dict[str, object]

    def __init__(self, **params: object) -> None:
        self.params = params
        super().__init__(self.msgid.format(**params))


class ConfigurationError(InfrastructureError):
    """A setting (environment variable or configuration file) has a value tradewatch cannot use."""

    exit_code = 78  # sysexits EX_CONFIG
    msgid = "invalid setting {setting}: {reason}. Fix the environment variable or configuration file and retry"


class StoreUnavailable(InfrastructureError):
    """The lead store cannot be reached or opened (server down, database missing, connection lost)."""

    exit_code = 69  # sysexits EX_UNAVAILABLE
    msgid = "lead store unavailable at {where}: {reason}. Check that the database is running and reachable"


class StoreCorrupt(InfrastructureError):
    """The lead store opens but is not a readable tradewatch database."""

    exit_code = 65  # sysexits EX_DATAERR
    msgid = "lead store at {where} is damaged or not a tradewatch database: {reason}. Restore it from a backup"


class FrontierUnavailable(InfrastructureError):
    """Redis, the shared crawl frontier of distributed sweeps, cannot be reached."""

    exit_code = 75  # sysexits EX_TEMPFAIL
    msgid = "Redis unavailable at {where}: {reason}. Check that Redis is running, then rerun or finish the sweep"


class DiskError(InfrastructureError):
    """A file under the data folder cannot be written (disk full, read-only, no permission)."""

    exit_code = 74  # sysexits EX_IOERR
    msgid = "cannot write {where}: {reason}. Free disk space or fix the folder's permissions"


# Pydantic's error types in Chinese, for files officers write (a type missing here keeps its English text).
_VALIDATION_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "未知字段",
    "int_parsing": "不是整数",
    "int_type": "不是整数",
    "int_from_float": "不是整数",
    "float_parsing": "不是数字",
    "float_type": "不是数字",
    "bool_parsing": "不是 true 或 false",
    "bool_type": "不是 true 或 false",
    "string_type": "不是文本",
    "list_type": "不是列表",
    "dict_type": "不是键值映射",
    "model_type": "不是键值映射",
    "model_attributes_type": "不是键值映射",
    "too_short": "项数太少",
    "string_too_short": "不能为空",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "literal_error": "只能是 {expected}",
    "enum": "只能是 {expected}",
}
_BILINGUAL = re.compile(r"^(?P<zh>[^\n]*?[\u3400-\u9fff][^\n]*?) / (?P<en>.+)$", re.DOTALL)


def describe_validation_error(
    error: ValidationError, *, whole: str = "(file)", limit: int = 3, bilingual: bool = False
) -> str:
    """A pydantic ValidationError as `field.path: reason; ...`, the first few problems, for one-line errors.

    `bilingual`: the whole line as "中文 / English" (a validator's own message may be bilingual already), so
    that the command line shows the officer's language."""
    parts, english, chinese = [], [], []
    for detail in error.errors()[:limit]:
        where = ".".join(str(part) for part in detail["loc"]) or whole
        message = str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        parts.append(f"{where}: {message}")
        both = _BILINGUAL.match(message)
        english.append(f"{where}: {both.group('en')}" if both else f"{where}: {message}")
        if both:
            chinese.append(f"{where}：{both.group('zh')}")
        elif detail["type"] in _VALIDATION_ZH:
            text = _VALIDATION_ZH[detail["type"]].format(**{k: v for k, v in (detail.get("ctx") or {}).items()})
            chinese.append(f"{where}：{text}")
        else:
            chinese.append(f"{where}：{message}")
    if not bilingual:
        return "; ".join(parts)
    return "；".join(chinese) + " / " + "; ".join(english)


def first_line(error: BaseException | str) -> str:
    """The first line of an error's message that says something, stripped: what a record, a stat or a log line
    keeps of an error whose full text (a driver's context, a browser's call log) goes to the log. An exception
    whose message says nothing is named by its class; so is one whose message cannot be told (its `__str__`
    raises): this is called while another error is handled, and must not replace it. A message given as bytes
    (a child's output) is read as UTF-8, not shown as its repr."""
    for line in error_text(error).splitlines():
        if line.strip():
            return line.strip()
    return type(error).__name__ if isinstance(error, BaseException) else ""


def error_text(error: BaseException | str) -> str:
    """An error's whole message, never raising: empty for one that cannot be told (its `__str__` raises), and
    a message given as bytes read as UTF-8."""
    if isinstance(error, str):
        return error
    if len(error.args) == 1 and isinstance(error.args[0], bytes | bytearray):
        return bytes(error.args[0]).decode("utf-8", "replace")
    try:
        return str(error)
    except Exception:  # a broken __str__ says nothing
        return ""
