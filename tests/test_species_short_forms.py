"""Species named by the part of their list name that sellers write: the name without its place or direction word
(泰国圆斑蝰 -> 圆斑蝰), the family's name that ends the names of its listed species (柱星螅科 -> 柱星螅), or a
dictionary word that ends many of them (海蛇 of the sea snakes of 眼镜蛇科). The forms
are cut by rule in scripts/build_wildlife_watchlist.py; each hit says which list name it was cut from."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead

ROOT = Path(__file__).resolve().parents[1]
SPECIES = ROOT / "pipelines" / "watchlists" / "wildlife_species.yaml"


@pytest.fixture(scope="module")
def short_forms() -> dict[str, dict[str, object]]:
    data = yaml.safe_load(SPECIES.read_text(encoding="utf-8"))
    return {
        term["term"]: term
        for category in data["categories"]
        for term in category["terms"]
        if str(term.get("source", "")).endswith("(national list)")
    }


@pytest.mark.parametrize(
    ("title", "description", "term", "cut_from", "category"),
    [
        (
            "圆斑蝰 成体 两条 山里抓的",
            "不走快递，同城自提。",
            "圆斑蝰",
            "short form of 泰国圆斑蝰",
            "wildlife.live_reptile",
        ),
        # a bird sold mounted is filed under wildlife.other, as the labelled set files specimens
        ("秋沙鸭 标本 老货 转让", "", "秋沙鸭", "short form of 中华秋沙鸭", "wildlife.other"),
        ("柱星螅 摆件 一大枝", "潜水带上来的，枝杈多。", "柱星螅", "family name of 扇形柱星螅", "wildlife.coral"),
        # the word that ends the names of many of a family's species (15 sea snakes of 眼镜蛇科 end in 海蛇)
        ("海蛇 活体 两条 渔船网上来的", "", "海蛇", "common ending of 蓝灰扁尾海蛇", "wildlife.live_reptile"),
        ("海雕 活体 一只 海边网到的", "", "海雕", "common ending of 白腹海雕", "wildlife.live_bird"),
    ],
)
def test_a_short_form_of_a_listed_name_is_a_lead_and_says_where_it_came_from(
    scorer: Scorer, title: str, description: str, term: str, cut_from: str, category: str
) -> None:
    result = assert_lead(scorer, title, category, description)
    hit = next(h for h in result.hits if h.term == term)
    assert hit.mechanism == "generated_variant"
    assert hit.source is not None and hit.source.startswith(cut_from) and hit.source.endswith("(national list)")


@pytest.mark.parametrize(
    "title",
    [
        "秋沙鸭 摄影 明信片 一套",  # a photo of the bird
        "柱星螅 科普 挂图 教学用",  # a family's name holds unlisted species: it needs the goods beside it
        "仓鼠兔子 笼子 通用 活体",  # 鼠兔 (伊犁鼠兔) read across two words
        "珠母贝 大号 原壳 海南",  # 大珠母贝 without 大 is every pearl oyster: it needs the goods beside it
        "锹甲 活体 一对 成虫",  # the list names two stag beetles of hundreds: no family name for them
        "海蛇 毛绒玩具 儿童 海洋馆",  # a common ending is a dictionary word: it needs the goods beside it
    ],
)
def test_ordinary_listings_with_a_short_form_stay_quiet(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


def test_a_short_form_inside_its_full_name_is_not_a_second_name(scorer: Scorer) -> None:
    result = scorer.score({"title": "泰国圆斑蝰 活体 一条"})
    assert [h.term for h in result.hits] == ["泰国圆斑蝰"]
    assert "corroboration" not in {r["rule"] for r in result.rules}


def test_forms_that_the_dictionary_knows_as_something_of_their_own_are_not_made(
    short_forms: dict[str, dict[str, object]],
) -> None:
    # 北山羊 -> 山羊 "goat", 亚历山大鹦鹉 -> 鹦鹉 "parrot", 大壁虎 -> 壁虎 "gecko", 小体鲟 -> 体鲟 (小体 is one word)
    assert short_forms and not {"山羊", "鹦鹉", "壁虎", "体鲟", "熊猫"} & set(short_forms)
    assert "requires" not in short_forms["圆斑蝰"]  # no dictionary word, three characters: a name of its own
    assert "requires" in short_forms["斑羚"]  # a dictionary word: only with the goods
    # a fragment that ends several names but is no word (罗鲑 of 哲罗鲑, 色鸫 of 八色鸫) is no group's name
    assert "requires" in short_forms["海蛇"] and not {"罗鲑", "色鸫", "臂猿", "木鸟"} & set(short_forms)


def test_a_dictionary_alias_with_a_second_sense_counts_with_the_animal(scorer: Scorer) -> None:
    # 火狐 is the dictionary's red panda and the Firefox browser: the browser is never sold as a live cub
    result = scorer.score({"title": "火狐 幼崽 一只 可上手 私聊"})
    assert result.is_lead and any(h.term == "火狐" and h.mechanism == "dictionary_alias" for h in result.hits)
    assert not scorer.score({"title": "火狐浏览器 插件 安装 教程"}).hits


def test_a_listed_name_that_is_an_everyday_word_counts_with_a_live_animal_word(scorer: Scorer) -> None:
    assert_lead(scorer, "小熊猫 手养 亲人", "wildlife.other", "吃苹果和竹叶，私聊，不走物流，只能自提。")


@pytest.mark.parametrize(
    ("title", "taxon", "category"),
    [
        ("猫科 整副 骨架 老货 收藏", "猫科", "wildlife.tiger_leopard"),  # the one named category among small cats
        ("鸮形目 幼鸟 两只 山货", "鸮形目", "wildlife.live_bird"),
        ("犬科 头骨 标本 一个 老货 私聊", "犬科", "wildlife.other"),
        ("鲮鲤科 鳞片 半斤 老方子用", "鲮鲤科", "wildlife.pangolin"),
    ],
)
def test_a_family_or_order_of_the_list_beside_the_goods_names_the_animal(
    scorer: Scorer, title: str, taxon: str, category: str
) -> None:
    result = assert_lead(scorer, title, category)
    hit = next(h for h in result.hits if h.term == taxon)
    assert hit.source is not None and hit.source.startswith("taxon of ")


def test_a_taxon_counts_only_with_the_goods_and_never_for_farmed_animals(
    scorer: Scorer, short_forms: dict[str, dict[str, object]]
) -> None:
    assert_clear(scorer, "猫科动物 科普 绘本 儿童")  # a taxon holds unlisted species too
    assert all("requires" in short_forms[taxon] for taxon in ("猫科", "鸮形目", "犬科"))
    # a farm's animal shares its family or order (牛科, 鸡形目); one of several named categories (食肉目) names none
    assert not {"牛科", "鸡形目", "鸭科", "兔科", "食肉目"} & set(short_forms)


@pytest.mark.parametrize(
    ("title", "description", "term", "cut_from"),
    [
        # a bird keeper calls a babbler by its character and a diminutive: 鹛 ends twenty-one listed names
        ("鹛子 一只 山里粘的 叫口好", "挂笼听叫，只限同城自提。", "鹛子", "diminutive of "),
        ("鹬儿 一笼 八只 滩涂上网的", "活的，长嘴，做菜还是放生随你。", "鹬儿", "diminutive of "),
        ("隼仔 手养 已上拳", "今年秋天下的，只跟玩鹰的老手交易。", "隼仔", "diminutive of "),
    ],
)
def test_a_birds_character_with_a_diminutive_beside_the_animal_names_the_bird(
    scorer: Scorer, title: str, description: str, term: str, cut_from: str
) -> None:
    result = assert_lead(scorer, title, "wildlife.live_bird", description)
    hit = next(h for h in result.hits if h.term == term)
    assert hit.source is not None and hit.source.startswith(cut_from) and hit.source.endswith("(national list)")


@pytest.mark.parametrize(
    "title",
    [
        "鹛子 刺绣 挂画 手工",  # the bird on a picture: no animal sold
        "虎皮鹦鹉仔 手养 一对 会叫",  # 鹉 ends only 鹦鹉, a bred pet's name
        "信鸽仔 一对 赛鸽 血统",  # 鸽子 is the dictionary's word: an everyday bird
        "木雕仔 摆件 一对 手工",  # 雕 is also "to carve"
    ],
)
def test_a_diminutive_needs_the_animal_and_never_names_pets_or_carvings(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


def test_diminutives_are_made_of_wild_birds_characters_only(short_forms: dict[str, dict[str, object]]) -> None:
    assert {"鹛子", "鹬子", "隼仔", "鸮儿"} <= set(short_forms)
    assert "requires" in short_forms["鹛子"]  # a keeper's word for any bird of the kind: only beside the animal
    # farmed birds, everyday ones whose 子 the dictionary has, a character of one word only, a verb, a reptile's
    assert not {"鸡仔", "鹅仔", "鸽仔", "燕儿", "鹉仔", "雕仔", "蛇仔", "鹞儿"} & set(short_forms)
