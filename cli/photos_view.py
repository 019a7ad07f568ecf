"""The photos of a listing as `leads show` and the triage screen show them: each photo's stored path and
address, then the lines read in it, watchlist hits highlighted; and other listings using the same photo."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from cli.i18n import _
from core.safe_text import highlight_terms, safe_text


def photo_texts(listing: Any, terms: list[str]) -> list[Text]:
    """One heading per photo (path and address), then its lines of text with the hits highlighted."""
    out: list[Text] = []
    for number, photo in enumerate(listing.images or [], start=1):
        heading = _("Photo {number}: {path} ({url})").format(
            number=number, path=photo.get("path", "-"), url=photo.get("url", "-")
        )
        out.append(safe_text(heading, style="dim"))
        lines = photo.get("lines")
        if lines is None:
            out.append(safe_text("  " + _("(text not read)")))
        elif not lines:
            out.append(safe_text("  " + _("(no text found)")))
        for line in lines or []:
            out.append(Text("  ") + highlight_terms(str(line), terms))
    return out


def same_photo_texts(same_photo: list[tuple[Any, Any]]) -> list[Text]:
    """`platform listing-id  lead #id  title` for each listing that uses one of the same photos."""
    out = []
    for other, other_lead in same_photo:
        lead_text = _("lead #{lead_id}").format(lead_id=other_lead.id) if other_lead is not None else _("no lead")
        out.append(safe_text(f"{other.platform} {other.listing_id}  {lead_text}  {other.title}"))
    return out
