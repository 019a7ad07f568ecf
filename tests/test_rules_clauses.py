"""Clause segmentation, the unfair-clause watchlist and scorer, the labelled clause set and its locked split,
and `tradewatch rules score` / `tradewatch eval --rules`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from core.errors import InputFileError
from pipelines.rules import ClauseScorer, normalised_text, segment
from pipelines.rules.clauses import normalise
from pipelines.rules.evaluate import (
    CLAUSE_SET,
    TEST_LOCK,
    TEST_SET,
    check_lock,
    evaluate_clause_set,
    lock_data,
    read_clauses,
    read_parts,
)
from pipelines.rules.watchlist import SHIPPED_WATCHLIST, check_examples, load_clause_watchlist

runner = CliRunner(env={"TRADEWATCH_LANG": "en"})

AGREEMENT = """闲置集市用户服务协议
第一章 总则
第一条 本协议是用户与运营方之间的约定。
第二条 用户注册时应当提供真实信息，
并妥善保管账户密码。
第二章 交易规则
第三条 商品一经售出，概不退换。
（一） 定制商品除外。
"""


@pytest.fixture(scope="module")
def scorer() -> ClauseScorer:
    return ClauseScorer.load()


def test_articles_become_clauses_with_their_chapter_and_continuation_lines():
    clauses = segment(AGREEMENT)
    assert [(c.number, c.text, c.section) for c in clauses] == [
        ("", "闲置集市用户服务协议", ""),
        ("第一条", "本协议是用户与运营方之间的约定。", "第一章 总则"),
        ("第二条", "用户注册时应当提供真实信息，并妥善保管账户密码。", "第一章 总则"),
        ("第三条", "商品一经售出，概不退换。", "第二章 交易规则"),
        ("（一）", "定制商品除外。", "第二章 交易规则"),
    ]
    assert [c.index for c in clauses] == [1, 2, 3, 4, 5]


def test_whitespace_and_full_width_forms_do_not_change_the_normalised_text():
    again = AGREEMENT.replace("第一条 ", "第一条　　").replace("约定。", "约定。 ").replace("\n并妥善", "\n  并妥善")
    assert normalised_text(segment(again)) == normalised_text(segment(AGREEMENT))
    assert normalised_text(segment(AGREEMENT.replace("概不退换", "可以退换"))) != normalised_text(segment(AGREEMENT))


def test_an_unfair_clause_is_explained_with_its_group_and_legal_basis(scorer: ClauseScorer):
    result = scorer.score("本活动最终解释权归本公司所有。")
    assert result.unfair and result.score >= scorer.threshold
    assert result.group == "exclude_rights"
    assert result.basis == ["《合同行政监督管理办法》第十条第（七）项"]
    assert [(rule["rule"], rule["matched"]) for rule in result.explanation] == [("final_interpretation", "最终解释权")]


@pytest.mark.parametrize(
    ("clause", "group"),
    [
        ("商品售出概不退换。", "exempt_liability"),
        ("本平台有权随时单方变更本协议且无需通知。", "exclude_rights"),
        ("买家逾期付款的，每逾期一日按订单金额的5%支付违约金。", "add_obligation"),
    ],
)
def test_the_issues_examples_score_unfair_in_their_group(scorer: ClauseScorer, clause: str, group: str):
    result = scorer.score(clause)
    assert (result.unfair, result.group) == (True, group)


def test_a_lawful_look_alike_is_lowered_by_the_signal_that_keeps_the_users_right(scorer: ClauseScorer):
    result = scorer.score("本平台有权随时调整交易规则，调整内容将提前七日在首页公示。")
    assert not result.unfair
    assert [rule["rule"] for rule in result.explanation] == ["unilateral_change", "advance_notice"]
    assert result.group is None and result.basis == []


def test_a_lawful_context_lowers_only_the_sentence_it_stands_in(scorer: ClauseScorer):
    lawful = "演出门票售出后，非因主办方原因不予退换；演出取消或延期的，购票人可申请全额退票。"
    unfair = "演出门票售出后不予退换。主办方原因导致演出取消的，可申请全额退票。"
    assert not scorer.score(lawful).unfair
    result = scorer.score(unfair)
    assert result.unfair and result.group == "exempt_liability"
    assert [rule["rule"] for rule in result.explanation] == ["no_returns_after_sale"]


@pytest.mark.parametrize(
    ("clause", "unfair"),
    [
        ("顾客可申请退款，但须支付订单金额30%的手续费。", True),
        ("顾客可申请退款，本店不收取任何手续费。", False),
        ("商品售出后概不退换，但存在质量问题的除外。", False),
    ],
)
def test_a_right_granted_before_but_and_taken_back_after_it_does_not_lower_the_score(
    scorer: ClauseScorer, clause: str, unfair: bool
):
    assert scorer.score(clause).unfair is unfair


@pytest.mark.parametrize(
    ("clause", "unfair", "why"),
    [
        ("业主逾期缴纳物业费的，每日按欠缴金额的百分之三加收滞纳金。", True, "百分之三 > 0.05%/日"),
        ("业主逾期缴纳物业费的，每日按欠缴金额的万分之五支付违约金。", False, None),
        ("学员中途退学的，须支付课程总价30%的违约金。", True, "30% ≥ 20%"),
        ("卖家未按时发货的，应向买家支付订单金额5%的违约金。", False, None),
        ("借款人逾期还款的，按借款利率上浮50%计收逾期利息。", False, None),
        ("收件人拒收的，寄件人须承担双倍运费。", True, "双倍 ≥ 2倍"),
        ("酒店预订成功后取消的，须支付全部房费作为取消费。", True, "支付全部（全额）"),
        ("雇主与家政人员私下签约的，须向本公司支付相当于十二个月服务费的违约金。", True, "十二个月服务费 ≥ 3个月"),
        ("租客提前退租的，应提前30日书面通知出租人，并按一个月租金支付违约金。", False, None),
        ("违约金以守约方的实际损失为限，最高不超过合同总价的20%。", False, None),
    ],
)
def test_a_charge_is_unfair_when_out_of_proportion_to_what_it_is_charged_on(
    scorer: ClauseScorer, clause: str, unfair: bool, why: str | None
):
    result = scorer.score(clause)
    assert result.unfair is unfair
    penalties = [rule["matched"] for rule in result.explanation if rule["rule"] == "excessive_penalty"]
    assert penalties == ([why] if why else [])


def test_a_lawful_signal_after_a_negation_does_not_lower_the_score(scorer: ClauseScorer):
    lawful = scorer.score("物业公司调整收费标准的，须经业主大会同意。")
    result = scorer.score("物业公司有权根据实际情况调整服务内容及收费标准，调整无需经业主大会同意。")
    assert result.unfair and result.group == "exclude_rights"
    assert [rule["rule"] for rule in result.explanation] == ["unilateral_change"]
    assert not lawful.unfair


@pytest.mark.parametrize(
    ("clause", "rules"),
    [
        ("会员卡遗失补办的，每次收取工本费300元。", ["fees_for_exercising_rights"]),
        ("入住日前一天18点前取消预订的免费；逾期取消的，收取首晚房费。", []),
        (
            "因用户个人原因未能在有效期内使用的，所购次卡自动作废，剩余次数不予延期或退费。",
            ["no_cancellation_or_refund"],
        ),
        (
            "会员须每年缴纳年费，无论本年度是否使用本中心任何服务，年费均不予减免或退还。",
            ["disclaims_all_liability", "forfeits_balance_or_deposit"],
        ),
        (
            "问：可以取消自动续费吗？答：自动续费开通后须连续使用满12个月方可取消，期间不能退订。",
            ["auto_renewal_without_notice", "no_cancellation_or_refund"],
        ),
        ("您的会员将自动续期。续期扣费前5日我们会以短信通知您，您可在扣费前随时取消。", []),
    ],
)
def test_a_fee_for_the_act_and_a_refusal_of_several_things_are_read_by_structure(
    scorer: ClauseScorer, clause: str, rules: list[str]
):
    result = scorer.score(clause)
    assert [rule["rule"] for rule in result.explanation] == rules
    assert result.unfair is bool(rules)


@pytest.mark.parametrize(
    ("clause", "unfair"),
    [
        ("物业公司有权根据经营成本自行调整收费标准。", True),
        ("本机构可根据教学需要随时调整课程安排及收费标准。", True),
        ("物业服务收费标准的调整，须经业主大会依法表决通过后方可执行。", False),
        ("旅客不得就行程安排向任何部门投诉。", True),
        ("旅行社不得拒绝旅客的投诉，并应在七日内答复。", False),
    ],
)
def test_one_structure_reads_every_industrys_parties(scorer: ClauseScorer, clause: str, unfair: bool):
    result = scorer.score(clause)
    assert result.unfair is unfair
    assert result.group == ("exclude_rights" if unfair else None)


def test_an_unknown_term_in_a_pattern_is_named(tmp_path: Path):
    bad = tmp_path / "clauses.yaml"
    shipped = SHIPPED_WATCHLIST.read_text(encoding="utf-8")
    assert "与{operator}(无关" in shipped
    bad.write_text(shipped.replace("与{operator}(无关", "与{seller}(无关"), "utf-8")
    with pytest.raises(InputFileError, match=r"unknown term \{seller\}"):
        load_clause_watchlist(bad)


def test_every_pattern_holds_to_its_examples_and_names_a_legal_basis(scorer: ClauseScorer):
    assert check_examples(scorer) == []
    watchlist = load_clause_watchlist()
    assert {pattern.group for pattern in watchlist.patterns} == {"exempt_liability", "add_obligation", "exclude_rights"}
    assert all(pattern.basis and pattern.examples for pattern in watchlist.patterns)


def test_a_broken_watchlist_names_the_file_line_and_field(tmp_path: Path):
    shipped = SHIPPED_WATCHLIST.read_text(encoding="utf-8")
    text = shipped.replace('- "最终解释权?"', '- "最终(解释权"', 1)
    assert text != shipped
    bad = tmp_path / "clauses.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        load_clause_watchlist(bad)
    assert error.value.line is not None and error.value.path == bad
    assert "bad regex" in str(error.value) and "patterns" in str(error.value)


def test_the_clause_set_is_large_half_lawful_with_a_locked_test_part_written_apart_from_dev():
    dev, test = read_parts()
    records = dev + test
    assert len(records) >= 200 and len(test) >= 90
    assert len({r["id"] for r in records}) == len(records)
    for part in (dev, test):
        unfair = sum(1 for r in part if r["unfair"])
        assert 0.4 <= unfair / len(part) <= 0.6
        assert {r["group"] for r in part if r["unfair"]} == {"exempt_liability", "add_obligation", "exclude_rights"}
        assert {r["looks_like"] for r in part if not r["unfair"]} == {
            "exempt_liability",
            "add_obligation",
            "exclude_rights",
        }
    assert len({r["industry"] for r in test}) >= 15  # worded after many kinds of contract, not one
    assert not {normalise(r["text"]) for r in test} & {normalise(r["text"]) for r in dev}
    assert json.loads(TEST_LOCK.read_text(encoding="utf-8")) == lock_data(test)


@pytest.mark.parametrize("change", ["relabel", "reword", "add", "remove"])
def test_a_changed_test_part_is_refused(tmp_path: Path, change: str):
    test = read_clauses(TEST_SET)
    first = test[0]
    changed = {
        "relabel": [dict(first, unfair=not first["unfair"]), *test[1:]],
        "reword": [dict(first, text=first["text"] + "本条款自公布之日起施行。"), *test[1:]],
        "add": [*test, dict(first, id="tx001")],
        "remove": test[1:],
    }[change]
    path = tmp_path / TEST_SET.name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in changed), encoding="utf-8")
    check_lock(read_clauses(TEST_SET))  # the shipped part matches its lock
    with pytest.raises(InputFileError, match="locked test part"):
        check_lock(read_clauses(path))


def test_a_clause_in_both_parts_is_refused(tmp_path: Path):
    dev = tmp_path / CLAUSE_SET.name
    dev.write_text(
        CLAUSE_SET.read_text(encoding="utf-8") + TEST_SET.read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="also in the dev part"):
        read_parts(dev, TEST_SET)


# The blind measurement of the test part written apart from dev: precision 0.980, recall 0.907 (0.979, 0.870 before
# 835 more dev clauses were written in eight batches, each scored before the patterns were read against it; 0.978,
# 0.815 before that round; 0.976, 0.759 after the first structural patterns; 0.969, 0.574 with phrase lists). The
# floor below keeps the scorer from falling under it.
TEST_FLOOR = {"precision": 0.97, "recall": 0.9}


def test_the_scorer_holds_on_dev_and_does_not_fall_below_its_blind_test_figures(scorer: ClauseScorer):
    dev, test = evaluate_clause_set(scorer)
    assert dev.recall >= 0.9 and dev.precision >= 0.9, dev.to_dict()
    assert test.total >= 90
    assert test.precision >= TEST_FLOOR["precision"] and test.recall >= TEST_FLOOR["recall"], test.to_dict()


def test_recall_and_precision_on_the_locked_test_part_are_at_least_0_9(scorer: ClauseScorer):
    _, test = evaluate_clause_set(scorer)
    assert test.recall >= 0.9 and test.precision >= 0.9, test.to_dict()


def test_eval_rules_prints_recall_and_precision_of_both_parts(scorer: ClauseScorer):
    result = runner.invoke(app, ["eval", "--rules", "--json"])
    assert result.exit_code == 0, result.output
    parts = {part["part"]: part for part in json.loads(result.output)["parts"]}
    figures = {part.name: part for part in evaluate_clause_set(scorer)}
    assert parts == {name: part.to_dict() for name, part in figures.items()}
    assert parts["test"]["clauses"] == len(read_clauses(TEST_SET))
    table = runner.invoke(app, ["eval", "--rules"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "precision" in table.output and "recall" in table.output
    assert CLAUSE_SET.name in table.output and TEST_SET.name in table.output
    rows = {line.split("│")[1].strip(): line for line in table.output.splitlines() if line.count("│") > 3}
    for name, part in (("dev", figures["dev"]), ("test (locked)", figures["test"])):
        assert f"{part.precision:.3f}" in rows[name] and f"{part.recall:.3f}" in rows[name]
    assert f"[test (locked)] Misses: {parts['test']['fn']}" in table.output
    shown = result.output + table.output
    assert not [r["id"] for r in read_clauses(TEST_SET) if r["text"] in shown or f'"{r["id"]}"' in shown]


def test_the_dev_parts_misses_are_listed_and_the_test_parts_only_counted(scorer: ClauseScorer, tmp_path: Path):
    clauses = [
        {"id": "d1", "text": "本店商品一律不退不换，顾客不得以任何理由要求退款。", "unfair": False, "group": None},
        {"id": "d2", "text": "会员可在每月第一个工作日领取积分兑换券。", "unfair": True, "group": "add_obligation"},
    ]
    for name, rows in (("dev.jsonl", clauses), ("test.jsonl", [dict(r, id="t" + r["id"]) for r in clauses])):
        (tmp_path / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    lock = tmp_path / "lock.json"
    lock.write_text(json.dumps(lock_data(read_clauses(tmp_path / "test.jsonl"))), encoding="utf-8")
    dev, test = evaluate_clause_set(scorer, tmp_path / "dev.jsonl", tmp_path / "test.jsonl", lock)
    assert [(dev.fp, dev.fn), (test.fp, test.fn)] == [(1, 1), (1, 1)]
    assert [m["id"] for m in dev.false_alarms + dev.misses] == ["d1", "d2"]
    assert test.false_alarms == test.misses == []


def test_rules_score_reads_and_writes_json_lines(tmp_path: Path):
    source = tmp_path / "clauses.jsonl"
    source.write_text(
        '{"id": "a1", "text": "本活动最终解释权归本公司所有。"}\n'
        "not json\n"
        '{"id": "a2", "text": "商品自签收之日起七日内可无理由退货。"}\n'
        '{"text": "没有编号"}\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rules", "score", str(source)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], line["unfair"], line["group"]) for line in lines] == [
        ("a1", True, "exclude_rights"),
        ("a2", False, None),
    ]
    assert set(lines[0]) == {"id", "unfair", "group", "score", "basis", "explanation"}
    assert lines[0]["explanation"][0]["rule"] == "final_interpretation"
    assert f"{source}:2: not JSON" in result.stderr and f"{source}:4: needs `id` and `text`" in result.stderr


def test_rules_check_passes_on_the_shipped_watchlist():
    result = runner.invoke(app, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "every example scored as labelled" in result.output
