"""The bureau's model: trained from officers' verdicts, saved as plain weights, combined with the rules."""

from __future__ import annotations

import heapq
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from cli.app import app
from core.config import get_settings
from leads.db import get_engine
from leads.models import AuditEvent, Lead
from pipelines.model import registry, train
from pipelines.model.features import fold_fields, ngrams, rule_features
from pipelines.model.labels import Example, file_examples
from pipelines.model.predict import Model, combine
from pipelines.scoring import Scorer
from pipelines.scoring.evaluate import shipped_eval_set
from pipelines.scoring.fold_text import Normaliser
from tests.model_support import ENV, NEW_LISTING, record_verdicts, run, score_lines
from tests.officer_desk_data import SEEN, add_lead

runner = CliRunner()
DEFAULT_SET = shipped_eval_set()


def test_verdicts_teach_the_model_to_lift_a_listing_the_rules_miss(
    tw_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # eight verdicts alone make a model less sure than the default lift asks for: a bureau that wants its own
    # code words found sooner sets a lower one
    monkeypatch.setenv("TRADEWATCH_MODEL_LIFT_PROBABILITY", "0.7")
    record_verdicts()
    line = json.dumps(NEW_LISTING, ensure_ascii=False) + "\n"
    (seeded,) = score_lines(line)
    assert seeded["is_lead"] is False and seeded["score"] < 60
    assert seeded["model"]["seed"] is True  # the seed shipped with tradewatch until the bureau has its own

    trained = run("model", "train", "--no-dev-rows", "--json")
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.stdout)
    assert summary["labels"]["positive"] == 4
    assert summary["labels"]["negative"] == 4  # the duplicate dismissal is no label
    assert summary["in_use"] is True

    (scored,) = score_lines(line)
    assert scored["is_lead"] is True
    assert scored["score"] == 60
    assert scored["model"]["seed"] is False
    model_lines = [rule for rule in scored["rules"] if rule["rule"] == "model"]
    assert len(model_lines) == 1
    assert model_lines[0]["lifted"] is True
    assert model_lines[0]["probability"] >= get_settings().model_lift_probability
    assert any("糖霜" in gram for gram in model_lines[0]["ngrams"]), model_lines[0]

    # a legal listing worded like the dismissed ones stays below the threshold
    (legal,) = score_lines(json.dumps({"title": "树脂手串 仿象牙白", "description": "树脂材质，工艺品"}) + "\n")
    assert legal["is_lead"] is False


