"""The bureau's saved models under ``TRADEWATCH_HOME/models/``: one JSON file per version and a pointer to the
one in use.

A model file is plain JSON (n-gram, rule-feature and meaning weights with the meaning classes' words, the
intercept, and what it was trained on: version, time, a hash of the training data, label counts,
cross-validated figures). Loading it never runs code, unlike a pickle. ``current`` names the version in use;
changing it is one command and an audit event.
"""

from __future__ import annotations

import json
import marshal
import re
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config import get_settings
from core.errors import InputFileError, NotFound
from core.files import write_text_atomically

if TYPE_CHECKING:
    from pipelines.model.predict import Model, ScoreCombiner

MODEL_FORMAT = "tradewatch-model"
FORMAT_VERSION = 1
_FILE = re.compile(r"^model-(\d{4,})\.json$")
# The seed model shipped with tradewatch (see pipelines.model.seed, which builds it).
SEED_FILE = Path(__file__).resolve().with_name("seed.json")
_REQUIRED = ("version", "created_at", "data_hash", "labels", "intercept", "ngram_weights", "rule_weights")


def models_dir(home: Path | None = None) -> Path:
    return (home or get_settings().resolved_home) / "models"


def model_path(version: int, home: Path | None = None) -> Path:
    return models_dir(home) / f"model-{version:04d}.json"


def versions(home: Path | None = None) -> list[int]:
    folder = models_dir(home)
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _FILE.match(p.name)))


def save(data: dict[str, Any], home: Path | None = None) -> int:
    """Write a trained model as the next version (it does not become the one in use); returns the version."""
    version = (versions(home) or [0])[-1] + 1
    data = {"format": MODEL_FORMAT, "format_version": FORMAT_VERSION, **data, "version": version}
    write_text_atomically(model_path(version, home), json.dumps(data, ensure_ascii=False, sort_keys=True))
    return version


def read(version: int, home: Path | None = None, *, cached: bool = False) -> dict[str, Any]:
    """A saved model's data; NotFound when there is no such version, TradewatchError when the file is broken.
    ``cached``: keep the parse in the scorer's on-disk cache (see `_parsed`)."""
    path = model_path(version, home)
    try:
        return _read_file(path, cached)
    except FileNotFoundError:
        raise NotFound(f"没有第 {version} 版模型 / no model version {version}") from None


def read_seed(*, cached: bool = False) -> dict[str, Any] | None:
    """The data of the seed model shipped with tradewatch (:mod:`pipelines.model.seed`), or None when the
    package holds none. ``cached``: keep the parse in the scorer's on-disk cache (see `_parsed`)."""
    try:
        return _read_file(SEED_FILE, cached)
    except FileNotFoundError:
        return None


def _read_file(path: Path, cached: bool) -> dict[str, Any]:
    """A model file's data, checked; FileNotFoundError when it is missing, TradewatchError when it is broken."""
    try:
        content = path.read_bytes()
        data = _parsed(content, cached)
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputFileError(path, f"模型文件无法读取 / not a readable model file ({type(error).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT or any(k not in data for k in _REQUIRED):
        raise InputFileError(path, "不是 tradewatch 模型文件 / not a tradewatch model file")
    if data.get("format_version") != FORMAT_VERSION:
        raise InputFileError(path, "模型格式版本不受支持 / unsupported model format version")
    return data


def _parsed(content: bytes, cached: bool) -> Any:
    """The JSON of a model file; when ``cached`` (a caller about to score with it: a crawl, `score`, `eval`,
    training), kept in the scorer's on-disk cache as marshal data under a hash of the file's bytes. The seed's
    0.9 MB (mostly the per-category n-grams that only a lift without a category reads) take json 20-25 ms to
    parse, marshal a third of that, and every crawl process reads the model in use as it starts. A caller that
    only describes a model (`stats`, `model list`) leaves it off, as the cache's import loads the scorer's
    package. A missing or unreadable entry only means the JSON is parsed; the entry holds plain values (marshal
    builds them, runs nothing), checked as the file's."""
    if not cached:
        return json.loads(content.decode("utf-8"))
    from pipelines.scoring import cache as disk_cache  # loads the scorer's package: only for a caller that scores

    name = "model-" + disk_cache.key("model", marshal.version, content)
    entry = disk_cache.read_bytes(name)
    if entry is not None:
        with suppress(EOFError, ValueError, TypeError):  # a truncated or foreign entry: parsed again
            return marshal.loads(entry)
    data = json.loads(content.decode("utf-8"))
    with suppress(ValueError):  # nested deeper than marshal goes: parsed again next time
        disk_cache.write_bytes(name, marshal.dumps(data))
    return data


def current_version(home: Path | None = None) -> int | None:
    try:
        text = (models_dir(home) / "current").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return int(text) if text.isdigit() else None


def set_current(version: int, home: Path | None = None, *, cached: bool = False) -> dict[str, Any]:
    """Make a saved version the one in use (after reading it whole); returns its data. ``cached`` as for `read`."""
    data = read(version, home, cached=cached)
    write_text_atomically(models_dir(home) / "current", f"{version}\n")
    return data


def current_data(home: Path | None = None, *, cached: bool = False) -> dict[str, Any] | None:
    version = current_version(home)
    return None if version is None else read(version, home, cached=cached)


def in_use_data(home: Path | None = None, *, cached: bool = False) -> dict[str, Any] | None:
    """The data of the model sweeps use: the bureau's own in use, else the seed shipped with tradewatch
    (:mod:`pipelines.model.seed`), else None (the rules alone decide). ``cached`` as for `read`."""
    data = current_data(home, cached=cached)
    return data if data is not None else read_seed(cached=cached)


def is_seed(data: dict[str, Any]) -> bool:
    return bool(data.get("seed"))


def load_current(home: Path | None = None) -> Model | None:
    """The model in use (the bureau's own, else the seed), ready to score, or None: the rules alone decide."""
    from pipelines.model.predict import Model  # the scoring tables: only to score, not to describe a model

    data = in_use_data(home, cached=True)
    return None if data is None else Model(data)


def age_days(data: dict[str, Any], now: datetime | None = None) -> float:
    created = datetime.fromisoformat(str(data["created_at"]))
    return ((now or datetime.now(UTC)) - created).total_seconds() / 86_400


def current_combiner(home: Path | None = None) -> ScoreCombiner:
    """The model in use with its configured lift probability, for sweeps, re-checks, `score` and `eval`."""
    from pipelines.model.predict import Model, ScoreCombiner

    data = in_use_data(home, cached=True)
    return ScoreCombiner(None if data is None else Model(data), get_settings().model_lift_probability)
