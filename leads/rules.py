"""The rules watch's store: versions of platform rules pages, kept only on change, each with its raw page as
evidence, and the findings raised for unfair clauses that are new or changed in a version.

The crawl hands over a `PageSighting` (plain values: the segmented and scored clauses, the normalised text's
hash, the page capture); `record_sighting` stores a new version when the text changed, raises findings and
follows up the rectification notices of the page's earlier findings. Nothing here segments or scores text:
that is `pipelines.rules`, above this layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.errors import NotFound, TradewatchError
from leads.audit import append_event
from leads.evidence import file_fields, write_capture
from leads.models import LeadStatus, utcnow
from leads.rule_findings import FINDING_ACTOR, follow_up_notices
from leads.rules_diff import ClauseChange, count_changes, diff_clauses
from leads.rules_models import RuleFinding, RulesEvidenceFile, RulesVersion

FIRST_SEEN = "first_seen"


@dataclass(frozen=True)
class PageSighting:
    """One fetch of a rules page, segmented and scored. `clauses`: dicts with index, number, section, text,
    key (normalised wording), score, unfair, group, basis and explanation."""

    platform: str
    page: str
    url: str
    clauses: list[dict[str, Any]]
    text_sha256: str
    capture: dict[str, Any]


@dataclass
class RecordOutcome:
    platform: str
    page: str
    version: int | None = None
    unchanged: bool = False
    added: int = 0
    removed: int = 0
    changed: int = 0
    findings: list[int] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def latest_version(session: Session, platform: str, page: str) -> RulesVersion | None:
    statement = (
        select(RulesVersion)
        .where(RulesVersion.platform == platform, RulesVersion.page == page)
        .order_by(col(RulesVersion.version).desc())
        .limit(1)
    )
    return session.exec(statement).first()


def _findings_for(
    session: Session, version: RulesVersion, changes: list[ClauseChange], *, first: bool, now: datetime
) -> list[int]:
    """A finding for every unfair clause that is new (or on the first version seen) or changed."""
    raised = []
    candidates: list[tuple[str, dict[str, Any], dict[str, Any] | None]]
    if first:
        candidates = [(FIRST_SEEN, clause, None) for clause in version.clauses]
    else:
        candidates = [(c.kind, c.new, c.old) for c in changes if c.kind in ("added", "changed") and c.new]
    for kind, clause, previous in candidates:
        if not clause.get("unfair"):
            continue
        finding = RuleFinding(
            platform=version.platform,
            page=version.page,
            version_pk=version.id or 0,
            clause_index=int(clause["index"]),
            clause_number=str(clause.get("number") or ""),
            clause_text=str(clause["text"]),
            change=kind,
            previous_text=previous["text"] if previous else None,
            score=int(clause["score"]),
            group=str(clause["group"]),
            basis=list(clause.get("basis") or []),
            explanation=list(clause.get("explanation") or []),
            status=LeadStatus.QUEUED.value,
            created_at=now,
            updated_at=now,
        )
        session.add(finding)
        session.flush()
        assert finding.id is not None
        append_event(
            session,
            lead_pk=None,
            rule_finding_pk=finding.id,
            action="raise",
            actor=FINDING_ACTOR,
            to_status=finding.status,
            details={"platform": version.platform, "page": version.page, "version": version.version, "change": kind},
            at=now,
        )
        raised.append(finding.id)
    return raised


def record_sighting(
    session: Session, sighting: PageSighting, *, home: Path | None = None, now: datetime | None = None
) -> RecordOutcome:
    """Store the page as a new version if its normalised text changed; raise findings; follow up notices."""
    if not sighting.clauses:
        raise TradewatchError(
            f"{sighting.platform} {sighting.page}: 没有条款，不保存空版本 / "
            "no clauses: an empty version is never stored"
        )
    now = now or utcnow()
    outcome = RecordOutcome(sighting.platform, sighting.page)
    previous = latest_version(session, sighting.platform, sighting.page)
    if previous is not None and previous.text_sha256 == sighting.text_sha256:
        outcome.version, outcome.unchanged = previous.version, True
        return outcome
    number = (previous.version if previous else 0) + 1
    subject = {"platform": sighting.platform, "rules_page": sighting.page, "url": sighting.url}
    written = write_capture(sighting.capture, subject=subject, version=number, home=home)
    changes = diff_clauses(previous.clauses, sighting.clauses) if previous else []
    counts = count_changes(changes)
    version = RulesVersion(
        platform=sighting.platform,
        page=sighting.page,
        version=number,
        url=sighting.url,
        final_url=str(sighting.capture["final_url"]),
        status=int(sighting.capture["status"]),
        renderer=written.renderer,
        captured_at=written.captured_at,
        text_sha256=sighting.text_sha256,
        clauses=sighting.clauses,
        manifest_sha256=written.manifest_sha256,
        **counts,
    )
    session.add(version)
    session.flush()
    assert version.id is not None
    for entry in written.entries:
        session.add(RulesEvidenceFile(version_pk=version.id, **file_fields(entry)))
    outcome.version = number
    outcome.added, outcome.removed, outcome.changed = counts["added"], counts["removed"], counts["changed"]
    outcome.findings = _findings_for(session, version, changes, first=previous is None, now=now)
    outcome.follow_ups = follow_up_notices(session, version, now=now)
    session.flush()
    return outcome


# ---------------------------------------------------------------------------------------------- reading


def list_versions(session: Session, platform: str | None = None, page: str | None = None) -> list[RulesVersion]:
    """Versions, by platform, page and version number."""
    statement = select(RulesVersion)
    if platform:
        statement = statement.where(RulesVersion.platform == platform)
    if page:
        statement = statement.where(RulesVersion.page == page)
    statement = statement.order_by(col(RulesVersion.platform), col(RulesVersion.page), col(RulesVersion.version))
    return list(session.exec(statement))


def get_version(session: Session, platform: str, page: str, version: int | None = None) -> RulesVersion:
    """One version (default: the latest); NotFound names what was asked for."""
    if version is None:
        found = latest_version(session, platform, page)
    else:
        found = session.exec(
            select(RulesVersion).where(
                RulesVersion.platform == platform, RulesVersion.page == page, RulesVersion.version == version
            )
        ).first()
    if found is None:
        which = f" v{version}" if version is not None else ""
        raise NotFound(f"没有 {platform} {page}{which} 的规则版本 / no rules version {platform} {page}{which}")
    return found


def version_files(session: Session, version: RulesVersion) -> list[RulesEvidenceFile]:
    statement = select(RulesEvidenceFile).where(RulesEvidenceFile.version_pk == version.id)
    return list(session.exec(statement.order_by(col(RulesEvidenceFile.id))))


def versions_diff(
    session: Session, platform: str, page: str, *, from_version: int | None = None, to_version: int | None = None
) -> tuple[RulesVersion, RulesVersion, list[ClauseChange]]:
    """The clause changes between two versions (default: the latest and the one before it)."""
    to = get_version(session, platform, page, to_version)
    start = from_version if from_version is not None else to.version - 1
    if start < 1:
        raise TradewatchError(
            f"{platform} {page} 只有一个版本，无可比较 / only one version of {platform} {page}: nothing to compare"
        )
    old = get_version(session, platform, page, start)
    return old, to, diff_clauses(old.clauses, to.clauses)
