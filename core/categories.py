"""The category ids of DESIGN.md: every watchlist term, score, lead, export and report uses them.

The family is the part before the dot. New categories may be added; these ids stay stable.
"""

from __future__ import annotations

WILDLIFE, PROHIBITED = "wildlife", "prohibited"
FAMILIES: tuple[str, ...] = (WILDLIFE, PROHIBITED)

CATEGORY_IDS: tuple[str, ...] = (
    "wildlife.ivory",
    "wildlife.rhino_horn",
    "wildlife.pangolin",
    "wildlife.tiger_leopard",
    "wildlife.bear",
    "wildlife.hawksbill",
    "wildlife.hornbill",
    "wildlife.saiga",
    "wildlife.musk",
    "wildlife.coral",
    "wildlife.live_bird",
    "wildlife.live_reptile",
    "wildlife.primate",
    "wildlife.other",
    "prohibited.weapons",
    "prohibited.drugs",
    "prohibited.tobacco",
    "prohibited.fireworks",
    "prohibited.documents",
    "prohibited.surveillance",
    "prohibited.pesticides",
)


def family_of(category: str | None) -> str | None:
    """`wildlife.ivory` -> `wildlife`; None for no category."""
    return category.split(".", 1)[0] if category else None
