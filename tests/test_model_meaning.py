"""The model's meaning features: classes of words (dictionary concepts, the watchlists' talk) that reach words the
labelled listings never used."""

from __future__ import annotations

import json

import pytest

from pipelines.model.meaning import MeaningIndex, classes_for, concepts
from pipelines.model.predict import Model
from pipelines.model.registry import read_seed
from pipelines.scoring.scorer import Scorer
from pipelines.scoring.watchlist import shipped_paths
from tests.model_support import score_lines


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer.load(shipped_paths())


@pytest.fixture(scope="module")
def index(scorer: Scorer) -> MeaningIndex:
    return MeaningIndex(classes_for(scorer.watchlists.signals, scorer.normaliser.fold))


def test_the_dictionary_puts_words_in_classes_by_their_english_sense() -> None:
    classes = concepts()
    assert "鼯鼠" in classes["animal"] and "豪猪" in classes["animal"]  # "flying squirrel", "porcupine"
    assert {"胆", "獠牙", "鳞"} <= set(classes["part"])  # "gall bladder", "tusk", "scale"
    assert "平板电脑" in classes["electronic"]
    assert "三人成虎" not in classes["animal"]  # an idiom sells no tiger
    assert all(len(word) > 1 for name, words in classes.items() if name != "part" for word in words)


def test_an_unseen_animal_part_and_wild_provenance_light_their_classes(index: MeaningIndex, scorer: Scorer) -> None:
    features = index.features(scorer.normaliser.fold("野生 豪猪 獠牙 一对 没有手续"))
    assert {"meaning:title:animal", "meaning:title:part", "meaning:title:animal&part"} <= set(features)
    assert {"meaning:talk:wild_provenance", "meaning:talk:papers"} <= set(features)
    ordinary = index.features(scorer.normaliser.fold("二手 平板电脑 64G 同城面交 私聊"))
    assert "meaning:title:electronic" in ordinary
    # the manner of the talk (面交, 私聊) is no class: the rules read it beside a term
    assert not any("animal" in name or "part" in name or "talk" in name for name in ordinary), ordinary


# Animals no watchlist names, a part or product of them sold as wild with papers denied: the rules score each 0,
# and the n-grams of the labelled set know none of the names. The meaning features raise each toward a lead (the
# seed of 252a49f: 0.61, 0.70 and 0.68, against 0.44, 0.57 and 0.61 for the seed before them; the seed of 2073e7a,
# learnt with the thirteenth batch: 0.84, 0.82 and 0.79), though not yet to the lift probability.
UNSEEN_ANIMALS = [
    {"title": title, "description": "山里刚下来，没有手续，不走物流，只能见面交易"}
    for title in ("野生 獾子 整皮 带头", "野生 獾 油 一瓶", "野生 山獭 干货")
]


def test_the_seed_carries_its_classes_and_they_raise_unseen_animals(scorer: Scorer) -> None:
    data = read_seed()
    assert data is not None
    meaning = data["meaning"]
    assert set(meaning["classes"]) >= {"concept:animal", "concept:part", "talk:animal_parts", "talk:wild_provenance"}
    assert "talk:evasion" not in meaning["classes"]
    model = Model(data)
    assert model._meaning is not None
    for listing in UNSEEN_ANIMALS:
        result = scorer.score(listing)
        assert not result.is_lead and result.score == 0, listing
        assert model._meaning.logit(result.folded[0]) > 0.5, listing


def test_ordinary_goods_with_dealer_talk_stay_clear_of_the_seed(tw_home) -> None:
    listings = [
        {"title": "二手 iPad mini 5 自用", "description": "九成新，电池健康88%，同城面交，可小刀，不包邮"},
        {"title": "搪瓷杯 老式 印字 怀旧", "description": "老物件，品相如图，懂的来私聊，不议价"},
        {"title": "普洱 生茶 357克 2010年", "description": "干仓老茶，面交优先，懂的来私聊"},
    ]
    lines = "".join(json.dumps(listing, ensure_ascii=False) + "\n" for listing in listings)
    for listing, out in zip(listings, score_lines(lines), strict=True):
        assert out["is_lead"] is False and out["model"]["lifted"] is False, listing
        assert out["model"]["probability"] < 0.75, listing
