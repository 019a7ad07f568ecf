"""The legal facts a notice cites for a lead: the legal basis of its categories and, for wildlife, the protection
class of the species concerned from the national list of key protected wild animals (2021).

The species and their classes come from `pipelines/watchlists/wildlife_species.yaml`, which
`scripts/build_wildlife_watchlist.py` derives from the national list; the legal basis (law, CITES appendix,
protection summary) from each category's `legal_basis` in the watchlists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipelines.scoring.watchlist import Watchlists, load_watchlists

# A category with more listed species than this names its protection summary instead of every species.
MAX_SPECIES_FOR_CATEGORY = 3


@dataclass(frozen=True)
class ProtectedSpecies:
    """One species of the national list: its Chinese name, scientific name and class (国家一级 / 国家二级)."""

    name: str
    latin: str | None
    protection: str
    category: str

    def label(self) -> str:
        latin = f"（{self.latin}）" if self.latin else ""
        return f"{self.name}{latin}：{self.protection}保护野生动物"


@dataclass(frozen=True)
class LegalFacts:
    """What a notice cites: the legal basis per category, and the protected species the listing concerns."""

    basis: dict[str, dict[str, str]] = field(default_factory=dict)
    species: tuple[ProtectedSpecies, ...] = ()

    @property
    def protection_classes(self) -> list[str]:
        return sorted({species.protection for species in self.species})


def _species_of(watchlists: Watchlists, categories: Iterable[str]) -> list[ProtectedSpecies]:
    found = []
    for category_id in categories:
        category = watchlists.categories.get(category_id)
        if category is None:
            continue
        for term in category.terms:
            if term.kind == "species" and term.protection:
                latin = term.latin[0] if term.latin else None
                found.append(ProtectedSpecies(term.term, latin, term.protection, category_id))
    return found


def concerned_species(
    watchlists: Watchlists, categories: Sequence[str], hit_terms: Iterable[str], text: str
) -> list[ProtectedSpecies]:
    """The listed species a lead concerns: those named in the listing or its hits (a hit 穿山甲 names every
    listed 穿山甲), else, for a category with few listed species (ivory: 亚洲象), all of them."""
    candidates = _species_of(watchlists, categories)
    terms = [term for term in hit_terms if term]
    named = [
        species
        for species in candidates
        if species.name in text or any(species.name == term or species.name.endswith(term) for term in terms)
    ]
    if named:
        return list(dict.fromkeys(named))
    chosen: list[ProtectedSpecies] = []
    for category_id in categories:
        listed = [species for species in candidates if species.category == category_id]
        if 0 < len(listed) <= MAX_SPECIES_FOR_CATEGORY:
            chosen.extend(listed)
    return chosen


def legal_facts(
    categories: Sequence[str],
    *,
    hits: Sequence[dict[str, Any]] = (),
    text: str = "",
    watchlists: Watchlists | None = None,
) -> LegalFacts:
    """The legal basis of `categories` and the protected species the listing (`text`, `hits`) concerns."""
    lists = watchlists or load_watchlists()
    basis = {
        category_id: dict(lists.categories[category_id].legal_basis)
        for category_id in categories
        if category_id in lists.categories and lists.categories[category_id].legal_basis
    }
    wildlife = [category_id for category_id in categories if category_id.startswith("wildlife.")]
    terms = [str(hit.get("term") or hit.get("matched") or "") for hit in hits]
    species = concerned_species(lists, wildlife, terms, text) if wildlife else []
    return LegalFacts(basis=basis, species=tuple(species))
