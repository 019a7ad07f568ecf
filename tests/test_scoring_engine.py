"""Scoring engine: normaliser, matcher, scorer, watchlists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.scoring import Hit, Scorer, ScoreResult
from pipelines.scoring.checks import DESIGN_CATEGORIES, check_watchlists
from pipelines.scoring.fold_text import Normaliser, NormText
from pipelines.scoring.homophones import ReadingFinder
from pipelines.scoring.markers import Markers
from pipelines.scoring.matcher import (
    AhoCorasickMatcher,
    HyperscanMatcher,
    StartWords,
    build_matcher,
    hyperscan_available,
)
from tests.scoring_support import assert_clear, assert_lead


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser()


# ------------------------------------------------------------------------------------------ normaliser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("象 牙 手镯", "象牙手镯"),
        ("象*牙製品", "象牙制品"),
        ("ＸＩＡＮＧＹＡ 🐘", "xiangya大象"),
        ("象牙😀", "象牙"),
        ("犀.角\u200b杯", "犀角杯"),
        ("鶴頂紅", "鹤顶红"),
        ("穿-山-甲", "穿山甲"),
    ],
)
def test_normaliser_folds_disguises(normaliser: Normaliser, text: str, expected: str) -> None:
    assert normaliser.fold(text) == expected


def test_the_scorer_and_the_model_fold_with_one_table_and_keep_their_own_variants(scorer: Scorer) -> None:
    from pipelines.model.predict import Model
    from pipelines.model.registry import read_seed

    seed = read_seed()
    assert seed is not None
    model = Model(seed)
    assert model.normaliser._table is scorer.normaliser._table  # filled and compiled once per process
    assert scorer.normaliser.variants and not model.normaliser.variants
    assert model.normaliser.fold("象*牙製品") == scorer.normaliser.fold("象*牙製品") == "象牙制品"


def test_offsets_map_back_to_original_characters(normaliser: Normaliser) -> None:
    norm = normaliser.normalise("买 象*牙 手镯")
    start = norm.text.index("象牙")
    o_start, o_end = norm.original_span(start, start + 2)
    assert norm.original[o_start:o_end] == "象*牙"


def test_offsets_with_multi_character_folding(normaliser: Normaliser) -> None:
    norm = normaliser.normalise("™象牙")
    assert norm.text == "tm象牙"
    assert norm.original_span(2, 4) == (1, 3)


def test_canonical_applies_homophone_table(scorer: Scorer) -> None:
    assert "象牙" in scorer.normaliser.canonical("象芽手串")
    assert "穿山甲" in scorer.normaliser.canonical("穿山假鳞片")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_normaliser_never_raises_and_offsets_are_consistent(normaliser: Normaliser, text: str) -> None:
    norm = normaliser.normalise(text)
    offsets = norm.offsets()
    assert len(offsets) == len(norm.text) + 1
    assert offsets == sorted(offsets)
    for index, char in enumerate(norm.text):
        assert char in normaliser.fold(text[offsets[index]])


MARKER_RULES = (("head", ["笼子", "缸", "龟粮"]), ("part", ["背甲", "甲"]), ("latin", ["not", "no"]))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="笼子缸龟粮背甲片notx ", max_size=30))
def test_markers_found_at_a_position_as_by_a_probe_per_length(text: str) -> None:
    # the first and last characters of the markers rule out a position without a probe: what they leave must
    # be what a probe of every length finds, at every position (the text's two ends included)
    markers = Markers(MARKER_RULES)
    for position in range(len(text) + 1):
        assert markers.starting_at(text, position) == markers._best(text, position, position, False)
        assert markers.ending_at(text, position) == markers._best(text, position, position, True)


# ------------------------------------------------------------------------------------------ matcher


PATTERNS = ["象牙", "牙手", "xiangya", "ya", "象牙手镯", "穿山甲", "甲片", "🧨", "🧨引线"]


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="象牙手镯穿山甲片引线xiangy 🧨🐘", max_size=40))
def test_hyperscan_and_ahocorasick_agree(text: str) -> None:
    assert HyperscanMatcher(PATTERNS).find(text) == AhoCorasickMatcher(PATTERNS).find(text)


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")
def test_hyperscan_finds_no_pattern_across_two_characters_and_counts_characters_past_the_bmp() -> None:
    # the UTF-16 bytes of 禫愀一 (ab 79 00 61 00 4e) hold those of "ya" (79 00 61 00) one byte in
    assert HyperscanMatcher(PATTERNS).find("\u79ab\u6100\u4e00") == []
    text = "🐘🧨引线 象牙"
    assert [(PATTERNS[i], s, e) for i, s, e in HyperscanMatcher(PATTERNS).find(text)] == [
        ("🧨", 1, 2),
        ("🧨引线", 1, 4),
        ("象牙", 5, 7),
    ]


@pytest.mark.parametrize("engine", ["hyperscan", "ahocorasick"])
def test_start_words_are_scanned_with_the_patterns_and_never_found_as_patterns(engine: str) -> None:
    if engine == "hyperscan" and not hyperscan_available():
        pytest.skip("hyperscan not installed")
    # 交叉 starts a mark written apart (交叉的网格纹), 山里 a capture (山里刚抓的): neither is a pattern
    starts = StartWords([["交叉"], ["山里", "自己套的"]])
    matcher = build_matcher(PATTERNS, engine, starts.words)
    text = "交叉的网格纹象牙手镯山里刚抓的"
    found = matcher.scan(text)
    assert starts.mask({index for index, _end in found}, len(PATTERNS)) == 0b11
    assert matcher.resolve(text, found) == matcher.find(text) == build_matcher(PATTERNS, engine).find(text)
    assert all(PATTERNS[index] == text[start:end] for index, start, end in matcher.find(text))
    ordinary = {index for index, _end in matcher.scan("象牙手镯 自己用的")}
    assert starts.mask(ordinary, len(PATTERNS)) == 0  # 自己 alone starts no capture


@pytest.mark.parametrize(
    "text",
    ["山里刚抓的鸟 两只", "林子里逮的彩色长尾鸟", "海里捞的红枝", "自己套的 懂的来", "交叉的网格纹 老料", "深山里的胆"],
)
def test_the_shipped_searches_are_skipped_only_where_they_find_nothing(scorer: Scorer, text: str) -> None:
    # a split mark, a capture or a wild place's part in a listing with no term, a capture: each found here must
    # have a word that starts it in the scan, else the scorer would not search for it
    folded = scorer.normaliser.fold(text)
    mask = scorer._starts.mask({index for index, _end in scorer._scan(folded)}, scorer._starts_first)
    searches = (scorer._split_traits, scorer._capture_or_place, scorer._capture)
    found = [bit for bit, pattern in enumerate(searches) if pattern is not None and pattern.search(folded)]
    assert found and all(mask & 1 << bit for bit in found)
    ordinary = scorer.normaliser.fold("自己用的 九成新 同城自提")
    assert scorer._starts.mask({index for index, _end in scorer._scan(ordinary)}, scorer._starts_first) == 0


def test_a_regex_without_start_words_is_always_searched_and_one_without_a_pattern_never() -> None:
    starts = StartWords([None, [], ["交叉", ""], ["山里"]])
    assert starts.words == ["山里"]  # an empty word would start a match anywhere: its regex is always searched
    assert starts.mask(set(), 7) == 0b0101
    assert starts.mask({3, 7}, 7) == 0b1101  # id 3 is a pattern's, 7 the first start word's
    assert starts.mask({3, 6}, 7) == 0b0101  # patterns' ids only: no start word


def test_a_word_a_term_requires_is_told_present_by_the_id_of_its_own_pattern(scorer: Scorer) -> None:
    # whether a listing holds a term's context word is read from the scan's ids: each id must be the word's pattern,
    # and a word that is no pattern is searched for in the text
    refs = [ref for refs, _phrases, _signals in scorer._kinds for ref in refs if ref.requires]
    assert refs and {ref.requires for ref in refs} == set(scorer._context_ids)
    patterns = set(scorer._pattern_list)
    for requires, (scanned, unscanned) in scorer._context_ids.items():
        assert {scorer._pattern_list[index] for index in scanned} == {word for word in requires if word in patterns}
        assert set(unscanned) == {word for word in requires if word not in patterns}
    text = scorer.normaliser.fold("野生 活体 包邮")
    ids = {index for index, _end in scorer._scan(text)}
    required = {word for ref in refs for word in ref.requires}
    held = {scorer._pattern_list[index] for scanned, _ in scorer._context_ids.values() for index in scanned & ids}
    assert held and held == {word for word in required if word in patterns and word in text}
    species = next(ref for ref in refs if ref.rule == "species" and "野生" in ref.requires)
    assert scorer._context_stated(species.requires, text, ids, {})
    assert not scorer._context_stated(species.requires, text, ids, {word: {} for word in required})  # all cut
    denied = scorer.normaliser.fold("非野生")  # a context word right after a negation gives the name no context
    assert not scorer._context_stated(species.requires, denied, {index for index, _end in scorer._scan(denied)}, {})


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan not installed")
def test_both_engines_score_the_eval_set_identically() -> None:
    fast = Scorer.load(threshold=60, engine="hyperscan")
    fallback = Scorer.load(threshold=60, engine="ahocorasick")
    assert fast.matcher.engine == "hyperscan" and fallback.matcher.engine == "ahocorasick-rs"
    path = Path(__file__).resolve().parents[1] / "pipelines" / "eval_set" / "listings.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines()[:200]:
        listing = json.loads(line)
        assert fast.score(listing).to_dict() == fallback.score(listing).to_dict()


# ------------------------------------------------------------------------------------------ scorer


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("象牙手镯 老料", "wildlife.ivory"),
        ("象 牙手镯 包浆", "wildlife.ivory"),
        ("象牙製品 老件", "wildlife.ivory"),
        ("xiangya 手镯 私聊", "wildlife.ivory"),
        ("白色塑料手串 懂的来", "wildlife.ivory"),
        ("犀jiao杯 老货", "wildlife.rhino_horn"),
        ("穿山假鳞片 下奶", "wildlife.pangolin"),
        ("鹤顶红挂件", "wildlife.hornbill"),
        ("弹簧刀 开刃", "prohibited.weapons"),
        ("一次性电子烟 批发", "prohibited.tobacco"),
    ],
)
def test_offers_are_leads(scorer: Scorer, title: str, category: str) -> None:
    result = assert_lead(scorer, title, category)
    assert result.family == category.split(".")[0]


@pytest.mark.parametrize(
    "title",
    [
        "象牙白衬衫 M码",
        "《象牙塔》 二手书",
        "牛角梳 天然",
        "虎皮鹦鹉鸟粮",
        "老虎钳 8寸",
        "珊瑚绒毯 加厚",
        "玳瑁色眼镜框 板材",
        "穿山甲毛绒玩具",
        "树脂仿象牙摆件",
        "麝香葡萄 2串",
    ],
)
def test_hard_negatives_are_not_leads(scorer: Scorer, title: str) -> None:
    assert_clear(scorer, title)


def _trait_words(result: ScoreResult) -> set[str]:
    return {word for r in result.rules if r["rule"] in ("suspicious", "trade") for word in r["signals"]}


def test_a_denied_trait_does_not_count(scorer: Scorer) -> None:
    """A trait the seller denies in its clause (不是野外抓的, 没有针孔偷拍功能) is no evidence; the denial of papers
    (没有进口手续) or of a farm (不是养殖场的) is, and 不是开刃的工艺品 denies the craft piece, not the edge."""
    caught = {"title": "蝎子 养殖 活的 一斤", "description": "养殖场东亚钳蝎活的，野外抓的，顺丰发活体。"}
    denied = {**caught, "description": "养殖场东亚钳蝎活的，不是野外抓的，顺丰发活体。"}
    assert scorer.score(denied).score < scorer.score(caught).score
    assert {r["signal"] for r in scorer.score(denied).rules if r["rule"] == "negated_signal"} == {"野外", "抓的"}
    camera = {"title": "家用摄像头 手机远程看", "description": "放客厅看宝宝，针孔偷拍功能"}
    no_pinhole = {**camera, "description": "放客厅看宝宝，没有针孔偷拍功能"}
    assert scorer.score(no_pinhole).score < scorer.score(camera).score
    papers = scorer.score({"title": "拇指猴 活体", "description": "没有进口手续，同城交接"})
    farm = scorer.score({"title": "熊胆粉 野生", "description": "不是养殖场的，私聊"})
    blade = scorer.score({"title": "三棱军刺 原品", "description": "不是开刃的工艺品，是真东西"})
    for result in (papers, farm, blade):
        assert not any(r["rule"] == "negated_signal" for r in result.rules), result.rules
    assert "养殖场" in _trait_words(farm) and "开刃" in _trait_words(blade)


def test_negated_or_neutral_innocence_does_not_count(scorer: Scorer) -> None:
    negated = scorer.score({"title": "象牙手镯", "description": "火烧测试过，不是树脂"})
    assert negated.is_lead and not any(r["rule"] == "innocence" for r in negated.rules)
    assert any(r["rule"] == "innocence_negated" for r in negated.rules)
    chained = scorer.score({"title": "天然麝香", "description": "林麝，非人工合成"})
    assert chained.is_lead, chained.rules
    specimen = scorer.score({"title": "天鹅标本 整只", "description": "眼睛是玻璃的"})
    assert specimen.is_lead and any(r["rule"] == "innocence_neutral" for r in specimen.rules)
    assert_clear(scorer, "象牙手镯", "树脂材质，仿制品")


def test_plain_names_and_live_species_reach_the_threshold_alone(scorer: Scorer) -> None:
    for title in ("麝香", "烟花", "窃听器", "虎骨", "穿山甲", "犀角", "猕猴 活体", "狨猴 幼崽", "懒猴"):
        result = scorer.score({"title": title})
        assert result.is_lead, (title, result.rules)


def test_obfuscation_is_an_evasion_signal(scorer: Scorer) -> None:
    for title, how in (("象*牙 雕件", "separators"), ("灰 鹦 活体", "separators"), ("hugu 酒", "pinyin")):
        result = scorer.score({"title": title})
        assert result.is_lead, (title, result.rules)
        assert {"rule": "obfuscation", "how": how} in [
            {"rule": r["rule"], "how": r.get("how")} for r in result.rules
        ], result.rules
    # two words that merely meet are not a spaced-out term
    assert not any(r["rule"] == "obfuscation" for r in scorer.score({"title": "急出 卡西欧 手表"}).rules)


def test_trade_names_need_their_context(scorer: Scorer) -> None:
    assert_clear(scorer, "防辐射服 孕妇装 宝宝")
    assert not scorer.score({"title": "辐射 检测 私聊"}).hits
    assert_lead(scorer, "辐射 苗子", "wildlife.live_reptile", "背甲漂亮，私聊")
    assert_clear(scorer, "金刚菩提 手串 老货 包老")
    assert_clear(scorer, "端午香囊 艾草 整个")
    assert scorer.score({"title": "天然 香囊 整个", "description": "渠道货 加V"}).category == "wildlife.musk"


def test_virtual_and_shaped_goods_are_not_leads(scorer: Scorer) -> None:
    assert_clear(scorer, "鹤顶红 游戏道具 账号", "游戏里的道具名字，不是实物")
    assert_clear(scorer, "犀牛角造型手机支架", "卡通犀牛造型，桌面摆件")


def test_a_hit_straddling_an_earlier_hit_of_another_category_is_dropped(scorer: Scorer) -> None:
    result = assert_lead(scorer, "抹香鲸牙雕件", "wildlife.other")
    assert "wildlife.ivory" not in result.categories


def test_demo_catalogue_plain_offences_are_leads_of_their_family(scorer: Scorer) -> None:
    from crawler.demo_market.catalogue import build_catalogue

    plain = [listing for listing in build_catalogue().listings if listing.kind == "plain"]
    assert plain
    for listing in plain:
        result = scorer.score({"title": listing.title, "description": listing.description, "price": listing.price})
        assert result.is_lead, (listing.title, result.score, result.rules)
        assert listing.category is not None
        assert result.family == listing.category.split(".")[0], (listing.title, result.category)


def test_demo_catalogue_hard_negatives_with_trigger_words_are_not_leads(scorer: Scorer) -> None:
    from crawler.demo_market.catalogue import build_catalogue

    triggered = 0
    for listing in build_catalogue().listings:
        if listing.kind != "hard_negative":
            continue
        result = scorer.score({"title": listing.title, "description": listing.description, "price": listing.price})
        triggered += bool(result.hits or result.rules)
        assert not result.is_lead, (listing.title, listing.description, result.rules)
    assert triggered > 0


def test_demo_catalogue_leads_are_ranked_not_tied_at_the_top(scorer: Scorer) -> None:
    """Best first must mean something: on the demo marketplace's leads, at most a tenth share the top score."""
    from collections import Counter

    from crawler.demo_market.catalogue import build_catalogue

    scores = [
        result.score
        for listing in build_catalogue().listings
        if (
            result := scorer.score({"title": listing.title, "description": listing.description, "price": listing.price})
        ).is_lead
    ]
    assert len(scores) >= 100
    counts = Counter(scores)
    assert counts[max(scores)] <= 0.10 * len(scores), counts.most_common(3)
    assert len(counts) >= 10


