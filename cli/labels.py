"""Names officers read for statuses, categories and families, in the current language."""

from __future__ import annotations

from cli.i18n import N_, _
from core.safe_text import safe_str

STATUS_NAMES: dict[str, str] = {
    "new": N_("New"),
    "queued": N_("Queued"),
    "claimed": N_("Claimed"),
    "verified": N_("Verified"),
    "referred": N_("Referred"),
    "dismissed": N_("Dismissed"),
    "escalated": N_("Escalated"),
}

FAMILY_NAMES: dict[str, str] = {
    "wildlife": N_("Wildlife"),
    "prohibited": N_("Prohibited goods"),
}

CATEGORY_NAMES: dict[str, str] = {
    "wildlife.ivory": N_("Ivory"),
    "wildlife.rhino_horn": N_("Rhino horn"),
    "wildlife.pangolin": N_("Pangolin"),
    "wildlife.tiger_leopard": N_("Tiger and leopard parts"),
    "wildlife.bear": N_("Bear parts"),
    "wildlife.hawksbill": N_("Hawksbill turtle"),
    "wildlife.hornbill": N_("Hornbill casque"),
    "wildlife.saiga": N_("Saiga horn"),
    "wildlife.musk": N_("Musk"),
    "wildlife.coral": N_("Precious coral"),
    "wildlife.live_bird": N_("Live birds"),
    "wildlife.live_reptile": N_("Live reptiles"),
    "wildlife.primate": N_("Primates"),
    "wildlife.other": N_("Other wildlife"),
    "prohibited.weapons": N_("Weapons and controlled knives"),
    "prohibited.drugs": N_("Drugs"),
    "prohibited.tobacco": N_("Tobacco and e-cigarettes"),
    "prohibited.fireworks": N_("Fireworks"),
    "prohibited.documents": N_("Forged documents"),
    "prohibited.surveillance": N_("Covert surveillance devices"),
    "prohibited.pesticides": N_("Banned pesticides"),
}

ACTION_NAMES: dict[str, str] = {
    "created": N_("created"),
    "enqueue": N_("queued"),
    "hand_queue": N_("queued by hand"),
    "confirm_referral": N_("confirm referral"),
    "notify": N_("notice sent"),
    "notice_reply": N_("notice reply"),
    "listing_removed": N_("listing removed"),
    "requeue": N_("re-queued"),
    "claim": N_("claim"),
    "assign": N_("assign"),
    "verify": N_("verify"),
    "dismiss": N_("dismiss"),
    "escalate": N_("escalate"),
    "refer": N_("refer"),
    "reopen": N_("reopen"),
    "extend": N_("extend"),
    "note": N_("note"),
}


def zh(message: str) -> str:
    """The Chinese text of a msgid whatever the current language (exports for the bureau are in Chinese)."""
    from cli.i18n import translations

    return translations("zh").gettext(message)


# Reasons offered when dismissing; officers may type their own.
DISMISS_REASONS: tuple[str, ...] = (
    N_("Legal substitute (resin, bone, imitation)"),
    N_("Legally certified goods"),
    N_("Duplicate of another lead"),
    N_("Listing removed, nothing to act on"),
    N_("Outside our jurisdiction"),
    N_("Keyword false positive"),
)


def status_label(status: object) -> str:
    value = getattr(status, "value", status)
    name = STATUS_NAMES.get(str(value))
    return _(name) if name else safe_str(value)


def category_label(category: str | None, *, with_id: bool = False) -> str:
    """The category's name (or a family's); unknown ids are shown as they are."""
    if not category:
        return "-"
    name = CATEGORY_NAMES.get(category) or FAMILY_NAMES.get(category)
    if not name:
        return safe_str(category)
    return f"{_(name)} ({category})" if with_id else _(name)


def action_label(action: str) -> str:
    name = ACTION_NAMES.get(action)
    return _(name) if name else safe_str(action)
