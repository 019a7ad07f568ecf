"""The demo marketplace's rules pages: a user agreement in three versions and a privacy policy that never
changes. `POST /admin/rules/version?value=N` switches the version served (a control of the demo server).

Between versions clauses are added, reworded and removed, some unfair and some harmless look-alikes:

- v1 -> v2: clause 3 reworded from a lawful change notice into 本平台有权随时单方变更本协议且无需通知 (unfair);
  added 特价商品一经售出，概不退换 (unfair) and a clause granting the user the right to close the account
  (lawful); the consumer-quality clause reworded (lawful); the force-majeure clause removed.
- v2 -> v3: 特价商品一经售出，概不退换 removed; added a no-refund membership clause (unfair) and a lawful return
  shipping clause.

The clauses (chapter, text) are data the tests read too, so they state exactly what changed.
"""

from __future__ import annotations

import json
from html import escape
from typing import Literal

RULES_VERSIONS = (1, 2, 3)
RulesPage = Literal["agreement", "privacy"]

_GENERAL = "第一章 总则"
_TRADE = "第二章 交易规则"
_OTHER = "第三章 其他"

NOTICE_LAWFUL = "平台修改本协议的，将在首页显著位置提前七日公示，用户不同意的，有权停止使用本平台服务。"
NOTICE_UNFAIR = "本平台有权随时单方变更本协议且无需通知用户，变更后的协议一经公布即生效。"
QUALITY_V1 = "平台内经营者应当对其销售的商品质量承担责任。"
QUALITY_V2 = "平台内经营者应当对其销售的商品或者提供的服务的质量依法承担责任。"
FORCE_MAJEURE = "因不可抗力导致平台不能履行本协议的，根据不可抗力的影响，部分或者全部免除责任，但法律另有规定的除外。"
NO_RETURNS = "特价商品一经售出，概不退换。"
CLOSE_ACCOUNT = "用户可以随时注销账户，平台将在十五个工作日内完成注销，且不设置不合理条件。"
NO_REFUND = "会员服务一经开通，不支持退款，用户不得以任何理由要求解除合同。"
RETURN_SHIPPING = "商品因质量问题退货的，退货运费由卖家承担。"

_AGREEMENT: dict[int, list[tuple[str, str]]] = {
    1: [
        (_GENERAL, "本协议是用户与闲置集市运营方之间关于使用平台服务的约定。"),
        (_GENERAL, "用户注册时应当提供真实、准确的身份信息，并妥善保管账户密码。"),
        (_GENERAL, NOTICE_LAWFUL),
        (_TRADE, "商品自签收之日起七日内可申请无理由退货，定制商品及鲜活易腐商品除外。"),
        (_TRADE, QUALITY_V1),
        (_TRADE, FORCE_MAJEURE),
        (_OTHER, "用户可以通过平台客服、12315热线或者向市场监督管理部门投诉举报。"),
    ],
}
_AGREEMENT[2] = [
    (_GENERAL, "本协议是用户与闲置集市运营方之间关于使用平台服务的约定。"),
    (_GENERAL, "用户注册时应当提供真实、准确的身份信息，并妥善保管账户密码。"),
    (_GENERAL, NOTICE_UNFAIR),
    (_GENERAL, CLOSE_ACCOUNT),
    (_TRADE, "商品自签收之日起七日内可申请无理由退货，定制商品及鲜活易腐商品除外。"),
    (_TRADE, NO_RETURNS),
    (_TRADE, QUALITY_V2),
    (_OTHER, "用户可以通过平台客服、12315热线或者向市场监督管理部门投诉举报。"),
]
_AGREEMENT[3] = [
    (_GENERAL, "本协议是用户与闲置集市运营方之间关于使用平台服务的约定。"),
    (_GENERAL, "用户注册时应当提供真实、准确的身份信息，并妥善保管账户密码。"),
    (_GENERAL, NOTICE_UNFAIR),
    (_GENERAL, CLOSE_ACCOUNT),
    (_TRADE, "商品自签收之日起七日内可申请无理由退货，定制商品及鲜活易腐商品除外。"),
    (_TRADE, RETURN_SHIPPING),
    (_TRADE, QUALITY_V2),
    (_TRADE, NO_REFUND),
    (_OTHER, "用户可以通过平台客服、12315热线或者向市场监督管理部门投诉举报。"),
]
_PRIVACY = [
    ("一、我们收集的信息", "我们仅收集提供服务所必需的个人信息，收集敏感个人信息前将征得您的单独同意。"),
    ("一、我们收集的信息", "未经您的单独同意，我们不会向第三方提供您的个人信息，您可以随时撤回同意。"),
    ("二、您的权利", "您有权查阅、复制、更正、删除您的个人信息，我们将在十五个工作日内予以处理。"),
]
TITLES = {"agreement": "闲置集市用户服务协议", "privacy": "闲置集市隐私政策"}
_CN_DIGITS = "零一二三四五六七八九十"


def _article(number: int) -> str:
    if number <= 10:
        return f"第{_CN_DIGITS[number]}条"
    return f"第十{_CN_DIGITS[number - 10]}条"


def rules_clauses(page: RulesPage, version: int) -> list[tuple[str, str]]:
    """(chapter or section, clause text) of a page in a version, in page order."""
    return list(_PRIVACY if page == "privacy" else _AGREEMENT[version])


def rules_body(page: RulesPage, version: int) -> str:
    """The page's main text as HTML: chapter headings and numbered articles (the privacy policy: sections)."""
    parts = [f'<article class="agreement" data-version="{version if page == "agreement" else 1}">']
    parts.append(f"<h1>{escape(TITLES[page])}</h1>")
    section = None
    for number, (heading, text) in enumerate(rules_clauses(page, version), start=1):
        if heading != section:
            parts.append(f"<h2>{escape(heading)}</h2>")
            section = heading
        label = _article(number) if page == "agreement" else f"{number}."
        parts.append(f'<p class="clause"><span class="no">{label}</span> {escape(text)}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def rules_json(page: RulesPage, version: int) -> bytes:
    """The same page as JSON, for the JavaScript-rendered variant."""
    clauses = [
        {"heading": heading, "label": _article(n) if page == "agreement" else f"{n}.", "text": text}
        for n, (heading, text) in enumerate(rules_clauses(page, version), start=1)
    ]
    return json.dumps({"title": TITLES[page], "clauses": clauses}, ensure_ascii=False).encode()


RULES_SCRIPT = r"""<script>
(async function () {
  const page = location.pathname.split("/").pop();
  const data = await (await fetch("/api/rules/" + page)).json();
  const article = document.createElement("article");
  article.className = "agreement";
  const title = document.createElement("h1");
  title.textContent = data.title;
  article.appendChild(title);
  let heading = null;
  for (const clause of data.clauses) {
    if (clause.heading !== heading) {
      const h = document.createElement("h2");
      h.textContent = clause.heading;
      article.appendChild(h);
      heading = clause.heading;
    }
    const p = document.createElement("p");
    p.className = "clause";
    p.textContent = clause.label + " " + clause.text;
    article.appendChild(p);
  }
  const app = document.getElementById("app");
  app.textContent = "";
  app.appendChild(article);
})();
</script>
"""
