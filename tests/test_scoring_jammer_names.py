"""A jammer's everyday names (屏蔽器, 干扰器) are names of covert surveillance equipment, so the spellings generated
from every name find them written in mixed pinyin too (ping蔽器, 屏bi器); a filter that fights interference
(抗干扰器, 防干扰器) is no jammer. Examples are worded apart from the shipped evaluation set.
"""

from __future__ import annotations

import pytest

from pipelines.scoring import Scorer
from tests.scoring_support import assert_clear, assert_lead, mechanisms_of


@pytest.mark.parametrize(
    ("title", "description", "mechanism"),
    [
        ("小型 ping蔽器 口袋款", "会议室考场都能用，私聊", "generated_variant"),
        ("大功率干扰器 车载款", "插点烟器就能用，半径二十米，发货写充电器", "term"),
    ],
)
def test_a_jammer_named_or_spelt_in_pinyin_is_a_lead(
    scorer: Scorer, title: str, description: str, mechanism: str
) -> None:
    result = assert_lead(scorer, title, "prohibited.surveillance", description)
    assert mechanism in mechanisms_of(result)


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("电脑音箱 抗干扰器 消除电流声", "共地隔离，插上就没有滋滋声，包邮，私聊"),
        # an app that blocks adverts, a sticker that blocks radiation
        ("广告屏蔽器 安卓 免root", "弹窗全拦，一键安装"),
        ("防辐射屏蔽器 孕妇 手机贴", "贴在手机背面，包邮"),
    ],
)
def test_a_filter_or_a_blocker_of_other_things_is_no_jammer(scorer: Scorer, title: str, description: str) -> None:
    assert_clear(scorer, title, description)
