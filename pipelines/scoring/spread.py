"""From a category's points to the listing's 0-100 score."""

from __future__ import annotations

import math

SPREAD_FROM = 80
SPREAD_SCALE = 30


def spread_score(points: float) -> int:
    """Points to the 0-100 score: unchanged up to SPREAD_FROM, then compressed toward 100 without reaching it,
    so that strong leads keep their order instead of all sharing 100 (a listing with every signal stays
    above one with a few)."""
    if points <= SPREAD_FROM:
        return max(0, round(points))
    room = 100 - SPREAD_FROM
    return min(99, round(SPREAD_FROM + room * (1 - math.exp(-(points - SPREAD_FROM) / SPREAD_SCALE))))
