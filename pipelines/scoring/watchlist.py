"""Watchlists as data: YAML files of categories, terms and context signals, validated with line numbers.

A watchlist file holds any of:

* ``categories``: a list of categories, each with its ``id`` (``family.name``), severity, legal basis,
  ``search_terms`` (what a sweep types into a search box), match ``terms`` (each with weight, aliases,
  code words, traditional-medicine, Latin, English and pinyin names, homophone variants), the
  ``product_forms`` that matter (and ``counted_forms``: measure words after which a count of thousands is a form,
  6000口 of an e-cigarette's puffs), ``innocent_phrases`` (longer words that contain a term but mean something
  else, e.g. 象牙白), category-scoped ``innocence`` / ``suspicious`` context words, its diagnostic ``traits``
  (the marks experts tell its material or animal by, 交叉纹 of ivory; suspicious words too), the ``functions`` of
  prohibited goods (what they do: 打电话就能听, 升空, 代开; they make a lead with company, see the scorer's
  function pattern), the ``defining`` properties of prohibited goods (what they are made of or give off:
  尼古丁 and 蒸汽 of e-cigarettes; they count as functions, but not right after a negation: 不含尼古丁), the
  everyday ``shapes`` the goods are sold in (笔, 棒 of an e-cigarette: company of a function or property only as
  the head of a title word, 香薰笔), the buyer's ``particulars`` goods made to order carry (名字, 照片 of a
  forged document: with a word of the buyer's choice, 要什么名字, 信息随便填, they are functions), the
  ``checkpoints`` a forged document is made to pass (闸机, 海关: after a word of passing, 过闸机, they are
  functions), the ``registries`` a genuine document is looked up in (网上, 官网, 学信网, 税务系统: with a word of
  looking it up, 网上能查, 可上网查, they are functions), the ``procedures`` a genuine document is issued after
  (体检, 考试: after a word that skips them, 不用体检, 免考试, they are functions), the ``subjects`` a person is
  found by, the ``searches`` that find them and the ``findings`` a search turns up (手机号, 查, 机主: 手机号查,
  查机主, 手机号就能查到, they are functions), the bookkeeping ``uses`` a
  bought document is put to (抵扣, 报销 of an invoice: after a word that it can be, 可抵扣, or before a word of
  purpose, 报销用, they are functions), the ``triggers`` and ``effects`` of goods told by what
  follows their use (摔 and 响, 人 and 倒地: across a word of ``effect_links``, 一摔就响, they are functions; the
  ``takers`` of a drug, 整个人 and 浑身, before an effect with or without such a word, 整个人飘), the
  ``doses`` a drug is taken by (格, 张 of a blotter: 半格, 一张一次 with a word of ``dose_portions`` or ``dose_rates``,
  they are functions), the ``wakeful`` states a stimulant's taker stays in (不困, 不累: after a word of
  ``wake_spans``, 通宵不困, 三天不困, they are functions), the
  ``remedies`` of a wildlife category's material (清热凉血 of rhino horn: the actions of its monograph, which the
  remedy pattern reads), the ``genuine`` marks of the real goods (开刃, 真刀 of a knife: shown and not denied, a shape
  word after a term, 匕首造型, no longer makes it the shape of other goods, and shape and toy words clear nothing),
  and the innocence kinds that say nothing about the category's goods (``innocence_ignored``: a live animal
  that eats fruit is not food for sale). A term with ``requires`` counts only when one of those words is in the
  same listing (a trade name that is an everyday word elsewhere: 辐射 for radiated tortoises needs 龟, 活体,
  苗子 ...).
* ``signals``: listing-wide context (evasion and trade talk, innocence kinds), the words that negate an
  innocence word right after them (不是树脂), phrases in which an innocence word says nothing about the goods
  (玻璃眼 of a specimen) and the scoring weights.

Several files may define the same category id; their terms and phrases are merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import InputFileError, TradewatchError

# kind ``animal``: a generic word for a kind of animal the national list protects (长虫 "snake"), no species: it
# counts only where the listing sells a wild one (wild provenance with a live animal, a part or a product form)
TermKind = Literal["name", "product", "species", "code_word", "tcm", "trade_name", "campaign", "animal"]
CATEGORY_ID = r"^(wildlife|prohibited)\.[a-z][a-z0-9_]*$"
SHIPPED_WATCHLISTS = Path(__file__).resolve().parent.parent / "watchlists"
# The note scripts/build_wildlife_watchlist.py gives a species the national list protects only in the wild
# (备注 仅限野外种群): bred animals of it are legal goods
WILD_ONLY_NOTE = "仅限野外种群 / wild populations only"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class TermSpec(_Model):
    """One thing the scorer looks for, with every spelling that means it."""

    term: str = Field(min_length=1)
    weight: int = Field(ge=1, le=100)
    kind: TermKind = "name"
    aliases: list[str] = Field(default_factory=list)
    code_words: list[str] = Field(default_factory=list)
    code_weight: int | None = Field(default=None, ge=1, le=100)
    tcm: list[str] = Field(default_factory=list)
    latin: list[str] = Field(default_factory=list)
    english: list[str] = Field(default_factory=list)
    english_sources: dict[str, str] = Field(
        default_factory=dict, description="Where a generated English name came from (a dictionary line), by name."
    )
    pinyin: list[str] = Field(default_factory=list)
    variants: list[str] = Field(default_factory=list)
    auto_pinyin: bool | None = None
    requires: list[str] = Field(default_factory=list)
    protection: str | None = None
    cites: str | None = None
    note: str | None = None
    accepted_by: str | None = Field(default=None, description="The officer who added the term to a bureau list.")
    accepted_at: str | None = Field(default=None, description="When (ISO 8601, UTC).")
    source: str | None = Field(default=None, description="Where a generated term came from (a dictionary line).")


class RemedySynonym(_Model):
    """A dictionary word that says what an action of a monograph says (催奶 "to promote lactation" for 下乳)."""

    word: str = Field(min_length=2)
    action: str = Field(min_length=2)
    source: str | None = Field(default=None, description="The dictionary line that says so.")


class PetBreed(_Model):
    """A dictionary word whose first sense is a breed of a pet animal (二哈 "husky (dog)" of 狗)."""

    word: str = Field(min_length=2)
    pet: str = Field(min_length=1)
    source: str | None = Field(default=None, description="The dictionary line that says so.")


class PartCompound(_Model):
    """A dictionary word that holds a one-character animal part and means that part (苦胆 "gall bladder")."""

    word: str = Field(min_length=2)
    part: str = Field(min_length=1, max_length=1)
    source: str | None = Field(default=None, description="The dictionary line that says so.")


class PartContainer(_Model):
    """A dictionary word that holds a part word and means something else (边角料 "scrap" holds 角料)."""

    word: str = Field(min_length=3)
    part: str = Field(min_length=2)
    source: str | None = Field(default=None, description="The dictionary line that says so.")


class ProductHead(_Model):
    """A dictionary word whose first sense is an ordinary product of a kind no animal is made into and no prohibited
    goods hide in (地板 "floor", 牙套 "orthodontic brace")."""

    word: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    source: str | None = Field(default=None, description="The dictionary line that says so.")


class Shorthand(_Model):
    """A character a dealer writes for a wildlife term before a part (瑁甲 for 玳瑁's shell, 兕角 for rhino horn)."""

    char: str = Field(min_length=1, max_length=1)
    term: str = Field(min_length=1)
    category: str = Field(pattern=r"^wildlife\.[a-z][a-z0-9_]*$")
    source: str | None = Field(default=None, description="The dictionary line that says so.")


class MarkParaphrases(_Model):
    """The ways sellers write a mark (纹 as 纹路, 的纹理) that a trait or suspicious word ends in."""

    mark: str = Field(min_length=1)
    ways: list[str] = Field(default_factory=list)
    # other heads sellers end the same mark in (铜钱斑 as 铜钱纹, 铜钱花), after a stem that ends in no colour
    heads: list[str] = Field(default_factory=list)


class PeltMarks(_Model):
    """A pelt told by its ground colour and mark (黄底黑圈, 灰白底色带黑色环斑) rather than named: a colour before a
    ground, then an ink before a mark, generated; a diagnostic trait of ``category`` only beside one of ``forms``."""

    category: str = Field(min_length=1)
    colours: list[str] = Field(default_factory=list)
    grounds: list[str] = Field(default_factory=list)
    inks: list[str] = Field(default_factory=list)
    marks: list[str] = Field(default_factory=list)
    forms: list[str] = Field(default_factory=list)

    def ground_words(self) -> list[str]:
        """Each colour before each ground (黄底, 灰白底色)."""
        return [colour + ground for colour in self.colours for ground in self.grounds]

    def mark_words(self) -> list[str]:
        """Each ink before each mark (黑圈, 黑色环斑)."""
        return [ink + mark for ink in self.inks for mark in self.marks]


class CaughtAnimal(_Model):
    """A generic word for an animal (鸟, 小家伙) that, right after a capture, is the live animal caught."""

    word: str = Field(min_length=1)
    category: str | None = Field(default=None, description="The category it names; None: the listing's traits.")


class PartsCategory(_Model):
    """The category that files the dead animals and parts of a live-animal category's goods."""

    live: str = Field(pattern=CATEGORY_ID)
    parts: str = Field(pattern=CATEGORY_ID)
    dead_forms: list[str] = Field(
        default_factory=list, description="The goods of this category alone sold dead, beside the shared dead_forms."
    )
    goods_of: list[str] = Field(
        default_factory=list,
        description="Categories of the animal's goods (a sea turtle's shell) whose listing sells the animal alive.",
    )


class OriginCategory(_Model):
    """Goods told only by a code word or an unnamed pattern whose origin and kind the listing states (a shell from
    the sea), filed under the one category such goods can be."""

    origins: list[str] = Field(min_length=1)
    goods: list[str] = Field(min_length=1)
    category: str = Field(pattern=CATEGORY_ID)
    instead_of: list[str] = Field(
        default_factory=list, description="The categories it takes the goods from; empty: any of its family."
    )


class SignalSpec(_Model):
    """Listing-wide context words and the points they carry."""

    evasion: list[str] = Field(default_factory=list)
    route_refusals: list[str] = Field(default_factory=list)
    routes: list[str] = Field(default_factory=list)
    english_refusals: list[str] = Field(default_factory=list)
    english_channels: list[str] = Field(default_factory=list)
    english_handovers: list[str] = Field(default_factory=list)
    english_only: list[str] = Field(default_factory=list)
    english_uncountable: list[str] = Field(default_factory=list)
    handovers: list[str] = Field(default_factory=list)
    only_words: list[str] = Field(default_factory=list)
    deal_words: list[str] = Field(default_factory=list)
    local_places: list[str] = Field(default_factory=list)
    acquaintances: list[str] = Field(default_factory=list)
    serving_verbs: list[str] = Field(default_factory=list)
    talk_places: list[str] = Field(default_factory=list)
    talk_refusals: list[str] = Field(default_factory=list)
    talk_verbs: list[str] = Field(default_factory=list)
    ban_holders: list[str] = Field(default_factory=list)
    ban_verbs: list[str] = Field(default_factory=list)
    exposure_verbs: list[str] = Field(default_factory=list)
    passing_verbs: list[str] = Field(default_factory=list)
    lookup_modals: list[str] = Field(default_factory=list)
    skip_markers: list[str] = Field(default_factory=list)
    lookup_verbs: list[str] = Field(default_factory=list)
    purpose_markers: list[str] = Field(default_factory=list)
    likeness_markers: list[str] = Field(default_factory=list)
    likeness_endings: list[str] = Field(default_factory=list)
    appearance_links: list[str] = Field(default_factory=list)
    exposure_links: list[str] = Field(default_factory=list)
    exposure_doses: list[str] = Field(default_factory=list)
    calibres: list[str] = Field(default_factory=list)
    barrel_words: list[str] = Field(default_factory=list)
    round_units: list[str] = Field(default_factory=list)
    measure_units: list[str] = Field(default_factory=list)
    bore_goods: list[str] = Field(default_factory=list)
    bore_characters: list[str] = Field(default_factory=list)
    bore_measures: list[str] = Field(default_factory=list)
    decay_states: list[str] = Field(default_factory=list)
    decay_links: list[str] = Field(default_factory=list)
    decay_actions: list[str] = Field(default_factory=list)
    effect_links: list[str] = Field(default_factory=list)
    lacking_words: list[str] = Field(default_factory=list)
    dose_portions: list[str] = Field(default_factory=list)
    dose_rates: list[str] = Field(default_factory=list)
    wake_spans: list[str] = Field(default_factory=list)
    wake_links: list[str] = Field(default_factory=list)
    duty_markets: list[str] = Field(default_factory=list)
    device_heads: list[list[str]] = Field(default_factory=list)
    trade: list[str] = Field(default_factory=list)
    innocence: dict[str, list[str]] = Field(default_factory=dict)
    innocent_phrases: list[str] = Field(default_factory=list)
    negations: list[str] = Field(default_factory=list)
    inability_markers: list[str] = Field(default_factory=list)
    neutral_phrases: list[str] = Field(default_factory=list)
    animal_parts: list[str] = Field(default_factory=list)
    body_forms: list[str] = Field(default_factory=list)
    inner_parts: list[str] = Field(default_factory=list)
    part_positions: list[str] = Field(default_factory=list)
    part_compounds: list[PartCompound] = Field(default_factory=list)
    part_containers: list[PartContainer] = Field(default_factory=list)
    remedy_synonyms: list[RemedySynonym] = Field(default_factory=list)
    pet_breeds: list[PetBreed] = Field(default_factory=list)
    shorthands: list[Shorthand] = Field(default_factory=list)
    plant_heads: list[str] = Field(default_factory=list)
    product_heads: list[ProductHead] = Field(default_factory=list)
    product_head_others: list[str] = Field(default_factory=list)
    cage_heads: list[str] = Field(default_factory=list)
    shop_heads: list[str] = Field(default_factory=list)
    brand_marks: list[str] = Field(default_factory=list)
    blade_goods: list[str] = Field(default_factory=list)
    blade_characters: list[str] = Field(default_factory=list)
    blade_uses: list[str] = Field(default_factory=list)
    defence_words: list[str] = Field(default_factory=list)
    wild_provenance: list[str] = Field(default_factory=list)
    arrival_verbs: list[str] = Field(default_factory=list)
    origin_links: list[str] = Field(default_factory=list)
    fresh_forms: list[str] = Field(default_factory=list)
    offline_notes: list[str] = Field(default_factory=list)
    handover_refusals: list[str] = Field(default_factory=list)
    offline_wholes: list[str] = Field(default_factory=list)
    young_animals: list[str] = Field(default_factory=list)
    feeding_verbs: list[str] = Field(default_factory=list)
    use_place_markers: list[str] = Field(default_factory=list)
    eating_words: list[str] = Field(default_factory=list)
    send_refusals: list[str] = Field(default_factory=list)
    farmed_animals: list[str] = Field(default_factory=list)
    bred_provenance: list[str] = Field(default_factory=list)
    licence_papers: list[str] = Field(default_factory=list)
    pet_animals: list[str] = Field(default_factory=list)
    papers: list[str] = Field(default_factory=list)
    capture_places: list[str] = Field(default_factory=list)
    capture_sites: list[str] = Field(default_factory=list)
    capture_doers: list[str] = Field(default_factory=list)
    capture_verbs: list[str] = Field(default_factory=list)
    hunting_verbs: list[str] = Field(default_factory=list)
    caught_animals: list[CaughtAnimal] = Field(default_factory=list)
    concealment: list[str] = Field(default_factory=list)
    identity_nouns: list[str] = Field(default_factory=list)
    goods_nouns: list[str] = Field(default_factory=list)
    name_nouns: list[str] = Field(default_factory=list)
    naming_verbs: list[str] = Field(default_factory=list)
    other_words: list[str] = Field(default_factory=list)
    cover_names: list[str] = Field(default_factory=list)
    removal_fears: list[str] = Field(default_factory=list)
    removals: list[str] = Field(default_factory=list)
    spelling_ways: list[str] = Field(default_factory=list)
    spelling_verbs: list[str] = Field(default_factory=list)
    mark_paraphrases: list[MarkParaphrases] = Field(default_factory=list)
    pelt_marks: list[PeltMarks] = Field(default_factory=list)
    source_nouns: list[str] = Field(default_factory=list)
    purpose_nouns: list[str] = Field(default_factory=list)
    withholding_verbs: list[str] = Field(default_factory=list)
    asking_verbs: list[str] = Field(default_factory=list)
    identity_questions: list[str] = Field(default_factory=list)
    knowing_verbs: list[str] = Field(default_factory=list)
    cover_markers: list[str] = Field(default_factory=list)
    cover_after_markers: list[str] = Field(default_factory=list)
    made_into_markers: list[str] = Field(default_factory=list)
    extras_before: list[str] = Field(default_factory=list)
    extras_after: list[str] = Field(default_factory=list)
    reveal_markers: list[str] = Field(default_factory=list)
    refusal_markers: list[str] = Field(default_factory=list)
    buyer_choice_before: list[str] = Field(default_factory=list)
    buyer_choice_after: list[str] = Field(default_factory=list)
    showing_verbs: list[str] = Field(default_factory=list)
    service_verbs: list[str] = Field(default_factory=list)
    depictions: list[str] = Field(default_factory=list)
    use_markers: list[str] = Field(default_factory=list)
    suit_markers: list[str] = Field(default_factory=list)
    buyer_nouns: list[str] = Field(default_factory=list)
    vessel_heads: list[str] = Field(default_factory=list)
    vessel_after: list[str] = Field(default_factory=list)
    packing_markers: list[str] = Field(default_factory=list)
    choice_words: list[str] = Field(default_factory=list)
    choice_markers: list[str] = Field(default_factory=list)
    comparison_markers: list[str] = Field(default_factory=list)
    difference_markers: list[str] = Field(default_factory=list)
    comparative_markers: list[str] = Field(default_factory=list)
    lesser_markers: list[str] = Field(default_factory=list)
    material_kinds: list[str] = Field(default_factory=list)
    material_before: list[str] = Field(default_factory=list)
    material_after: list[str] = Field(default_factory=list)
    material_others: list[str] = Field(default_factory=list)
    flavour_markers: list[str] = Field(default_factory=list)
    live_forms: list[str] = Field(default_factory=list)
    dead_forms: list[str] = Field(default_factory=list)
    parts_categories: list[PartsCategory] = Field(default_factory=list)
    origin_categories: list[OriginCategory] = Field(default_factory=list)
    english_live_forms: list[str] = Field(default_factory=list)
    commerce: list[str] = Field(default_factory=list)
    accessory_kinds: list[str] = Field(default_factory=list)
    term_negations: list[str] = Field(default_factory=list)
    trade_denials: list[str] = Field(default_factory=list)
    imitation_markers: list[str] = Field(default_factory=list)
    substitute_markers: list[str] = Field(default_factory=list)
    unrelated_markers: list[str] = Field(default_factory=list)
    simile_markers: list[str] = Field(default_factory=list)
    shape_markers: list[str] = Field(default_factory=list)
    goods_heads: list[str] = Field(default_factory=list)
    goods_characters: list[str] = Field(default_factory=list)
    gun_parts: list[str] = Field(default_factory=list)
    accessory_heads: list[str] = Field(default_factory=list)
    fitting_heads: list[str] = Field(default_factory=list)
    fitting_markers: list[str] = Field(default_factory=list)
    fitting_kinds: list[str] = Field(default_factory=list)
    part_owners: list[str] = Field(default_factory=list)
    form_kinds: list[str] = Field(default_factory=list)
    homonym_kinds: list[str] = Field(default_factory=list)
    namesake_kinds: list[str] = Field(default_factory=list)
    namesake_materials: list[str] = Field(default_factory=list)
    weights: dict[str, float] = Field(default_factory=dict)


_SIGNAL_LISTS = tuple(name for name, info in SignalSpec.model_fields.items() if name not in ("innocence", "weights"))


class CategorySpec(_Model):
    id: str = Field(pattern=CATEGORY_ID)
    name_zh: str | None = None
    name_en: str | None = None
    severity: float | None = Field(default=None, gt=0, le=1)
    legal_basis: dict[str, str] | None = None
    ordinary_price_max: float | None = Field(default=None, gt=0)
    product_forms: list[str] = Field(default_factory=list)
    counted_forms: list[str] = Field(default_factory=list)
    search_terms: list[str] = Field(default_factory=list)
    terms: list[TermSpec] = Field(default_factory=list)
    innocent_phrases: list[str] = Field(default_factory=list)
    innocence: list[str] = Field(default_factory=list)
    innocence_ignored: list[str] = Field(default_factory=list)
    suspicious: list[str] = Field(default_factory=list)
    functions: list[str] = Field(default_factory=list)
    defining: list[str] = Field(default_factory=list)
    shapes: list[str] = Field(default_factory=list)
    particulars: list[str] = Field(default_factory=list)
    checkpoints: list[str] = Field(default_factory=list)
    registries: list[str] = Field(default_factory=list)
    procedures: list[str] = Field(default_factory=list)
    subjects: list[str] = Field(default_factory=list)
    searches: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    uses: list[str] = Field(default_factory=list)
    originals: list[str] = Field(default_factory=list)
    appearances: list[str] = Field(default_factory=list)
    harms: list[str] = Field(default_factory=list)
    victims: list[str] = Field(default_factory=list)
    triggers: list[str] = Field(default_factory=list)
    effects: list[str] = Field(default_factory=list)
    takers: list[str] = Field(default_factory=list)
    duty_marks: list[str] = Field(default_factory=list)
    doses: list[str] = Field(default_factory=list)
    wakeful: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)
    genuine: list[str] = Field(default_factory=list)
    remedies: list[str] = Field(default_factory=list)