def test_without_a_model_the_output_is_the_rules_output(tw_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipelines.model.registry.SEED_FILE", tw_home / "no-seed.json")  # a package without the seed
    lines = [json.loads(line) for line in DEFAULT_SET.read_text(encoding="utf-8").splitlines()[:40]]
    scorer = Scorer.load()
    scored = score_lines("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    for record, out in zip(lines, scored, strict=True):
        assert out == {**record, **scorer.score(record).to_dict()}


def test_training_is_deterministic_and_saved_with_its_provenance(tw_home: Path) -> None:
    examples = file_examples(DEFAULT_SET)[::3]
    scorer = Scorer.load()
    first = train.train_model(examples, scorer, folds=3, lift=0.7, created_by="王芳", sources={})
    second = train.train_model(examples, scorer, folds=3, lift=0.7, created_by="王芳", sources={})
    for key in ("intercept", "ngram_weights", "rule_weights", "data_hash", "cross_validation", "labels"):
        assert first[key] == second[key], key
    version = registry.save(first, tw_home)
    saved = json.loads(registry.model_path(version, tw_home).read_text(encoding="utf-8"))
    assert saved["version"] == 1
    assert saved["labels"]["positive"] == sum(e.label for e in examples)
    assert saved["cross_validation"]["folds"] == 3
    assert set(saved["cross_validation"]) >= {"precision", "recall", "brier", "ece", "rules"}


def test_model_files_hold_only_short_ngrams_and_numbers(tw_home: Path) -> None:
    examples = file_examples(DEFAULT_SET)
    data = train.train_model(examples, Scorer.load(), folds=2, lift=0.7, created_by="王芳", sources={})
    text = json.dumps(data, ensure_ascii=False)
    assert max(len(gram) for gram in data["ngram_weights"]) <= 4
    for example in examples:
        # a title of four characters or fewer is itself an n-gram; anything longer must not be kept
        if len(example.title) > 4:
            assert example.title not in text
        assert example.description not in text
    assert all(isinstance(v, float) for v in data["ngram_weights"].values())


def test_half_trained_model_keeps_precision_and_catches_more_disguised_listings() -> None:
    """Acceptance: train on every other listing of the project's set, evaluate on the rest."""
    rows = train.featurise(file_examples(DEFAULT_SET), Scorer.load(threshold=60))
    training, held_out = rows[1::2], rows[0::2]
    figures = train.figures(held_out, train.holdout(training, held_out), lift=get_settings().model_lift_probability)
    rules = figures["rules"]
    assert figures["recall"] >= rules["recall"]
    assert figures["precision_at_rules_recall"] >= rules["precision"]  # at the same recall, at least as precise

    def found_and_false_alarms(precision: float, recall: float) -> tuple[int, int]:
        found = round(recall * figures["positives"])
        return found, round(found / precision) - found

    # What the model adds beyond the rules must be mostly right: of the leads it adds, at least nine in ten are
    # true (the rules alone are about 0.98 precise). Measured: grown by the fourteenth blind batch (8,017 listings), 113
    # more leads for 3 more false alarms (0.97); grown by the sixteenth (9,008), whose look-alikes sell legal
    # goods with dealer talk, 79 more leads for 6 more false alarms (0.93). A fixed count of false alarms
    # allowed would have to follow the set's size; the share of what is added does not.
    model_found, model_false = found_and_false_alarms(figures["precision"], figures["recall"])
    rules_found, rules_false = found_and_false_alarms(rules["precision"], rules["recall"])
    added_true, added_false = model_found - rules_found, model_false - rules_false
    assert added_true > 0
    assert added_true / (added_true + max(added_false, 0)) >= 0.9, (added_true, added_false)
    disguised = figures["recall_by_kind"]["disguised"]
    assert disguised["model"] > disguised["rules"], disguised


def test_a_doubting_model_lowers_a_rule_leads_priority_but_never_hides_it(tw_home: Path) -> None:
    weights = {"version": 7, "intercept": -8.0, "ngram_weights": {"象牙": -2.0}, "rule_weights": {}}
    scorer = Scorer.load(threshold=60)
    listing = {"title": "象牙手镯 老货", "description": "懂的来", "price": 6800}
    result = combine(scorer.score(listing).to_dict(), Model(weights), listing, threshold=60, lift_probability=0.7)
    assert result["is_lead"] is True
    assert result["model"]["probability"] < 0.01
    assert result["model"]["ngrams"] == ["象牙"]

    lead_id = add_lead("600", listing["title"], result["score"], queued=False)
    from leads.db import run_write
    from leads.priority import MODEL_DOUBT_POINTS_MAX
    from leads.store import record_sighting

    with Session(get_engine()) as session:
        before = session.get(Lead, lead_id)
        assert before is not None and before.model_probability is None

    def resight(session: Session) -> None:
        record_sighting(
            session,
            listing={"platform": "demo", "listing_id": "600", "url": "http://127.0.0.1:8765/plain/item/600", **listing},
            score=result,
            seen_at=SEEN,
        )

    run_write(resight)
    with Session(get_engine()) as session:
        doubted = session.get(Lead, lead_id)
        assert doubted is not None and doubted.status == "new" and doubted.score == before.score
        assert doubted.model_probability == result["model"]["probability"]
        assert doubted.priority == pytest.approx(before.priority - MODEL_DOUBT_POINTS_MAX, abs=0.5)


def test_use_rolls_back_and_is_audited(tw_home: Path) -> None:
    labels = tw_home / "labels.jsonl"
    labels.parent.mkdir(parents=True, exist_ok=True)
    # every fourth row: a real training, at a quarter of the whole set's cost (this test is about versions)
    rows = DEFAULT_SET.read_text(encoding="utf-8").splitlines()[::4]
    labels.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert run("model", "train", "--labels", str(labels), "--no-dev-rows").exit_code == 0
    assert run("model", "train", "--labels", str(labels), "--no-dev-rows", "--keep").exit_code == 0
    listed = run("model", "list", "--json")
    # the seed shipped with tradewatch is listed last, out of use once the bureau has a model of its own
    assert [(m["version"], m["in_use"], m["seed"]) for m in json.loads(listed.stdout)] == [
        (2, False, False),
        (1, True, False),
        (0, False, True),
    ]
    assert run("model", "use", "2").exit_code == 0
    assert registry.current_version() == 2
    assert run("model", "use", "1").exit_code == 0
    assert registry.current_version() == 1
    shown = run("model", "show")
    assert "Model version 1 (in use)" in shown.stdout
    with Session(get_engine()) as session:
        events = session.exec(select(AuditEvent).where(col(AuditEvent.lead_pk).is_(None))).all()
    assert [(e.action, e.details.get("version")) for e in events] == [
        ("model_train", 1),
        ("model_use", 1),
        ("model_train", 2),
        ("model_use", 2),
        ("model_use", 1),
    ]
    assert all(e.actor == "王芳" for e in events)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("model", "use", "9"), "no model version 9"),
        (("model", "train"), "Too few labels to train: 0 confirmed and 0 dismissed"),
    ],
)
def test_model_errors_are_one_line(tw_home: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output


def test_a_broken_model_file_is_one_line(tw_home: Path) -> None:
    folder = registry.models_dir(tw_home)
    folder.mkdir(parents=True)
    (folder / "model-0001.json").write_text("{not json", encoding="utf-8")
    (folder / "current").write_text("1\n", encoding="utf-8")
    result = runner.invoke(app, ["score", "-"], input='{"title": "象牙手镯"}\n', env=ENV)
    assert result.exit_code == 2
    assert "not a readable model file" in result.output and "Traceback" not in result.output


def test_eval_reports_model_and_rules_per_fold(tw_home: Path) -> None:
    result = run("model", "eval", "--labels", str(DEFAULT_SET), "--folds", "3", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["folds"] == 3 and data["listings"] == len(file_examples(DEFAULT_SET))
    assert data["rules"]["recall"] is not None and data["recall"] >= data["rules"]["recall"]
    assert data["brier"] is not None and 0 <= data["ece"] <= 1
    text = run("model", "eval", "--labels", str(DEFAULT_SET), "--folds", "3")
    assert "Rules alone" in text.stdout and "Calibration" in text.stdout


def test_bad_label_file_names_the_line(tw_home: Path) -> None:
    labels = tw_home / "bad.jsonl"
    labels.parent.mkdir(parents=True, exist_ok=True)
    labels.write_text('{"title": "象牙手镯", "expect_lead": true}\n{"title": "x"}\n', encoding="utf-8")
    result = run("model", "eval", "--labels", str(labels))
    assert result.exit_code == 2
    assert f"{labels}:2" in result.output and "expect_lead" in result.output


def test_examples_keep_no_label_for_duplicates() -> None:
    from pipelines.model.labels import is_label_free_dismissal

    assert is_label_free_dismissal("重复线索")
    assert is_label_free_dismissal("Listing already removed by the platform")
    assert not is_label_free_dismissal("树脂仿制品")
    assert Example("t", "d", None, True, "x").listing() == {"title": "t", "description": "d", "price": None}


def _straightforward(model: Model, listing: dict, rules: dict) -> tuple[float, list[str]]:
    """The model's definition, computed the plain way: every distinct n-gram of the normalised title (what a
    model reads, features.NGRAM_FIELDS) looked up in the weights, rule features added, the strongest telling
    n-grams named; every character of an unweighed word's occurrence cut from the title first."""
    title = fold_fields(Normaliser(), listing)[0]
    words = model.data["parameters"].get("unweighed", [])
    cut = {i for w in words for s in range(len(title)) if title.startswith(w, s) for i in range(s, s + len(w))}
    grams = ngrams("".join("\n" if i in cut else c for i, c in enumerate(title)))
    found = [(weight, gram) for gram in grams if (weight := model.ngram_weights.get(gram))]
    logit = model.intercept + sum(weight for weight, _ in found)
    logit += sum(
        model.rule_weights.get(name, 0.0) * value for name, value in rule_features(rules, listing.get("price")).items()
    )
    logit += sum(model.data["meaning"]["weights"].get(name, 0.0) for name in _meaning_features(model, listing))
    probability = 1 / (1 + math.exp(-max(-50.0, min(50.0, logit))))
    telling = [pair for pair in found if len(pair[1]) > 1] or found
    pick = heapq.nlargest if probability >= 0.5 else heapq.nsmallest
    chosen: list[str] = []
    for _, gram in pick(9, telling):
        if not any(gram in other or other in gram for other in chosen):
            chosen.append(gram)
    return probability, chosen[:3]


def _meaning_features(model: Model, listing: dict) -> list[str]:
    """The meaning features of a listing, the plain way: a class is found where one of its words is in the title."""
    classes = model.data["meaning"]["classes"]
    title = fold_fields(Normaliser(), listing)[0]

    def found(prefix: str) -> list[str]:
        return sorted(
            name.removeprefix(prefix)
            for name, words in classes.items()
            if name.startswith(prefix) and any(word in title for word in words)
        )

    concepts = found("concept:")
    return [
        *(f"meaning:title:{name}" for name in concepts),
        *(f"meaning:title:{a}&{b}" for i, a in enumerate(concepts) for b in concepts[i + 1 :]),
        *(f"meaning:talk:{name}" for name in found("talk:")),
    ]


def test_fast_scoring_gives_the_straightforward_results_on_the_eval_set() -> None:
    """The one-pass n-gram search and the scorer's normalised text change nothing beyond float noise."""
    examples = file_examples(DEFAULT_SET)
    scorer = Scorer.load(threshold=60)
    model = Model({"version": 1, **train.fit(train.featurise(examples[1::2], scorer), max_ngrams=300)})
    assert len(model.ngram_weights) == 300
    lifted = named = 0
    for example in examples:
        listing = example.listing()
        scored = scorer.score(listing)
        assert scored.folded == fold_fields(Normaliser(), listing)
        rules = scored.to_dict()
        fast = model.predict(listing, rules, scored.folded)
        probability, grams = _straightforward(model, listing, rules)
        assert fast.probability == pytest.approx(probability, abs=1e-12), example.title
        assert fast.ngrams == grams, example.title
        assert model.predict(listing, rules).probability == pytest.approx(probability, abs=1e-12)
        named += bool(grams)
        lifted += probability >= 0.7 and not rules["is_lead"]
    # the comparison covered explanations and lifts (a third of the titles hold one of the 300 n-grams kept: the
    # meaning features carry part of what those did)
    assert named > len(examples) // 3 and lifted > 0
    assert model.data["meaning"]["weights"]  # ... and meaning features


def test_a_trained_model_keeps_only_its_strongest_ngrams(tw_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = train.featurise(file_examples(DEFAULT_SET)[::2], Scorer.load())
    full = train.fit(rows, max_ngrams=10**6)["ngram_weights"]
    monkeypatch.setenv("TRADEWATCH_MODEL_MAX_NGRAMS", "50")
    pruned = train.fit(rows)["ngram_weights"]
    assert len(full) > 500 and len(pruned) == 50
    weakest_kept = min(abs(w) for w in pruned.values())
    assert all(full[gram] == weight for gram, weight in pruned.items())
    assert (
        sum(1 for w in full.values() if abs(w) > weakest_kept)
        < 50
        <= sum(1 for w in full.values() if abs(w) >= weakest_kept)
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([0.0, 0.25, -0.25, 1e-7, -4e-7, 0.1234565, -0.1234565, 0.1234574, 0.5, -0.5000004, 2.0]),
        min_size=0,
        max_size=40,
    ),
    st.integers(min_value=0, max_value=45),
)
def test_the_strongest_of_fitted_weights_are_those_of_all_weights_rounded(weights: list[float], limit: int) -> None:
    """The build rounds only the weights that can be among the strongest: ties, weights that rounding makes equal
    or zero and limits beyond the count keep exactly what rounding every weight and keeping the strongest keeps."""
    import numpy as np

    names = [f"g{index:02d}" for index in range(len(weights))]
    expected = train.strongest({n: round(w, 6) for n, w in zip(names, weights, strict=True)}, limit)
    assert train.strongest_of(names, np.array(weights, dtype=float), limit) == expected


@pytest.mark.parametrize(
    "grams",
    [
        ["象牙", "老料", "懂的", "懂的来", "见面交", "见面交易", "私聊", "白色老料", "来路早"],  # a seed's lengths
        ["象", "牙", "象牙", "象牙手", "象牙手镯"],  # single characters too
        ["象牙手", "见面交易"],  # no pairs
    ],
)
def test_a_title_index_finds_every_ngram_of_the_model_that_occurs(grams: list[str]) -> None:
    """The automaton finds what looking up every n-gram at every place finds, each n-gram once however often
    and wherever it occurs (inside a longer one, at the ends of the title)."""
    from pipelines.model.predict import TitleIndex

    weights = [0.5 + number for number in range(len(grams))]
    index = TitleIndex(grams, weights)
    titles = ["白色老料 象牙手镯 懂的来 见面交易", "见面交易", "象牙", "懂的", "料", "", "来路早 私聊 老料象牙手"]
    titles.append("象牙象牙手镯象牙")
    for title in titles:
        every = sorted(
            {grams.index(title[i : i + n]) for n in range(1, 5) for i in range(len(title)) if title[i : i + n] in grams}
        )
        assert index.find(title) == (sum(weights[number] for number in every), every), title


def test_a_model_that_forgets_its_titles_works_each_out_again() -> None:
    """`forget_titles` empties the per-title table (the scoring benchmark's titles never seen); what the model
    gives afterwards is what it gave before."""
    data = {"version": 1, "intercept": -0.4, "ngram_weights": {"象牙": 2.1, "手镯": 0.4},
            "rule_weights": {"rule:score": 5.2}, "parameters": {"ngram_fields": "title"}}  # fmt: skip
    model = Model(data)
    listing, rules = {"title": "象牙手镯 老料", "price": 50.0}, {"score": 0, "is_lead": False, "rules": []}
    before = model.predict(listing, rules)
    assert len(model._by_title) == 1
    model.forget_titles()
    assert model._by_title == {}
    assert model.predict(listing, rules) == before
    assert len(model._by_title) == 1


def test_the_unweighed_words_add_nothing_to_a_title_and_no_ngram_holds_a_piece_of_one() -> None:
    """A model records the words cut from a title before its n-grams are looked up (the signal list commerce):
    批发 and 顺丰 weigh nothing, nor does an n-gram reaching into one (线批), nor one within overlapping words
    (一件代发货 holds 一件代发 and 发货); the goods' n-grams still count. A model without the record reads them."""
    weights = {"批发": 3.0, "线批": 2.0, "顺丰": 1.5, "代发": 1.0, "货": 0.7, "充电": 0.4, "电线": 0.3}
    unweighed = ["批发", "顺丰", "发顺丰", "一件代发", "发货"]
    data = {"version": 1, "intercept": 0.0, "ngram_weights": weights, "rule_weights": {},
            "parameters": {"ngram_fields": "title", "unweighed": unweighed}}  # fmt: skip
    listing, rules = {"title": "充电线批发 发顺丰 一件代发货"}, {"score": 0, "is_lead": False, "rules": []}
    cut = Model(data).predict(listing, rules)
    assert cut.probability == pytest.approx(1 / (1 + math.exp(-(0.4 + 0.3))))
    assert cut.ngrams == ["充电", "电线"]
    read = Model({**data, "parameters": {"ngram_fields": "title"}}).predict(listing, rules)
    assert read.probability == pytest.approx(1 / (1 + math.exp(-sum(weights.values()))))


def test_training_takes_no_ngram_from_an_unweighed_word_and_records_the_words(tw_home: Path) -> None:
    examples = [e for e in file_examples(DEFAULT_SET)[:3000] if "批发" in e.title or "包邮" in e.title]
    rows = train.featurise(examples + file_examples(DEFAULT_SET)[:200], Scorer.load())
    assert len(examples) >= 10
    assert not any(piece in gram for row in rows for gram in row.grams for piece in ("批发", "包邮", "\n"))
    parameters = train.fit(rows)["parameters"]
    assert {"批发", "包邮", "正品"} <= set(parameters["unweighed"])


def test_a_title_seen_before_gives_what_a_fresh_model_gives() -> None:
    """What a title's n-grams give is kept per title: a listing whose title the model has seen, with other rules,
    another price and the probability going the other way, gets what a model that never saw the title gives,
    whatever the caller did with the n-grams named to it before."""
    data = {"version": 1, "intercept": -0.4, "ngram_weights": {"象牙": 2.1, "手镯": 0.4, "老料": 0.9, "旧书": -1.7},
            "rule_weights": {"rule:score": 5.2, "rule:innocence": -6.0, "price:<100": -0.8, "price:<10": -7.5},
            "parameters": {"ngram_fields": "title"}}  # fmt: skip
    model = Model(data)
    innocent = {"score": 0, "is_lead": False, "rules": [{"rule": "innocence", "points": -20}]}
    cases = [
        ({"title": "象牙手镯 老料", "price": 50.0}, {"score": 0, "is_lead": False, "rules": []}),
        ({"title": "象牙手镯 老料", "price": 5.0}, {"score": 0, "is_lead": False, "rules": []}),
        ({"title": "象牙手镯 老料", "price": 50.0}, innocent),
        ({"title": "旧书 象牙手镯", "price": None}, {"score": 35, "is_lead": False, "rules": []}),
    ]
    directions = set()
    for listing, rules in cases * 2:
        fresh = Model(data).predict(listing, rules)
        assert model.predict(listing, rules) == fresh
        assert len(fresh.ngrams) > 1
        directions.add(fresh.probability >= 0.5)
        model.predict(listing, rules).ngrams.append("旧书")
    assert directions == {True, False}


@pytest.mark.parametrize(
    "price", [None, "12", True, -1, float("nan"), float("inf"), 0, 9.99, 10, 99, 500.0, 5000, 10**6]
)
@pytest.mark.parametrize("score", [0, 35])
def test_a_result_without_rules_adds_score_and_price_band_as_rule_features_do(price: object, score: int) -> None:
    """A result without fired rules (most listings) is scored without building its features: the logit is the
    same sum, to the last bit, as adding each of rule_features' weights in its order."""
    from pipelines.model.features import PRICE_BAND_NAMES

    weights = {band: 0.37 * (number + 1) - 1.1 for number, band in enumerate(PRICE_BAND_NAMES)}
    model = Model({"version": 1, "intercept": -0.731, "ngram_weights": {"象牙": 1.3}, "rule_weights": {
        "rule:score": 5.156694, **weights}})  # fmt: skip
    rules = {"score": score, "is_lead": False, "rules": []}
    logit = model.intercept + 0
    for name, value in rule_features(rules, price).items():
        logit += model.rule_weights[name] * value
    assert model.predict({"title": "旧书一本", "price": price}, rules).probability == 1 / (1 + math.exp(-logit))


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.floats(min_value=0.0, max_value=1.0),
        # the doubles next to a half of the fourth decimal, where rounding the product could go the other way
        st.integers(0, 9999).flatmap(
            lambda k: st.sampled_from(
                [(2 * k + 1) / 20000, math.nextafter((2 * k + 1) / 20000, 0), math.nextafter((2 * k + 1) / 20000, 1)]
            )
        ),
    )
)
def test_a_probability_is_rounded_as_the_built_in_rounds_it(probability: float) -> None:
    from pipelines.model.predict import round_4

    assert repr(round_4(probability)) == repr(round(probability, 4))


