"""Build the generated watchlists from the reference data in ../shared/data.

* ``pipelines/watchlists/wildlife_species.yaml``: every class-I and class-II terrestrial species of the
  national list of key protected wild animals (2021), and the aquatic ones that are traded (marine mammals,
  sea turtles, crocodiles, corals, giant clams, nautilus, seahorses, sturgeons, bahaba, sharks...), as
  ``species`` terms of the category that covers their trade. A species name alone is below the lead
  threshold; a product form, trade talk or price makes it a lead.
* ``pipelines/watchlists/prohibited_weapons_lexicon.yaml``: firearm and explosive terms distilled from the
  firearms-explosives lexicon (sales phrases stripped to the goods they name).

Usage:
    python scripts/build_wildlife_watchlist.py [--data ../shared/data] [--out pipelines/watchlists]
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "pipelines" / "watchlists"

WEIGHT = {"一级": 62, "二级": 55}

# Aquatic (*) taxa kept because they are traded as products, pets or curios.
TRADED_AQUATIC_ORDERS = (
    "鲸目",
    "海牛目",
    "食肉目",
    "龟鳖目",
    "鳄目",
    "有鳞目",
    "有尾目",
    "鲟形目",
    "海龙鱼目",
    "鲈形目",
    "鼠鲨目",
    "须鲨目",
    "鲼目",
    "鹦鹉螺目",
    "帘蛤目",
    "珍珠贝目",
    "软珊瑚目",
    "角珊瑚目",
    "石珊瑚目",
    "苍珊瑚目",
    "花裸螅目",
    "鳗鲡目",
    "剑尾目",
)
TRADED_AQUATIC_CLASSES = ("珊瑚纲", "水螅纲")

# Everyday words that are also species names (鸳鸯锅, 小熊猫玩偶, 白鹤牌): they stay species terms, but count
# only in a listing that also speaks of the animal as goods (``requires``: AMBIGUOUS_CONTEXT).
AMBIGUOUS = {
    "野猫",
    "野牛",
    "马鹿",
    "鸳鸯",
    "鸿雁",
    "金雕",
    "云雀",
    "岩羊",
    "小天鹅",
    "大天鹅",
    "水鹿",
    "松鸡",
    "雪兔",
    "林雕",
    "乌雕",
    "白鹤",
    "灰鹤",
    "小熊猫",
    "金猫",
    "藏雀",
    "巨䴓",
}


# What a listing says when it sells the animal itself or a part of it, rather than a namesake.
AMBIGUOUS_CONTEXT = [
    "活体",
    "活的",
    "幼崽",
    "幼鸟",
    "雏鸟",
    "亚成",
    "成鸟",
    "一对",
    "标本",
    "野生",
    "野外",
    "刚下山",
    "皮张",
    "整张",
    "头骨",
    "角",
    "骨",
    "胆",
    "鞭",
    "肉",
    "鸟蛋",
    "种蛋",
    "放生",
    "驯养",
    "可上手",
]
# Aquatic taxa nobody trades as goods today, and the one-character names (狼, 獐, 鲥): kept, with the same
# need for context, so that every species of the list has a match term.
# The list writes 鵟 (buzzards) with a private-use code point; 𫛭 is its standard simplified form.
PRIVATE_USE = {"\ue147": "𫛭"}
TRADITIONAL_OF = {"𫛭": "鵟"}


def category_for(row: dict[str, str]) -> str:
    cls, order, family, name = row["纲"], row["目"], row["科"], row["种"]
    if "灵长目" in order:
        return "wildlife.primate"
    if "鳞甲目" in order:
        return "wildlife.pangolin"
    if "长鼻目" in order:
        return "wildlife.ivory"
    if "熊科" in family:
        return "wildlife.bear"
    if "麝科" in family:
        return "wildlife.musk"
    if "哺乳纲" in cls and (name in ("虎", "豹", "雪豹", "云豹") or name.endswith(("虎", "豹"))):
        return "wildlife.tiger_leopard"
    if name in ("高鼻羚羊", "藏羚"):
        return "wildlife.saiga"
    if "犀鸟科" in family:
        return "wildlife.hornbill"
    if "海龟科" in family or "棱皮龟科" in family:
        return "wildlife.hawksbill"
    if "鸟纲" in cls:
        return "wildlife.live_bird"
    if "爬行纲" in cls or "两栖纲" in cls:
        return "wildlife.live_reptile"
    if "珊瑚纲" in cls or "水螅纲" in cls:
        return "wildlife.coral"
    return "wildlife.other"


def clean(value: str) -> str:
    return value.replace("\u3000", "").replace("#", "").strip()


def species_name(raw: str) -> str:
    name = clean(raw).lstrip("*")
    name = re.sub(r"(属|科|目)所有种$", "", name)
    return name


def read_species(path: Path) -> list[dict[str, str]]:
    """Every row of the list, with its name in standard characters and whether it needs context."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        aquatic = "*" in row["种"]
        cls = row["纲"]
        order = clean(row["目"])
        untraded = aquatic and not (order in TRADED_AQUATIC_ORDERS or any(c in cls for c in TRADED_AQUATIC_CLASSES))
        name = "".join(PRIVATE_USE.get(c, c) for c in species_name(row["种"]))
        if any(unicodedata.category(c) == "Co" for c in name):
            raise SystemExit(f"unmapped private-use character in {row['种']!r}: add it to PRIVATE_USE")
        ambiguous = untraded or len(name) < 2 or name in AMBIGUOUS
        out.append({**row, "name": name, "ambiguous": "yes" if ambiguous else ""})
    return out