class WatchlistFile(_Model):
    version: int = 1
    description: str | None = None
    source: str | None = None
    categories: list[CategorySpec] = Field(default_factory=list)
    signals: SignalSpec | None = None

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != 1:
            raise ValueError("only version 1 is known")
        return value


# ---------------------------------------------------------------------------------------------- loading


_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that remembers the line of every mapping and sequence item."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = lines
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list[Any]:
    items = loader.construct_sequence(node, deep=True)
    return _LineList(items, [item.start_mark.line + 1 for item in node.value])


class _LineList(list[Any]):
    def __init__(self, items: Iterable[Any], lines: list[int]) -> None:
        super().__init__(items)
        self.lines = lines


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _line_of(data: Any, loc: Sequence[int | str]) -> int | None:
    """The deepest known line for a pydantic error location."""
    line: int | None = data.get("__line__") if isinstance(data, dict) else None
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str):
            line = node.get("__lines__", {}).get(part, line)
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            if isinstance(node, _LineList):
                line = node.lines[part]
            node = node[part]
        else:
            break
        if isinstance(node, dict) and "__line__" in node:
            line = node["__line__"]
    return line


def _strip_lines(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_lines(v) for k, v in data.items() if k not in ("__line__", "__lines__")}
    if isinstance(data, list):
        return [_strip_lines(v) for v in data]
    return data


