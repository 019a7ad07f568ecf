"""`tradewatch score`: score JSONL listings against the watchlists."""

from __future__ import annotations

import io
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from cli.i18n import _
from cli.output import err_console, fail

SCORE_HELP = """Score listings (JSON Lines) and write one JSON line per listing.

Each input line needs `title`; `description`, `price`, `seller`, `platform`, `url` and any other keys are
kept. Added: score (0-100), is_lead, family, category, categories, hits (term, category, field, start, end,
matched, rule) and rules (the explanation). A bad line is reported with its number and skipped; the
command exits 1 at the end if any line failed. Output is strict JSON: lone surrogates (and bytes that are not
UTF-8) become U+FFFD and NaN or Infinity become null, each reported with its line number.

Example:

    tradewatch score listings.jsonl > scored.jsonl
    echo '{"title": "象 牙手镯 老料", "price": 6800}' | tradewatch score -
    tradewatch score listings.jsonl --threshold 70 --leads-only
"""


def score_cmd(
    file: Annotated[str, typer.Argument(help="JSONL file of listings, or - for standard input.")] = "-",
    threshold: Annotated[
        int | None, typer.Option("--threshold", "-t", min=0, max=100, help="Lead threshold (default: configured).")
    ] = None,
    watchlist: Annotated[
        list[Path] | None, typer.Option("--watchlist", "-w", help="Watchlist file or folder (repeatable).")
    ] = None,
    leads_only: Annotated[bool, typer.Option("--leads-only", help="Write only listings that are leads.")] = False,
    explain: Annotated[bool, typer.Option("--explain/--no-explain", help="Include the fired rules.")] = True,
) -> None:
    from pipelines.model.registry import current_combiner
    from pipelines.scoring import Scorer

    scorer = Scorer.load(watchlist or None, threshold=threshold)
    combine = current_combiner()
    name = "<stdin>" if file == "-" else file
    if file == "-":
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
        failed = _score_stream(scorer, combine, stdin, name, leads_only, explain)
    else:
        try:
            with open(file, encoding="utf-8", errors="surrogateescape") as handle:
                failed = _score_stream(scorer, combine, handle, name, leads_only, explain)
        except OSError as error:
            fail(_("{path}: cannot read: {error}").format(path=file, error=error.strerror or error))
    if failed:
        err_console().print(_("Lines that failed: {count}").format(count=failed), markup=False)
        raise typer.Exit(1)


class JsonLines:
    """The records of a JSON Lines stream as (where, record); a line that is not JSON is reported with its
    `file:line` and counted in `failed`, as is every line the caller `reject`s. Lone surrogates and NaN or
    Infinity in a record are replaced (`strict_json_value`) and reported."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self.stream, self.name, self.failed = stream, name, 0

    def reject(self, message: str) -> None:
        self.failed += 1
        err_console().print(message, markup=False)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for number, line in enumerate(self.stream, start=1):
            if not line.strip():
                continue
            where = f"{self.name}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                self.reject(_("{where}: not JSON: {error}").format(where=where, error=error.msg))
                continue
            record, repaired = strict_json_value(record)
            if repaired:
                err_console().print(
                    _("{where}: invalid characters or numbers replaced").format(where=where), markup=False
                )
            yield where, record


def _score_stream(scorer: Any, combine: Any, stream: TextIO, name: str, leads_only: bool, explain: bool) -> int:
    out = sys.stdout
    lines = JsonLines(stream, name)
    for where, record in lines:
        if not isinstance(record, dict) or not isinstance(record.get("title"), str):
            lines.reject(_("{where}: missing `title`").format(where=where))
            continue
        scored = scorer.score(record)
        result = combine(scored.to_dict(), record, threshold=scorer.threshold, folded=scored.folded)
        if leads_only and not result["is_lead"]:
            continue
        if not explain:
            result.pop("rules")
        record.update(result)
        out.write(json.dumps(strict_json_value(record)[0], ensure_ascii=False, allow_nan=False) + "\n")
    return lines.failed


_SURROGATE = re.compile("[\ud800-\udfff]")


def strict_json_value(value: Any) -> tuple[Any, bool]:
    """`value` with lone surrogates replaced by U+FFFD and NaN/Infinity by None; and whether anything changed.

    Python's JSON reader accepts both (`"\\ud800"`, `NaN`), but neither can be written as UTF-8 or strict JSON.
    """
    if isinstance(value, str):
        fixed = _SURROGATE.sub("\ufffd", value)
        return fixed, fixed != value
    if isinstance(value, float) and not math.isfinite(value):
        return None, True
    if isinstance(value, dict):
        pairs = [(strict_json_value(key), strict_json_value(item)) for key, item in value.items()]
        return {key: item for (key, _k), (item, _i) in pairs}, any(k or i for (_, k), (_, i) in pairs)
    if isinstance(value, list):
        items = [strict_json_value(item) for item in value]
        return [item for item, _c in items], any(changed for _i, changed in items)
    return value, False


def register(app: typer.Typer) -> None:
    app.command("score", help=SCORE_HELP)(score_cmd)
