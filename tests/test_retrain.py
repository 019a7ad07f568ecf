"""The scheduler's `retrain` job: a new model replaces the one in use only when its cross-validated figures are
not worse, and the daily report says what happened."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import scheduler
from core.workdays import local_date
from leads.reports import write_daily_report
from pipelines.model import registry
from pipelines.scoring.evaluate import shipped_eval_set


def write_labels(path: Path, *, flip_every: int | None = None) -> None:
    """Every fourth row of the project's labelled set (a bureau's worth of verdicts, and four times quicker to
    train on than the whole set); with ``flip_every``, every n-th of them turned over (careless labelling)."""
    lines = []
    rows = shipped_eval_set().read_text(encoding="utf-8").splitlines()[::4]
    for number, line in enumerate(rows):
        record = json.loads(line)
        if flip_every and number % flip_every == 0:
            record["expect_lead"] = not record["expect_lead"]
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_retrain_refuses_a_worse_model_and_the_daily_report_says_so(tw_home: Path) -> None:
    tw_home.mkdir(parents=True, exist_ok=True)
    write_labels(tw_home / "good.jsonl")
    write_labels(tw_home / "careless.jsonl", flip_every=4)
    timetable_file = tw_home / "schedule.yaml"
    # the bureau's own labels alone, so that the careless ones are not outweighed by the dev rows
    timetable_file.write_text('retrain: {time: "03:00", labels: [good.jsonl], dev_rows: false}\n', encoding="utf-8")
    timetable = scheduler.load_timetable(timetable_file)
    spec = scheduler.find_spec("retrain", timetable)

    first = scheduler.run_job(spec, timetable, now=scheduler.now())
    assert (first["version"], first["in_use"], first["refused"]) == (1, True, False)
    assert registry.current_version() == 1

    timetable_file.write_text('retrain: {time: "03:00", labels: [careless.jsonl], dev_rows: false}\n', encoding="utf-8")
    second = scheduler.execute("retrain", str(timetable_file))
    assert second["outcome"] == "ok"
    assert (second["version"], second["in_use"], second["refused"]) == (2, False, True)
    assert second["f1"] < first["f1"]
    assert registry.current_version() == 1  # the model in use stays
    assert "not replaced" in second["note"]

    html = unescape(write_daily_report(local_date(scheduler.now())).read_text(encoding="utf-8"))
    assert "重新训练模型 / Retrain the bureau's model" in html  # the job named as `schedule list` names it
    assert f"new model 2's cross-validated F1 {second['f1']} is worse than {first['f1']} of version 1" in html


def test_retrain_without_labels_trains_nothing(tw_home: Path) -> None:
    tw_home.mkdir(parents=True, exist_ok=True)
    (tw_home / "schedule.yaml").write_text('retrain: {cron: "0 3 * * sun"}\n', encoding="utf-8")
    timetable = scheduler.load_timetable(tw_home / "schedule.yaml")
    result = scheduler.run_job(scheduler.find_spec("retrain", timetable), timetable, now=scheduler.now())
    assert result["trained"] is False and "too few labels" in result["note"]
    assert registry.versions() == []
