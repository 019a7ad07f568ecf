"""Build the shipped notice templates `leads/templates/notice-platform.docx`, `notice-wildlife.docx` and
`notice-rectification.docx` (整改通知 / 约谈 about an unfair clause in a platform's rules).

They are Word documents with docxtpl (Jinja) tags; a bureau copies one to `TRADEWATCH_HOME/templates/`, puts
its letterhead and wording around the tags in Word, and tradewatch uses that copy instead. Each tag sits in
one paragraph written as one run, so Word keeps it whole.

Usage:
    python scripts/build_notice_templates.py [--out leads/templates] [--only notice-rectification]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "leads" / "templates"

LISTING = [
    "平台：{{ listing.platform }}　商品编号：{{ listing.listing_id }}",
    "商品标题：{{ listing.title }}",
    "商品网址：{{ listing.url }}",
    "标价：{{ listing.price }}",
    "卖家：{{ listing.seller }}（卖家编号：{{ listing.seller_id }}）　所在地：{{ listing.location }}",
    "首次发现：{{ listing.first_seen }}　最近发现：{{ listing.last_seen }}（共 {{ listing.times_seen }} 次）",
]
GROUNDS = [
    "线索编号：{{ subject.id }}　涉嫌类别：{{ subject.categories }}　风险评分：{{ subject.score }}",
    "{%p for item in legal %}",
    "{{ item.category }}：{{ item.law }}{% if item.protection %}；保护情况：{{ item.protection }}{% endif %}"
    "{% if item.cites %}；CITES：{{ item.cites }}{% endif %}",
    "{%p endfor %}",
]
SPECIES = [
    "{%p if species %}",
    "涉及物种及保护级别（《国家重点保护野生动物名录》，2021年）：",
    "{%p for item in species %}",
    "{{ item.name }}{% if item.latin %}（{{ item.latin }}）{% endif %}：{{ item.protection }}保护野生动物",
    "{%p endfor %}",
    "{%p endif %}",
]
EVIDENCE = [
    "{%p for capture in evidence %}",
    "第 {{ capture.version }} 次取证，{{ capture.captured_at }}，证据清单 SHA-256：{{ capture.manifest_sha256 }}",
    "{%p for file in capture.files %}",
    "　{{ file.name }}　SHA-256：{{ file.sha256 }}",
    "{%p endfor %}",
    "{%p endfor %}",
    "{%p if not evidence %}",
    "（暂无电子证据）",
    "{%p endif %}",
]
CLOSING = [
    "请于 {{ notice.reply_due }} 前（{{ notice.reply_days }} 个工作日内）通过{{ notice.channel }}书面回复处理结果。",
    "经办人：{{ notice.officer }}",
]

RULES_PAGE = [
    "平台：{{ page.platform }}　页面：{{ page.name }}（第 {{ page.version }} 版）",
    "页面网址：{{ page.url }}",
    "取证时间：{{ page.captured_at }}　证据清单 SHA-256：{{ page.manifest_sha256 }}",
]
CLAUSE = [
    "条款问题编号：{{ subject.id }}　条款：{{ clause.number }}　类别：{{ clause.group }}",
    "条款原文：{{ clause.text }}",
    "{%p if clause.previous %}",
    "上一版本中的表述：{{ clause.previous }}",
    "{%p endif %}",
]
BASIS = [
    "{%p for item in basis %}",
    "{{ item }}",
    "{%p endfor %}",
    "{{ notice.demand }}",
]

TEMPLATES: dict[str, dict[str, object]] = {
    "notice-platform": {
        "title": "关于协助处置涉嫌违法商品信息的通知函",
        "opening": "{{ notice.recipient }}：",
        "body": "我局在网络交易监测中发现贵平台以下商品信息涉嫌违法。依据《中华人民共和国电子商务法》第二十九条、"
        "《网络交易监督管理办法》等规定，请贵平台对该商品信息立即采取删除、屏蔽等必要处置措施，"
        "并协助提供卖家身份信息及相关交易记录。",
        "sections": [
            ("一、商品信息", LISTING),
            ("二、涉嫌违法情形及依据", GROUNDS + SPECIES),
            ("三、电子证据", EVIDENCE),
        ],
    },
    "notice-wildlife": {
        "title": "关于涉嫌非法交易野生动物及其制品线索的通报",
        "opening": "{{ notice.recipient }}：",
        "body": "我局在网络交易监测中发现以下商品信息涉嫌非法出售野生动物及其制品。依据《中华人民共和国野生动物保护法》"
        "等规定，现将线索通报贵单位，请依法核查处置，并将处理结果函告我局。",
        "sections": [
            ("一、商品信息", LISTING),
            ("二、物种保护级别及法律依据", SPECIES + GROUNDS),
            ("三、电子证据", EVIDENCE),
        ],
    },
    "notice-rectification": {
        "title": "{{ notice.title }}",
        "opening": "{{ notice.recipient }}：",
        "body": "我局在对平台服务协议和交易规则的监测中发现，贵平台以下格式条款涉嫌免除或者减轻经营者责任、"
        "加重消费者责任、"
        "排除或者限制消费者权利。依据《中华人民共和国电子商务法》《中华人民共和国消费者权益保护法》"
        "《合同行政监督管理办法》等规定，请贵平台对照整改。",
        "sections": [
            ("一、规则页面及电子证据", RULES_PAGE),
            ("二、涉嫌不公平的格式条款", CLAUSE),
            ("三、法律依据及整改要求", BASIS),
        ],
    },
}


def _paragraph(document: Document, text: str, *, bold: bool = False, center: bool = False) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def build(spec: dict[str, object]) -> Document:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    _paragraph(document, "{{ bureau }}", bold=True, center=True)
    _paragraph(document, str(spec["title"]), bold=True, center=True)
    _paragraph(document, "{{ notice.number }}", center=True)
    _paragraph(document, str(spec["opening"]))
    _paragraph(document, str(spec["body"]))
    for heading, lines in spec["sections"]:  # type: ignore[attr-defined]
        _paragraph(document, heading, bold=True)
        for line in lines:
            _paragraph(document, line)
    _paragraph(document, "四、回复要求", bold=True)
    for line in CLOSING:
        _paragraph(document, line)
    _paragraph(document, "{{ bureau }}")
    _paragraph(document, "{{ notice.date }}")
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write the templates to")
    parser.add_argument("--only", choices=sorted(TEMPLATES), action="append", help="build only this template")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, spec in TEMPLATES.items():
        if args.only and name not in args.only:
            continue
        path = args.out / f"{name}.docx"
        build(spec).save(str(path))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
