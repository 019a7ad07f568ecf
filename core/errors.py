"""Errors meant for the person at the keyboard: one clear line, no traceback."""

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


def describe_validation_error(error: ValidationError, *, whole: str = "(file)", limit: int = 3) -> str:
    """A pydantic ValidationError as `field.path: reason; ...`, the first few problems, for one-line errors."""
    parts = []
    for detail in error.errors()[:limit]:
        where = ".".join(str(part) for part in detail["loc"]) or whole
        message = str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