@dataclass
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass
class LoadedFile:
    path: str
    model: WatchlistFile
    raw: Any
    term_lines: dict[tuple[str, str], int] = field(default_factory=dict)


def parse_file(path: Path | str, text: str | None = None) -> tuple[LoadedFile | None, list[Problem]]:
    """Parse and validate one watchlist file; problems carry file and line."""
    name = str(path)
    try:
        content = Path(path).read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(name, None, f"cannot read: {error}")]
    try:
        raw = yaml.load(content, Loader=_LineLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(name, line, f"YAML: {reason}")]
    if not isinstance(raw, dict):
        return None, [Problem(name, 1, "a watchlist is a mapping with `categories` and/or `signals`")]
    try:
        model = WatchlistFile.model_validate(_strip_lines(raw))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = [p for p in item["loc"] if isinstance(p, int | str)]
            where = ".".join(str(p) for p in loc) or "(file)"
            problems.append(Problem(name, _line_of(raw, loc), f"{where}: {item['msg']}"))
        return None, problems
    loaded = LoadedFile(name, model, raw)
    for ci, category in enumerate(raw.get("categories") or []):
        for ti, _term in enumerate(category.get("terms") or [] if isinstance(category, dict) else []):
            loaded.term_lines[(model.categories[ci].id, model.categories[ci].terms[ti].term)] = (
                _line_of(raw, ["categories", ci, "terms", ti]) or 0
            )
    return loaded, []