def test_code_word_stays_suspicious_beside_innocence(scorer: Scorer) -> None:
    plain = scorer.score({"title": "树脂象牙手镯"})
    code = scorer.score({"title": "白色塑料手镯 树脂 私聊"})
    assert any(r["rule"] == "innocence" for r in plain.rules)
    assert any(r["rule"] == "code_word_overrides_innocence" for r in code.rules)
    assert code.score > plain.score


def test_trade_signals_and_price_raise_the_score(scorer: Scorer) -> None:
    base = scorer.score({"title": "白料手串"})
    raised = scorer.score({"title": "白料手串", "description": "老货 包老 私聊", "price": 9000})
    assert raised.score > base.score
    fired = {r["rule"] for r in raised.rules}
    assert {"evasion", "trade", "price_above_ordinary"} <= fired


def test_hits_point_at_original_text(scorer: Scorer) -> None:
    listing = {"title": "出 象*牙 手镯", "description": "描述：犀.角杯，懂的来"}
    result = scorer.score(listing)
    assert result.hits
    for hit in result.hits:
        assert isinstance(hit, Hit)
        assert listing[hit.field][hit.start : hit.end] == hit.matched
    assert {h.matched for h in result.hits} >= {"象*牙", "犀.角杯"}


def test_result_is_json_serialisable(scorer: Scorer) -> None:
    result = scorer.score({"title": "犀角杯", "description": "老货", "price": "8,800元"})
    assert isinstance(result, ScoreResult)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data) == {"score", "is_lead", "family", "category", "categories", "hits", "rules"}
    assert data["hits"][0]["term"] == "犀牛角"


