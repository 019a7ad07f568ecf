"""Errors meant for the person at the keyboard: one clear line, no traceback."""


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