def shipped_paths() -> list[Path]:
    """The watchlists shipped with tradewatch (``pipelines/watchlists/*.yaml``)."""
    return sorted(p for p in SHIPPED_WATCHLISTS.iterdir() if p.suffix in (".yaml", ".yml"))


def bureau_dir() -> Path:
    """The bureau's own watchlists (``TRADEWATCH_HOME/watchlists/``), loaded beside the shipped ones."""
    from core.config import get_settings

    return get_settings().resolved_home / "watchlists"


def bureau_paths() -> list[Path]:
    folder = bureau_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def expand_paths(paths: Sequence[Path | str] | None) -> list[Path]:
    """The given files and folders' watchlists; none given: the shipped ones and the bureau's own."""
    if not paths:
        return [*shipped_paths(), *bureau_paths()]
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out


@dataclass
class Category:
    """A category merged over all files."""

    id: str
    name_zh: str | None = None
    name_en: str | None = None
    severity: float = 1.0
    legal_basis: dict[str, str] = field(default_factory=dict)
    ordinary_price_max: float | None = None
    product_forms: list[str] = field(default_factory=list)
    search_terms: list[str] = field(default_factory=list)
    terms: list[TermSpec] = field(default_factory=list)
    innocent_phrases: list[str] = field(default_factory=list)
    innocence: list[str] = field(default_factory=list)
    innocence_ignored: list[str] = field(default_factory=list)
    suspicious: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    defining: list[str] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    particulars: list[str] = field(default_factory=list)
    # the checks a forged document is made to pass (闸机, 海关): after a ``passing_verbs`` word, functions
    checkpoints: list[str] = field(default_factory=list)
    # the official systems a genuine document is looked up in (网上, 官网, 学信网): with a ``lookup_modals`` and a
    # ``lookup_verbs`` word (网上能查, 可上网查), functions
    registries: list[str] = field(default_factory=list)
    # the steps a genuine document is issued after (体检, 考试, 本人到场): after a ``skip_markers`` word (不用体检,
    # 免考试), functions
    procedures: list[str] = field(default_factory=list)
    # the data a person is found by (手机号, 身份证号), the words of finding them (查, 查到, 定位) and what is found of
    # them (机主, 住址, 实时位置): a subject before a search, directly or across a ``lookup_modals`` word (手机号查,
    # 手机号就能查到), or a search before a finding (查机主, 查到实时位置), functions
    subjects: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    # what a bought invoice is for in the buyer's books (抵扣, 报销): after a ``lookup_modals`` word (可抵扣) or
    # before a ``purpose_markers`` word (报销用), functions
    uses: list[str] = field(default_factory=list)
    # the genuine article a forgery is said to match (真的, 原件, 备案的): with a ``likeness_markers`` word before and
    # a ``likeness_endings`` word after (跟真的一样, 和备案的一模一样), functions
    originals: list[str] = field(default_factory=list)
    # the words of the goods' look (外观, 外形, 看起来): before an ``appearance_links`` word (外观就是个, 外形像), the
    # everyday thing the goods pass for follows: functions
    appearances: list[str] = field(default_factory=list)
    harms: list[str] = field(default_factory=list)
    # what a poison's harm befalls that tells the banned kind (根 of a weed, which an ordinary herbicide spares)
    victims: list[str] = field(default_factory=list)
    # what sets the goods off or what they are used on (摔, 点 of a firecracker; 人 of a stun device; 手机 of a
    # jammer), and what follows it (响, 倒地, 没信号): across an ``effect_links`` word, functions
    triggers: list[str] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    # the whole of the person a drug is taken by (整个人, 浑身): before an effect, directly or across an
    # ``effect_links`` word (整个人飘, 身体轻飘飘), functions; no everyday word ends in them as 老人 ends in 人
    takers: list[str] = field(default_factory=list)
    # the marks duty-paid goods of the category bear (税票, 条码, 中文警示 of cigarettes): after a ``lacking_words``
    # word (没有条码, 无中文警示), functions: goods that go without them were smuggled or made untaxed
    duty_marks: list[str] = field(default_factory=list)
    # the units a drug is taken by (格, 张 of a blotter; 片, 粒 of a pill): a portion of one (半格) or one of them a
    # time (一张一次), words of ``dose_portions`` and ``dose_rates``, are functions: a dose told out
    doses: list[str] = field(default_factory=list)
    # what a stimulant's taker stays (不困, 不累): after a ``wake_spans`` word (通宵不困, 三天不困), functions
    wakeful: list[str] = field(default_factory=list)
    # the diagnostic marks of the material or animal (交叉纹 of ivory, 毛发纤维 of rhino horn): suspicious words too
    traits: list[str] = field(default_factory=list)
    # what the real goods have that no shape, model or toy of them has (开刃, 真刀 of a knife): shown and not denied, a
    # shape word after a term (匕首造型) no longer reads it as the shape of other goods, nor do shape and toy words
    # count as innocence
    genuine: list[str] = field(default_factory=list)
    # what the material does as a medicine, in the words of its pharmacopoeia monograph (清热凉血 解毒定惊 of rhino
    # horn): the remedy pattern reads a medicine sold by its effect from them
    remedies: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass
class Watchlists:
    categories: dict[str, Category]
    signals: SignalSpec
    files: list[LoadedFile]


def merge(files: Sequence[LoadedFile]) -> Watchlists:
    categories: dict[str, Category] = {}
    # every list of the signals is merged by concatenation, innocence by kind, weights by update
    lists: dict[str, list[Any]] = {name: [] for name in _SIGNAL_LISTS}
    innocence: dict[str, list[str]] = {}
    weights: dict[str, float] = {}
    for loaded in files:
        for spec in loaded.model.categories:
            cat = categories.setdefault(spec.id, Category(spec.id))
            cat.sources.append(loaded.path)
            cat.name_zh = cat.name_zh or spec.name_zh
            cat.name_en = cat.name_en or spec.name_en
            if spec.severity is not None:
                cat.severity = spec.severity
            if spec.legal_basis:
                cat.legal_basis.update(spec.legal_basis)
            if spec.ordinary_price_max is not None:
                cat.ordinary_price_max = spec.ordinary_price_max
            cat.product_forms.extend(spec.product_forms)
            cat.product_forms.extend(f for f in counted_forms(spec.counted_forms) if f not in cat.product_forms)
            cat.search_terms.extend(spec.search_terms)
            cat.terms.extend(spec.terms)
            cat.innocent_phrases.extend(spec.innocent_phrases)
            cat.innocence.extend(spec.innocence)
            cat.innocence_ignored.extend(spec.innocence_ignored)
            cat.suspicious.extend(spec.suspicious)
            cat.functions.extend(spec.functions)
            cat.defining.extend(spec.defining)
            cat.shapes.extend(spec.shapes)
            cat.particulars.extend(spec.particulars)
            cat.checkpoints.extend(spec.checkpoints)
            cat.registries.extend(spec.registries)
            cat.procedures.extend(spec.procedures)
            cat.subjects.extend(spec.subjects)
            cat.searches.extend(spec.searches)
            cat.findings.extend(spec.findings)
            cat.uses.extend(spec.uses)
            cat.originals.extend(spec.originals)
            cat.appearances.extend(spec.appearances)
            cat.harms.extend(spec.harms)
            cat.victims.extend(spec.victims)
            cat.triggers.extend(spec.triggers)
            cat.effects.extend(spec.effects)
            cat.takers.extend(spec.takers)
            cat.duty_marks.extend(spec.duty_marks)
            cat.doses.extend(spec.doses)
            cat.wakeful.extend(spec.wakeful)
            cat.traits.extend(spec.traits)
            cat.genuine.extend(spec.genuine)
            cat.remedies.extend(spec.remedies)
            cat.suspicious.extend(w for w in spec.traits if w not in cat.suspicious)
        sig = loaded.model.signals
        if sig is not None:
            for name in _SIGNAL_LISTS:
                lists[name].extend(getattr(sig, name))
            for kind, words in sig.innocence.items():
                innocence.setdefault(kind, []).extend(words)
            weights.update(sig.weights)
    signals = SignalSpec(innocence=innocence, weights=weights, **lists)
    return Watchlists(categories, signals, list(files))