listing_values = st.one_of(st.none(), st.text(max_size=120), st.integers(), st.floats(allow_nan=True))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=120), description=st.text(max_size=200), price=listing_values)
def test_scorer_never_raises_and_spans_are_exact(scorer: Scorer, title: str, description: str, price: object) -> None:
    listing = {"title": title, "description": description, "price": price}
    result = scorer.score(listing)
    assert 0 <= result.score <= 100
    for hit in result.hits:
        text = listing[hit.field]
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.matched
        assert scorer.normaliser.fold(hit.matched)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    noise=st.lists(st.sampled_from([" ", "*", ".", "\u200b", "😀", "-", "，"]), min_size=3, max_size=3),
    term=st.sampled_from(["象牙", "犀牛角", "穿山甲", "熊胆粉", "鹤顶红"]),
)
def test_split_terms_are_found_at_their_span(scorer: Scorer, noise: list[str], term: str) -> None:
    disguised = "".join(c + n for c, n in zip(term, noise, strict=False)) + term[len(noise) :]
    title = f"出{disguised}老货"
    result = scorer.score({"title": title})
    assert result.hits
    assert any(title[h.start : h.end].startswith(term[0]) and h.start == 1 for h in result.hits)


def test_search_terms_and_extra_terms() -> None:
    scorer = Scorer.load(threshold=60, extra_terms={"wildlife.ivory": ["象牙微雕"]})
    assert "象牙微雕" in scorer.search_terms(["wildlife.ivory"])
    for category in DESIGN_CATEGORIES:
        assert scorer.search_terms([category]), category
    assert len(scorer.search_terms(["wildlife.pangolin"])) <= 60


