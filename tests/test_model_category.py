"""Which category a lead gets where the rules and the model in use both read it: the rules' category stands,
except where they filed the lead under the catch-all wildlife category on trade talk alone (a part or form word,
no animal named), where the model's category names the animal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pipelines.model.predict import Model, ScoreCombiner
from pipelines.scoring import Scorer


class _Model:
    """A model of fixed opinion: its probability and the category it names; counts how often it is asked."""

    version = "test"
    is_seed = True
    normaliser = None

    def __init__(self, probability: float, category: str) -> None:
        self.probability = probability
        self.named = category
        self.asked = 0

    def _predict(self, _listing: Mapping[str, Any], _result: Mapping[str, Any], _folded: Any) -> tuple[float, list]:
        return self.probability, []

    def category(self, _folded: tuple[str, str]) -> str:
        self.asked += 1
        return self.named


def _combined(scorer: Scorer, title: str, model: _Model) -> dict[str, Any]:
    result = scorer.score({"title": title, "description": ""})
    combiner = ScoreCombiner(cast(Model, model), 0.9)
    return combiner(result.to_dict(), {"title": title}, threshold=scorer.threshold, folded=result.folded)


def _model_line(out: dict[str, Any]) -> dict[str, Any]:
    return next(rule for rule in out["rules"] if rule["rule"] == "model")


def test_a_lead_filed_as_an_unnamed_animal_on_part_talk_alone_takes_the_models_animal(scorer: Scorer) -> None:
    for title, named in (
        ("东北老林子的 爪子 一套四只 带指甲 私聊", "wildlife.bear"),
        ("老山货 骨头 一副 泡酒 不走物流", "wildlife.tiger_leopard"),
    ):
        out = _combined(scorer, title, _Model(0.3, named))
        hits = {(hit["category"], hit["rule"]) for hit in out["hits"]}
        assert hits == {("wildlife.other", "trade_pattern")}, out  # the rules read the part word alone
        assert out["is_lead"] is True and out["category"] == named and out["family"] == "wildlife", out
        assert out["categories"][0] == named
        line = _model_line(out)
        assert line["category"] == named and line["category_from_model"] is True and line["lifted"] is False


def test_a_lead_whose_rules_name_the_animal_keeps_the_rules_category(scorer: Scorer) -> None:
    model = _Model(0.3, "wildlife.other")
    out = _combined(scorer, "野生 猫头鹰 活体 会叫 私聊", model)
    assert out["is_lead"] is True and out["category"] == "wildlife.live_bird", out
    assert model.asked == 0 and "category_from_model" not in _model_line(out)


def test_the_model_moves_an_unnamed_animal_to_no_category_outside_wildlife(scorer: Scorer) -> None:
    out = _combined(scorer, "老山货 骨头 一副 泡酒 不走物流", _Model(0.3, "prohibited.drugs"))
    assert out["category"] == "wildlife.other" and out["family"] == "wildlife", out
    assert "category_from_model" not in _model_line(out)


def test_a_listing_no_one_flags_gets_no_category_from_the_model(scorer: Scorer) -> None:
    model = _Model(0.3, "wildlife.bear")
    out = _combined(scorer, "老山货 骨头 一副 泡酒 不走物流", model)
    assert model.asked == 1  # the control: asked for a lead
    quiet = _combined(scorer, "自家腌的 排骨 一斤 真空包装", model)
    assert quiet["is_lead"] is False and model.asked == 1 and "category_from_model" not in _model_line(quiet)
    assert out["category"] == "wildlife.bear"