def _each_after(words: Sequence[str], befores: Sequence[str]) -> tuple[str, ...]:
    """Each of ``words`` after each of ``befores`` (没有 + 税票), once each, in the words' order: the phrases the
    generators below make from a category's list and a signal list."""
    return tuple(dict.fromkeys(before + word for word in words for before in befores))


_THOUSANDS_ZH = ("一", "两", "二", "三", "四", "五", "六", "七", "八", "九")


def counted_forms(measures: Sequence[str]) -> tuple[str, ...]:
    """Product forms told by a count in thousands (6000口, 八千口, 一万口, 1.5万口 of a disposable e-cigarette's
    puffs): each of a category's ``counted_forms`` measure words after a round count of thousands up to twenty
    thousand, in Arabic digits or Chinese numerals, generated so that no count is typed by hand. A count of
    thousands is what goods sold by the measure print on their box; a small count (一口, 两口) is everyday speech."""
    counts = (
        *(f"{k}000" for k in range(1, 21)),
        *(f"{k}千" for k in range(1, 10)),
        *(f"{n}千" for n in _THOUSANDS_ZH),
        *(f"{n}万" for n in ("1", "2", "一", "两", "二")),
        *(f"1.{k}万" for k in range(1, 10)),
    )
    return _each_after(measures, counts)