def test_threshold_defaults_to_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWATCH_LEAD_THRESHOLD", "75")
    assert Scorer.load().threshold == 75


# ------------------------------------------------------------------------------------------ watchlists


def test_shipped_watchlists_pass_the_check() -> None:
    report = check_watchlists()
    assert report.problems == []
    assert report.categories >= len(DESIGN_CATEGORIES)


def test_broken_watchlist_reports_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "campaign.yaml"
    broken.write_text(
        "version: 1\ncategories:\n  - id: wildlife.ivory\n    search_terms: [象牙]\n    terms:\n"
        "      - term: 象牙微雕\n        weight: 300\n",
        encoding="utf-8",
    )
    report = check_watchlists([broken])
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(f"{broken}:7: categories.0.terms.0.weight")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80) | st.text(alphabet="象牙犀角製品ＸＩＡＮＧ ™ﬁ①🐘，。*.\u200b《》Aa\n\x00、", max_size=40))
def test_fast_fold_equals_the_translate_table(normaliser: Normaliser, text: str) -> None:
    folded = normaliser.fold(text)
    assert folded == text.translate(normaliser._table)
    again, marked = normaliser.fold_marked(text)
    assert again == folded
    if marked is not None:
        assert len(marked) == len(text)
    norm = normaliser.normalise(text)
    assert norm.offsets() == NormText(text, folded, normaliser._table, marked).offsets()