def build_species(data: Path) -> dict[str, object]:
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in read_species(data / "national-protected-wildlife-2021.csv"):
        level = row["保护级别"].strip()
        entry: dict[str, object] = {
            "term": row["name"],
            "weight": WEIGHT.get(level, 50),
            "kind": "species",
            "protection": f"国家{level}",
        }
        latin = row["学名"].strip()
        if latin and not latin.endswith("spp."):
            entry["latin"] = [latin]
        aliases = [species_name(o) for o in re.findall(r"原名“([^”]+)”", row.get("备注", ""))]
        aliases = [a for a in aliases if len(a) >= 2]
        traditional = "".join(TRADITIONAL_OF.get(c, c) for c in row["name"])
        if traditional != row["name"]:
            aliases.append(traditional)
        if aliases:
            entry["aliases"] = aliases
        if row["ambiguous"]:
            entry["requires"] = list(AMBIGUOUS_CONTEXT)
        if "仅限野外种群" in row.get("备注", ""):
            entry["note"] = "仅限野外种群 / wild populations only"
        grouped[category_for(row)].append(entry)
    categories = [{"id": cid, "terms": grouped[cid]} for cid in sorted(grouped)]
    return {
        "version": 1,
        "description": "国家重点保护野生动物名录 (2021) 物种名 / Species of the national protected-wildlife list",
        "source": "national-protected-wildlife-2021.csv (generated by scripts/build_wildlife_watchlist.py)",
        "categories": categories,
    }


SALES_NOISE = re.compile(
    r"(出售|销售|供应|专卖店?|专卖网|专营|直销|批发|买卖|购买|转让|哪里有卖?|哪里能买到|哪能买到|长期出\s*售|"
    r"QQ|电话|货到付款|联系|=|\||/|,|，|【|】|:|：|各类|各式|集团|提供|最新|里有|可验货|免收任何定金|"
    r"专业及时的|看货加|价格|有限公司|营销中心|特许经销|网)"
)
WEAPON_MORPHEMES = ("枪", "狗", "弩", "炸药", "雷管", "火药", "麻醉箭", "子弹", "铅弹", "燃烧弹", "燃烧瓶", "TNT", "C4")
WEAPON_STOP = {"猎狗", "狗", "电狗", "军狗", "枪", "弹", "各类猎狗", "高压狗"}


def build_weapons(data: Path) -> dict[str, object]:
    terms: list[str] = []
    for line in (data / "firearms-explosives-terms.txt").read_text(encoding="utf-8").splitlines():
        core = SALES_NOISE.sub(" ", line).strip()
        for part in core.split():
            part = part.strip("-–()（）.。 ")
            if not (2 <= len(part) <= 8) or part in WEAPON_STOP:
                continue
            if any(m in part for m in WEAPON_MORPHEMES) and "制作" not in part and "方法" not in part:
                terms.append(part)
    unique = sorted(dict.fromkeys(terms))
    return {
        "version": 1,
        "description": "涉枪涉爆词表 (由词表提炼的商品名) / Firearm and explosive goods from the lexicon",
        "source": "firearms-explosives-terms.txt, konsheng/Sensitive-lexicon (MIT), "
        "generated by scripts/build_wildlife_watchlist.py",
        "categories": [
            {
                "id": "prohibited.weapons",
                "terms": [{"term": t, "weight": 66, "kind": "trade_name"} for t in unique],
            }
        ],
    }


HEADER = "# Generated by scripts/build_wildlife_watchlist.py from ../shared/data; do not edit by hand.\n"


def write(path: Path, data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(HEADER + text, encoding="utf-8")
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the reference data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="watchlist folder to write")
    args = parser.parse_args()
    write(args.out / "wildlife_species.yaml", build_species(args.data))
    write(args.out / "prohibited_weapons_lexicon.yaml", build_weapons(args.data))


if __name__ == "__main__":
    main()