def test_a_model_file_reads_the_same_from_its_cache_and_never_from_an_entry_of_other_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    seed = json.loads(registry.SEED_FILE.read_text(encoding="utf-8"))
    path = registry.model_path(1, tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    parsed: list[int] = []
    real_loads = json.loads
    monkeypatch.setattr(json, "loads", lambda text: parsed.append(1) or real_loads(text))
    assert registry.read(1, tmp_path) == seed and not (tmp_path / "cache").exists()  # describing a model: no entry
    parsed.clear()
    first, again = registry.read(1, tmp_path, cached=True), registry.read(1, tmp_path, cached=True)
    assert len(parsed) == 1  # the second read came from the cache
    assert (
        first == again == seed
        and list(again) == list(seed)
        and list(again["ngram_weights"]) == list(seed["ngram_weights"])
    )
    changed = {**seed, "intercept": seed["intercept"] + 1.5}
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    assert registry.read(1, tmp_path, cached=True) == changed  # other bytes: parsed, not the first file's entry
    for entry in (tmp_path / "cache" / "scoring").glob("model-*"):
        entry.write_bytes(b"\x00 not marshal data")
    assert registry.read(1, tmp_path, cached=True) == changed  # a damaged entry: parsed again


def _row(grams: list[str], label: bool) -> train.Row:
    example = Example(title="".join(grams), description="", price=None, label=label, source="t")
    return train.Row(example, grams, {"score": 0, "rules": []})


def test_a_meaning_class_seen_mostly_in_innocent_listings_gets_no_positive_weight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the class of food words is in 11 titles, 3 of them leads: the rows of the n-gram check above, with the word a
    # class of the meaning features instead
    food = "meaning:talk:innocence:food"
    classes = {"talk:innocence:food": ["饼干"]}

    def row(grams: list[str], label: bool, *, eaten: bool = False) -> train.Row:
        example = Example(title="".join(grams), description="", price=None, label=label, source="t")
        return train.Row(
            example, grams, {"score": 0, "rules": []}, meaning={food: 1.0} if eaten else {}, classes=classes
        )

    rows = [
        *(row(["手机壳"], False, eaten=True) for _ in range(8)),
        *(row(["手机壳"], False) for _ in range(12)),
        *(row(["标本"], True, eaten=True) for _ in range(3)),
        *(row(["标本"], False) for _ in range(10)),
        *(row(["象牙"], True) for _ in range(30)),
    ]
    assert train.fit(rows)["meaning"]["weights"].get(food, 0.0) <= 0
    with monkeypatch.context() as patch:  # without the check the same rows weigh it up: the case the check is for
        patch.setattr(train, "sign_inconsistent", lambda *_: [])
        assert train.fit(rows)["meaning"]["weights"][food] > 0


def test_a_word_seen_mostly_in_innocent_listings_gets_no_positive_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    # 玻璃 is in 11 titles, 3 of them leads (27 %, against 33 of 63 in all): the cases, which carry it in innocent
    # titles, take its negatives, and among the specimens it alone tells the leads, so a plain fit weighs it up
    rows = [
        *(_row(["手机壳", "玻璃"], False) for _ in range(8)),
        *(_row(["手机壳"], False) for _ in range(12)),
        *(_row(["标本", "玻璃"], True) for _ in range(3)),
        *(_row(["标本"], False) for _ in range(10)),
        *(_row(["象牙"], True) for _ in range(30)),
    ]
    weights = train.fit(rows)["ngram_weights"]
    assert weights.get("玻璃", 0.0) <= 0
    assert weights["象牙"] > 0 and weights["手机壳"] < 0  # the words their rows agree with keep their sign
    with monkeypatch.context() as patch:  # without the check the same rows weigh it up: the case the check is for
        patch.setattr(train, "sign_inconsistent", lambda *_: [])
        assert train.fit(rows)["ngram_weights"]["玻璃"] > 0


def test_a_missing_price_gets_no_weight_however_its_rows_lean(monkeypatch: pytest.MonkeyPatch) -> None:
    # every listing without a price a lead (as the labelled set's writers left them), every priced one innocent
    def priced(grams: list[str], price: float | None, label: bool) -> train.Row:
        example = Example(title="".join(grams), description="", price=price, label=label, source="t")
        return train.Row(example, grams, {"score": 0, "rules": []})

    rows = [
        *(priced(["老料", "雕件"], None, True) for _ in range(20)),
        *(priced(["手机壳", "透明"], 25.0, False) for _ in range(20)),
        *(priced(["象牙", "手镯"], 12000.0, True) for _ in range(10)),
    ]
    data = train.fit(rows)
    assert "price:none" not in data["rule_weights"]
    assert data["rule_weights"]["price:<100"] < 0 < data["rule_weights"]["price:>=10000"]  # prices still weigh
    listing, rules = {"title": "充电线 手机", "price": None}, {"score": 0, "rules": []}  # a title read off its page
    cut = Model({"version": 1, **data}).predict(listing, rules).probability
    with monkeypatch.context() as patch:  # without the cut the same rows weigh a missing price up, and lift it
        patch.setattr(train, "UNWEIGHED_BAND", "price:unweighed")
        weighed = train.fit(rows)
        assert weighed["rule_weights"]["price:none"] > 0
        assert Model({"version": 1, **weighed}).predict(listing, rules).probability > cut + 0.1
