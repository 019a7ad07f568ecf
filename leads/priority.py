"""How the verification queue is ordered: score, category severity, the seller's other leads, age."""

from __future__ import annotations

from collections.abc import Iterable

# Severity by category id (DESIGN.md): the harm and legal weight of the trade, 0-30 points.
CATEGORY_SEVERITY: dict[str, int] = {
    "wildlife.ivory": 30,
    "wildlife.rhino_horn": 30,
    "wildlife.pangolin": 30,
    "wildlife.tiger_leopard": 30,
    "wildlife.bear": 25,
    "wildlife.hawksbill": 25,
    "wildlife.hornbill": 25,
    "wildlife.saiga": 25,
    "wildlife.primate": 25,
    "wildlife.musk": 20,
    "wildlife.coral": 15,
    "wildlife.live_bird": 15,
    "wildlife.live_reptile": 15,
    "wildlife.other": 10,
    "prohibited.weapons": 30,
    "prohibited.drugs": 30,
    "prohibited.fireworks": 20,
    "prohibited.documents": 20,
    "prohibited.surveillance": 15,
    "prohibited.pesticides": 15,
    "prohibited.tobacco": 10,
}
# Categories added later fall back to their family's weight.
FAMILY_SEVERITY: dict[str, int] = {"wildlife": 10, "prohibited": 10}
UNKNOWN_SEVERITY = 5

# Score dominates: severity adds up to 10 points, a repeat seller up to 10, waiting time up to 5.
SEVERITY_WEIGHT = 1 / 3
SELLER_POINTS_PER_LEAD = 5
SELLER_POINTS_MAX = 10
AGE_POINTS_PER_DAY = 0.25
AGE_POINTS_MAX = 5.0
# The bureau's model lowers a lead it doubts by up to this many points (never raises: the rules rank).
MODEL_DOUBT_POINTS_MAX = 20.0


def severity(category: str) -> int:
    if category in CATEGORY_SEVERITY:
        return CATEGORY_SEVERITY[category]
    return FAMILY_SEVERITY.get(category.split(".", 1)[0], UNKNOWN_SEVERITY)


def compute_priority(
    *,
    score: int,
    categories: Iterable[str],
    seller_other_leads: int,
    age_days: float,
    model_probability: float | None = None,
) -> float:
    """Higher first: the score, raised by the category's severity, a repeat seller and time waiting, and
    lowered when the bureau's model thinks officers are unlikely to confirm it (probability under one half)."""
    worst = max((severity(category) for category in categories), default=0)
    seller = min(SELLER_POINTS_PER_LEAD * max(seller_other_leads, 0), SELLER_POINTS_MAX)
    age = min(AGE_POINTS_PER_DAY * max(age_days, 0.0), AGE_POINTS_MAX)
    doubt = 0.0 if model_probability is None else MODEL_DOUBT_POINTS_MAX * max(0.0, 1 - 2 * model_probability)
    return round(score + SEVERITY_WEIGHT * worst + seller + age - doubt, 2)
