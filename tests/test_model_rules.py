"""A model knows which rules it was trained on: the rules' verdict is among its features, so a model learnt before
a change of the rules (an upgrade, a watchlist edit) reads other features than it was learnt on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cli.app import app
from pipelines.model import fingerprint, registry
from pipelines.model.fingerprint import CHANGED, FIELD, OTHER_ROWS, SAME, UNKNOWN, compare, compute
from pipelines.scoring.scorer import ScoreResult
from runners import sweep
from runners.child import work_here
from tests.model_support import ENV, record_verdicts, run, runner

ROWS = [
    {"title": "象牙手镯 老料 包浆", "description": "懂的来 私聊", "price": 6800, "expect_lead": True},
    {"title": "树脂手镯 仿象牙白", "description": "树脂材质", "price": 39, "expect_lead": False},
    {"title": "猫粮 进口", "description": "同城面交", "expect_lead": False},
]


class _Rules:
    """A scorer whose verdict is given: ``rules`` of each title, a score and a threshold."""

    def __init__(self, rules: dict[str, list[dict[str, Any]]], threshold: int = 60) -> None:
        self.rules = rules
        self.threshold = threshold

    def score(self, listing: dict[str, Any]) -> ScoreResult:
        fired = self.rules.get(listing["title"], [])
        score = 70 if fired else 0
        return ScoreResult(score, score >= self.threshold, None, None, rules=fired, folded=(listing["title"], ""))


IVORY = {ROWS[0]["title"]: [{"rule": "term:material", "score": 70}, {"rule": "trade"}]}


def test_the_fingerprint_changes_with_the_rules_features_and_with_nothing_else() -> None:
    first = compute(_Rules(IVORY), ROWS)
    assert first["version"] == fingerprint.FINGERPRINT_VERSION and first["rows"] == 3
    assert compute(_Rules(IVORY), list(reversed(ROWS))) == first  # the rows' order does not count
    assert compute(_Rules(IVORY, threshold=90), ROWS) == first  # nor the threshold, which no feature reads
    one_rule_less = {ROWS[0]["title"]: IVORY[ROWS[0]["title"]][:1]}
    assert compute(_Rules(one_rule_less), ROWS)["sha256"] != first["sha256"]
    assert compare(first, compute(_Rules(one_rule_less), ROWS)) == CHANGED
    assert compare(first, compute(_Rules(IVORY), ROWS[:2])) == OTHER_ROWS
    assert compare(first, first) == SAME
    assert compare(None, first) == UNKNOWN  # a model trained before fingerprints were recorded


def test_the_fingerprint_does_not_depend_on_the_hash_seed() -> None:
    code = (
        "import json, sys; from pipelines.model.fingerprint import row_hash; "
        "print(row_hash({'score': 70, 'rules': [{'rule': 'trade'}, {'rule': 'term:material'}, "
        "{'rule': 'category_score', 'category': 'wildlife.ivory', 'score': 70}]}, ('象牙', ''), 100))"
    )
    hashes = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2")
    }
    assert len(hashes) == 1, hashes


@pytest.fixture
def trained(tw_home: Path) -> dict[str, Any]:
    record_verdicts()
    result = run("model", "train", "--no-dev-rows", "--json")
    assert result.exit_code == 0, result.output
    return registry.read(1, tw_home)


def _rules_now(monkeypatch: pytest.MonkeyPatch, recorded: dict[str, Any], **changes: Any) -> None:
    monkeypatch.setattr(fingerprint, "current", lambda *, shipped_only: {**recorded, **changes})


def test_the_cached_fingerprint_is_keyed_by_every_module_of_the_model_package_it_is_computed_by() -> None:
    """A cached fingerprint is read back while the files it is keyed by are unchanged: a module of
    pipelines.model that the computation imports (how a row becomes a listing, what a model reads) must be
    among them, or an edit of it would leave the old fingerprint in use."""
    import ast

    source = Path(fingerprint.__file__).read_text(encoding="utf-8")
    imported = {
        node.module.rsplit(".", 1)[1] + ".py"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipelines.model.")
    }
    assert imported  # the computation reads the model package's features, labels and predictions
    assert imported | {"fingerprint.py"} <= set(fingerprint.CODE)
    assert all((Path(fingerprint.__file__).parent / name).is_file() for name in fingerprint.CODE)


def test_a_bureau_model_records_its_rules_and_show_says_when_they_changed(
    trained: dict[str, Any], tw_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = trained[FIELD]
    assert recorded == fingerprint.current(shipped_only=False)  # the shipped watchlists and the bureau's own
    assert recorded["rows"] == len(fingerprint.dev_records())
    shown = run("model", "show")
    assert shown.exit_code == 0 and "Rules: the same as when it was trained" in shown.stdout
    assert json.loads(run("model", "show", "--json").stdout)["rules"] == SAME

    _rules_now(monkeypatch, recorded, sha256="0" * 64)  # an upgrade or a watchlist edit reads the rows otherwise
    shown = run("model", "show")
    assert "Rules: other than when it was trained" in shown.stdout and "tradewatch model train" in shown.stdout
    assert json.loads(run("model", "show", "--json").stdout)["rules"] == CHANGED
    chinese = runner.invoke(app, ["model", "show"], env={**ENV, "TRADEWATCH_LANG": "zh"})
    assert "规则：与训练时不同" in chinese.stdout and "请重新训练" in chinese.stdout
    _rules_now(monkeypatch, recorded, sha256="0" * 64, rows_hash="1" * 64)
    assert json.loads(run("model", "show", "--json").stdout)["rules"] == OTHER_ROWS


def test_a_model_saved_before_fingerprints_says_unknown_and_never_fails(trained: dict[str, Any], tw_home: Path) -> None:
    path = registry.model_path(1, tw_home)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data[FIELD]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shown = run("model", "show")
    assert shown.exit_code == 0 and "Rules: not known (trained before tradewatch recorded them)" in shown.stdout
    assert fingerprint.sweep_note(tw_home) is None


class _Sweep(BaseModel):
    log_file: Path


def test_a_sweep_logs_one_warning_line_when_the_model_in_use_read_other_rules(
    trained: dict[str, Any], tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep, "_crawl_here", lambda request: [1, 2])  # two crawls, no request sent
    log = tmp_path / "same.log"
    assert work_here("sweep", _Sweep(log_file=log), sweep.crawl_here, what=sweep.WHAT) == [1, 2]
    assert "WARNING" not in log.read_text(encoding="utf-8")

    _rules_now(monkeypatch, trained[FIELD], sha256="0" * 64)
    log = tmp_path / "changed.log"
    assert work_here("sweep", _Sweep(log_file=log), sweep.crawl_here, what=sweep.WHAT) == [1, 2]
    warnings = [line for line in log.read_text(encoding="utf-8").splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    # the line `model show` says of the same model, from the same definition
    assert warnings[0].endswith("Model version 1 in use. " + fingerprint.RULES_LINES[CHANGED])
    assert "tradewatch model train" in warnings[0]


class _Spec:
    """An open distributed sweep whose profiles cannot be read: the worker stops right after its start."""

    def load_profiles(self) -> list[Any]:
        raise RuntimeError("stopped after the worker's start")


def test_a_distributed_sweeps_worker_logs_the_same_warning_once_and_only_for_an_open_sweep(
    trained: dict[str, Any], tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker scores with the model of its own machine, so each worker's log says when that model is stale;
    a worker that finds the sweep done already crawls nothing and says nothing."""
    from core.errors import TradewatchError
    from runners.distributed import worker

    state = {"sweep": "open"}
    monkeypatch.setattr(worker, "connect", lambda url: object())
    monkeypatch.setattr(worker, "load_spec", lambda server, sweep_id: _Spec())
    monkeypatch.setattr(worker, "sweep_state", lambda server, sweep_id: state["sweep"])
    _rules_now(monkeypatch, trained[FIELD], rows_hash="1" * 64)

    def work(request: worker.WorkerRequest) -> bool:
        return worker.crawl_sweep("redis://unused", request.sweep_id)

    log = tmp_path / "worker.log"
    with pytest.raises(TradewatchError, match="stopped after the worker's start"):
        work_here("worker", worker.WorkerRequest(sweep_id="s1", log_file=log), work, what=worker.WHAT)
    warnings = [line for line in log.read_text(encoding="utf-8").splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert warnings[0].endswith("Model version 1 in use. " + fingerprint.RULES_LINES[OTHER_ROWS])

    state["sweep"] = "done"
    log = tmp_path / "done.log"
    assert work_here("worker", worker.WorkerRequest(sweep_id="s1", log_file=log), work, what=worker.WHAT) is False
    assert "WARNING" not in log.read_text(encoding="utf-8")


def test_model_list_says_each_models_rules_and_reads_todays_fingerprint_once_for_the_list(
    trained: dict[str, Any], tw_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("model", "train", "--no-dev-rows", "--keep", "--json").exit_code == 0
    seed = registry.read_seed()
    assert seed is not None
    asked: list[bool] = []
    changes: dict[str, Any] = {}

    def today(*, shipped_only: bool) -> dict[str, Any]:
        asked.append(shipped_only)
        return seed[FIELD] if shipped_only else {**trained[FIELD], **changes}

    monkeypatch.setattr(fingerprint, "current", today)
    listed = run("model", "list")
    assert listed.exit_code == 0, listed.output
    assert sorted(asked) == [False, True]  # once for the bureau's two models, once for the seed
    lines = listed.stdout.splitlines()
    assert [line.split("version ")[1].split()[0] for line in lines[::2]] == ["2", "1", "seed"]
    assert [line.strip() for line in lines[1::2]] == [fingerprint.RULES_LINES[SAME]] * 3
    assert [model["rules"] for model in json.loads(run("model", "list", "--json").stdout)] == [SAME] * 3

    changes["sha256"] = "0" * 64  # a watchlist edit: the bureau's models read other rules, the seed the same
    assert [model["rules"] for model in json.loads(run("model", "list", "--json").stdout)] == [CHANGED, CHANGED, SAME]
    chinese = runner.invoke(app, ["model", "list"], env={**ENV, "TRADEWATCH_LANG": "zh"}).stdout.splitlines()
    assert [line.strip() for line in chinese[1::2]] == [
        "规则：与训练时不同（关注清单或评分已更新），请重新训练（tradewatch model train）",
    ] * 2 + ["规则：与训练时相同"]


def test_what_a_model_says_of_its_rules_is_defined_once_and_translated_by_the_catalogue() -> None:
    """`model show`, `model list` and a sweep's log say the rules' status from pipelines.model.fingerprint; the
    catalogue holds each of those lines, in Chinese too."""
    from cli.i18n_tools import all_msgids, load_catalog

    said = [*fingerprint.RULES_LINES.values(), fingerprint.SWEEP_NOTE]
    assert set(fingerprint.RULES_LINES) == {SAME, CHANGED, OTHER_ROWS, UNKNOWN}
    assert set(said) <= set(all_msgids())
    chinese = load_catalog("zh")
    assert all(chinese.get(msgid) is not None and chinese.get(msgid).string for msgid in said)
    assert chinese.get(fingerprint.SWEEP_NOTE).string.format(version=3, rules="") == "在用的第 3 版模型。"


def test_the_officer_running_a_sweep_reads_the_stale_model_line_in_their_language(
    trained: dict[str, Any], tw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crawl's log says it in English; the officer at the terminal reads it in Chinese or English, from the
    same definition, and reads nothing while the model's rules are today's."""
    from types import SimpleNamespace

    ran = SimpleNamespace(run_ids=[], sweep_id=None, log_file=tmp_path / "sweep.log")
    monkeypatch.setattr(sweep, "run_sweep", lambda request, here: ran)  # no crawl: the summary and its lines

    def said(lang: str) -> str:
        result = runner.invoke(app, ["sweep", "-p", "demo", "-k", "象牙"], env={**ENV, "TRADEWATCH_LANG": lang})
        assert result.exit_code != 0  # no run was recorded: that says so after the summary
        return result.stdout

    assert "Model version" not in said("en") and "模型" not in said("zh")
    _rules_now(monkeypatch, trained[FIELD], sha256="0" * 64)
    assert "Model version 1 in use. " + fingerprint.RULES_LINES[CHANGED] in said("en").replace("\n", " ")
    chinese = said("zh")
    assert "规则：与训练时不同" in chinese and "请重新训练" in chinese