@pytest.fixture(scope="module")
def reading_finders(scorer: Scorer) -> dict[str, tuple[ReadingFinder, ReadingFinder]]:
    """Per engine, the scorer's reading finder made again twice: one with its table of code points built, one
    left to read by str.translate (each example below checks it did). Made once, not once per example."""
    finder = scorer._homophone_find
    assert finder is not None
    finders: dict[str, tuple[ReadingFinder, ReadingFinder]] = {}
    for engine in ("hyperscan", "ahocorasick"):
        if engine == "hyperscan" and not hyperscan_available():
            continue
        by_table = ReadingFinder(finder._table, finder._codes, engine)
        by_table._build()
        finders[engine] = (by_table, ReadingFinder(finder._table, finder._codes, engine))
    return finders


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="川穿船山衫钾甲假佳兄熊掌带玳帽瑁毛鳞片下奶懂的来象芽牙 \n0a", max_size=60))
@example("川山钾 鳞片 下奶 懂的来\n船衫佳 兄掌 带帽 梳子")
def test_a_reading_looked_up_with_numpy_finds_what_the_translate_finds(
    reading_finders: dict[str, tuple[ReadingFinder, ReadingFinder]], monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """After TABLE_AFTER texts, or once numpy is loaded, a text's sound is read through a table of code points
    instead of str.translate: the same spellings are found, with either engine."""
    import sys

    for by_table, by_translate in reading_finders.values():
        with monkeypatch.context() as patched:
            patched.delitem(sys.modules, "numpy", raising=False)
            expected = by_translate(text)
            assert by_translate._take is None
        assert by_table(text) == expected


def test_a_failed_scoring_assertion_shows_how_the_listing_was_read(scorer: Scorer) -> None:
    with pytest.raises(AssertionError) as lead:
        assert_clear(scorer, "犀角杯 老料", "老货 包老 私聊")
    assert "lead True, category wildlife.rhino_horn" in str(lead.value)
    assert "hit '犀角杯' -> 犀牛角" in str(lead.value) and "rule {'rule': 'product_form'" in str(lead.value)
    with pytest.raises(AssertionError) as clear:
        assert_lead(scorer, "犀牛角造型手机支架", "wildlife.rhino_horn", "卡通犀牛造型，桌面摆件")
    assert "lead False" in str(clear.value) and "'rule': 'shape_term'" in str(clear.value)