def made_to_order(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What goods made to the buyer's particulars say of themselves (要什么名字, 信息随便填, 照片自己提供): each of
    the category's ``particulars`` after a ``buyer_choice_before`` word or before a ``buyer_choice_after`` word,
    generated so that no phrase is typed by hand."""
    before = (b + noun for noun in category.particulars for b in signals.buyer_choice_before)
    after = (noun + a for noun in category.particulars for a in signals.buyer_choice_after)
    return tuple(dict.fromkeys((*before, *after)))


def passing_checks(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a forged document says it does (过闸机, 可过海关, 刷得过边检): each of the category's ``checkpoints``
    after a ``passing_verbs`` word, generated so that no phrase is typed by hand."""
    return _each_after(category.checkpoints, signals.passing_verbs)


def told_by_lookup(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a forged document promises the buyer's checker (网上能查, 可上网查, 学信网可查, 税务系统可验): each of the
    category's ``registries`` before or after a ``lookup_modals`` word and before a ``lookup_verbs`` word, generated
    so that no phrase is typed by hand. A bare 可查 is everyday text (序列号可查 of a phone, 溯源码可查 of bird's nest);
    the official system named is what a genuine document alone is entered into."""
    return tuple(
        dict.fromkeys(
            way + verb
            for registry in category.registries
            for modal in signals.lookup_modals
            for way in (registry + modal, modal + registry)
            for verb in signals.lookup_verbs
        )
    )


def told_by_skipped_step(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a document issued without its issuing step says (不用体检, 免考试, 无需本人到场): each of the category's
    ``procedures`` after a ``skip_markers`` word, generated so that no phrase is typed by hand. A genuine health
    certificate or licence is issued only after the check, the exam or the holder's visit; a clinic that does the
    check says 体检 without a word that skips it. A phrase the category lists as suspicious (免体检) stays one."""
    phrases = _each_after(category.procedures, signals.skip_markers)
    return tuple(p for p in phrases if p not in category.suspicious)


def told_by_search(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a service that finds people through their data says it does (手机号查机主, 给个手机号就能查到实时位置,
    手机号定位): each of the category's ``subjects`` before one of its ``searches``, directly or across a
    ``lookup_modals`` word, and each search before one of its ``findings``, generated so that no phrase is typed by
    hand. A number or a place alone is everyday text (手机号 of a phone shop, 实时位置 of a
    child's watch); the person behind it looked up is the trade (刑法第二百五十三条之一)."""
    return tuple(
        dict.fromkeys(
            (
                *(
                    subject + modal + way
                    for subject in category.subjects
                    for modal in ("", *signals.lookup_modals)
                    for way in category.searches
                ),
                *(search + finding for search in category.searches for finding in category.findings),
            )
        )
    )


def told_by_use(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a bought invoice is for (可抵扣, 能报销, 报销用, 做账用, 抵扣报销): each of the category's ``uses`` after a
    ``lookup_modals`` word, before a ``purpose_markers`` word or beside another use, generated so that no phrase is
    typed by hand. A shop that issues a genuine invoice says 可开发票; the buyer's books named as the purpose are
    the trade's."""
    uses = category.uses
    return tuple(
        dict.fromkeys(
            (
                *(modal + use for use in uses for modal in signals.lookup_modals),
                *(use + marker for use in uses for marker in signals.purpose_markers),
                *(use + other for use in uses for other in uses if other != use),
            )
        )
    )


def told_by_likeness(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a forgery says of itself (跟真的一样, 和备案的一模一样, 与原件没区别): each of the category's
    ``originals`` after a ``likeness_markers`` word and before a ``likeness_endings`` word, directly or across 的,
    generated so that no phrase is typed by hand. Imitation goods say as much of their looks (声音跟真的一样 of an
    electric firecracker): a function, it makes a lead only with the company of the category's words."""
    return tuple(
        dict.fromkeys(
            marker + original + link + ending
            for original in category.originals
            for marker in signals.likeness_markers
            for link in ("", "的")
            for ending in signals.likeness_endings
        )
    )


def told_by_appearance(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What goods disguised as an everyday thing say of themselves (外观就是个普通充电头, 外形像充电宝, 看起来就是
    一支笔): each of the category's ``appearances`` before an ``appearance_links`` word, generated so that no phrase
    is typed by hand. A look-alike says as much of what it imitates (看着像老料): a function, it makes a lead only
    with the company of the category's words."""
    return tuple(dict.fromkeys(look + link for look in category.appearances for link in signals.appearance_links))


def told_by_harm(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a poison sold by its effect says of itself (闻到就死, 吃了就倒, 沾上就死; 一粒倒, 一滴就死): each of the
    category's ``harms`` after an ``exposure_verbs`` word and an ``exposure_links`` word, or right after an
    ``exposure_doses`` word or after it and 就, generated so that no phrase is typed by hand."""
    met = (verb + link for verb in signals.exposure_verbs for link in signals.exposure_links)
    dosed = (dose + link for dose in signals.exposure_doses for link in ("", "就"))
    return tuple(dict.fromkeys(way + harm for way in (*met, *dosed) for harm in category.harms))


def told_by_victim(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a poison says of what it kills when that tells the banned kind (草死根烂, 根都烂, 断根 of a herbicide that
    kills the weed's root): each of the category's ``victims`` before a ``decay_states`` word, directly or across a
    ``decay_links`` word, or after a ``decay_actions`` word, generated so that no phrase is typed by hand. They are
    the word of a banned product an everyday name needs (除草剂 根都烂), not functions: a registered herbicide kills
    roots too, and its name (草甘膦) still clears the listing."""
    states = (
        victim + link + state
        for victim in category.victims
        for link in ("", *signals.decay_links)
        for state in signals.decay_states
    )
    actions = (action + victim for victim in category.victims for action in signals.decay_actions)
    return tuple(dict.fromkeys((*states, *actions)))


def told_by_effect(category: Category, signals: SignalSpec) -> dict[str, tuple[str, str, str]]:
    """What goods sold by what they do say of themselves (一摔就响 of a firecracker, 人就倒 of a stun device,
    手机全没信号 of a jammer): each of the category's ``triggers`` before one of its ``effects`` across an
    ``effect_links`` word, generated so that no phrase is typed by hand, with the words each is made of. A link
    is never empty: 人倒 starts 老人倒车, and a phone without signal (手机没信号) is the trouble a repeater sells its
    cure for, where a jammer boasts that every phone around (手机全没信号) has none."""
    told = {
        trigger + link + effect: (trigger, link, effect)
        for trigger in category.triggers
        for link in signals.effect_links
        for effect in category.effects
    }
    # the whole of a drug's taker (整个人, 浑身) needs no link: it starts no everyday word, as 人 starts 老人倒车
    for taker in category.takers:
        for link in ("", *signals.effect_links):
            for effect in category.effects:
                told.setdefault(taker + link + effect, (taker, link, effect))
    return told


def told_by_missing_marks(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What untaxed or smuggled goods say of themselves (没有税票, 无中文警示, 没贴条码 of cigarettes): each of the
    category's ``duty_marks`` after a ``lacking_words`` word, generated so that no phrase is typed by hand. Goods
    sold in the shops bear the marks of their duty and of the market they were made for; a seller who points out
    that they lack them sells goods that bypassed both. The market a mark is of may stand between (没有国内税标,
    无大陆的中文警示): goods made for another market lack ours."""
    markets = ("", *(market + tie for market in signals.duty_markets for tie in ("", "的")))
    return _each_after(category.duty_marks, [word + market for word in signals.lacking_words for market in markets])


def told_by_dose(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a drug's seller says of the dose (新手半张起步, 先从半片开始, 一格一次 of a blotter cut into squares): a
    ``dose_portions`` word before each of the category's ``doses`` and one of them before a ``dose_rates`` word,
    generated so that no phrase is typed by hand. A shop measures goods by the piece and the box; only what is
    taken does a seller count out by the half-square and by the time it lasts."""
    portions = _each_after(category.doses, signals.dose_portions)
    rates = tuple("一" + dose + rate for dose in category.doses for rate in signals.dose_rates)
    return tuple(dict.fromkeys((*portions, *rates)))


def told_by_wakefulness(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """What a stimulant's seller boasts of (一颗通宵不困, 三天不困, 整晚都不累): a ``wake_spans`` word before
    one of the category's ``wakeful`` states, directly or across a ``wake_links`` word, generated so that no phrase
    is typed by hand. Coffee keeps a drinker up for an evening; a span through the night or over days is a drug's."""
    return tuple(
        dict.fromkeys(
            span + link + state
            for span in signals.wake_spans
            for link in signals.wake_links
            for state in category.wakeful
        )
    )


def generated_functions(category: Category, signals: SignalSpec) -> tuple[str, ...]:
    """The category's functions generated from its data: goods made to order, a document told by the checks it
    passes, by the system it is looked up in, by the buyer's books or by its likeness to the genuine one, goods
    disguised as an everyday thing, a poison told by its harm, goods told by their effect and untaxed goods told by
    the marks they lack, and a drug told by its dose and by how long its taker stays up."""
    return (
        *made_to_order(category, signals),
        *passing_checks(category, signals),
        *told_by_lookup(category, signals),
        *told_by_skipped_step(category, signals),
        *told_by_search(category, signals),
        *told_by_use(category, signals),
        *told_by_likeness(category, signals),
        *told_by_appearance(category, signals),
        *told_by_harm(category, signals),
        *told_by_effect(category, signals),
        *told_by_missing_marks(category, signals),
        *told_by_dose(category, signals),
        *told_by_wakefulness(category, signals),
    )


def swapped_heads(name: str, groups: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The name with the device head it ends in (``device_heads`` of signals.yaml) swapped for each other head of its
    group (窃听器: 窃听仪, 窃听设备; 电击棒: 电击棍). A name whose head follows fewer than two characters (气棒) is an
    everyday word whose head cannot be swapped (充气棒 is no 充气器)."""
    for group in groups:
        for head in group:
            stem = name[: -len(head)] if head and name.endswith(head) else ""
            if len(stem) >= 2:
                return tuple(stem + other for other in group if other and other != head)
    return ()


def load_watchlists(
    paths: Sequence[Path | str] | None = None,
    extra_terms: Mapping[str, Sequence[str]] | None = None,
) -> Watchlists:
    """Load, validate and merge watchlists; raise InputFileError on the first broken file."""
    files: list[LoadedFile] = []
    for path in expand_paths(paths):
        loaded, problems = parse_file(path)
        if problems or loaded is None:
            first = problems[0]
            raise InputFileError(first.path, first.message, first.line)
        files.append(loaded)
    lists = merge(files)
    for category_id, terms in (extra_terms or {}).items():
        cat = lists.categories.get(category_id)
        if cat is None:
            if not _valid_id(category_id):
                raise InputFileError("campaign terms", f"unknown category id {category_id!r}")
            cat = lists.categories.setdefault(category_id, Category(category_id))
        for term in terms:
            if term and term.strip():
                cat.terms.append(TermSpec(term=term.strip(), weight=70, kind="campaign"))
                cat.search_terms.append(term.strip())
    return lists


def _valid_id(value: str) -> bool:
    import re

    return re.match(CATEGORY_ID, value) is not None


def find_watchlist(name: str, near: Path | None = None) -> Path:
    """A watchlist by file name or by name (``wildlife``): the file itself, beside ``near`` (a timetable), in
    ``TRADEWATCH_HOME/watchlists`` or among the shipped ones."""
    from core.config import get_settings

    candidates = [Path(name)]
    if near is not None:
        candidates.append(near.parent / name)
    home = get_settings().resolved_home / "watchlists"
    candidates += [home / f"{name}.yaml", SHIPPED_WATCHLISTS / f"{name}.yaml"]
    for candidate in candidates:
        if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
            return candidate
    raise TradewatchError(f"未知监测清单 / unknown watchlist {name!r}")


def watchlist_search_terms(name: str, categories: Sequence[str] = (), near: Path | None = None) -> list[str]:
    """What a sweep types into search boxes for a watchlist: its categories' ``search_terms``, optionally of
    some categories or families only (``wildlife.ivory``, ``wildlife``)."""
    wanted = [category for category in categories if category]
    terms: list[str] = []
    for category in load_watchlists([find_watchlist(name, near)]).categories.values():
        if wanted and not any(category.id == w or category.id.startswith(f"{w}.") for w in wanted):
            continue
        terms += category.search_terms
    if not terms:
        raise TradewatchError(
            f"监测清单 {name} 没有检索词 / watchlist {name!r} has no search terms for {wanted or 'any'}"
        )
    return list(dict.fromkeys(terms))
