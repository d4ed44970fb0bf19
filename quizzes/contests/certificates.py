"""Certificates of participation and prize for contest entrants, drawn by the certificates engine
(``courses.certificates``: the same snapshot, code, signed PDF with its QR code and verify page).

Both wait for the round's published results: participation is a submitted entry in the round; a
prize is a place in the prize list fixed at publication. Issued on the first download and the same
one after; withdrawing the results revokes the prize certificates of the round (the prize list is
no longer the published one), the participation ones stay true.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from courses.certificates import services as certificates
from courses.certificates.models import (
    DEFAULT_ISSUING_BODY,
    DEFAULT_PLACE,
    DEFAULT_SIGNER_TITLE,
    DEFAULT_TITLE,
    Certificate,
    Layout,
    Motto,
)
from elearn import db
from elearn.accounts.models import User
from quizzes.contests.models import (
    ContestCertificate,
    ContestEntrant,
    ContestEntry,
    ContestPrize,
    ContestRound,
    PrizeKind,
)
from quizzes.contests.services import ContestError

KINDS = ("participation", "prize")
PRIZE_WORDS = {PrizeKind.FIRST: "Đạt giải Nhất", PrizeKind.SECOND: "Đạt giải Nhì", PrizeKind.THIRD: "Đạt giải Ba",
               PrizeKind.CONSOLATION: "Đạt giải Khuyến khích"}


def prize_of(r: ContestRound, entrant: ContestEntrant) -> ContestPrize | None:
    return db.session.scalar(select(ContestPrize).join(ContestEntry, ContestEntry.id == ContestPrize.entry_id)
                             .where(ContestPrize.round_id == r.id, ContestEntry.entrant_id == entrant.id).limit(1))


def _last_entry(r: ContestRound, entrant: ContestEntrant) -> ContestEntry | None:
    return db.session.scalar(select(ContestEntry).where(
        ContestEntry.round_id == r.id, ContestEntry.entrant_id == entrant.id, ContestEntry.submitted_at.is_not(None))
        .order_by(ContestEntry.submitted_at.desc()).limit(1))


def available(r: ContestRound, entrant: ContestEntrant) -> list[str]:
    """The kinds of certificate ``entrant`` may download for round ``r`` now."""
    if r.published_at is None or _last_entry(r, entrant) is None:
        return []
    return ["participation", "prize"] if prize_of(r, entrant) is not None else ["participation"]


def _template(r: ContestRound, entrant: ContestEntrant, wording: str) -> dict:
    contest = r.contest
    body = contest.organiser_name.strip().upper() if contest.organiser_name.strip() else DEFAULT_ISSUING_BODY
    return {"issuing_body": body, "motto": Motto.PARTY.value, "place": DEFAULT_PLACE, "title": DEFAULT_TITLE,
            "wording": wording, "signer_title": DEFAULT_SIGNER_TITLE, "signer_name": "",
            "layout": Layout.CLASSIC.value,
            "addressee": "Chứng nhận đồng chí" if entrant.user_id is not None else "Chứng nhận"}


def certificate_for(r: ContestRound, entrant: ContestEntrant, kind: str) -> Certificate:
    """The entrant's live certificate of ``kind`` for round ``r``, issued now if it has none."""
    if kind not in available(r, entrant):
        raise ContestError(_("There is no such certificate for you in this round."))
    link = db.session.get(ContestCertificate, (r.id, entrant.id, kind))
    cert = db.session.get(Certificate, link.certificate_id) if link is not None else None
    if cert is not None and not cert.revoked:
        return cert
    if kind == "prize":
        prize = prize_of(r, entrant)
        wording = f"{PRIZE_WORDS[prize.prize]} (xếp hạng {prize.rank}) cuộc thi"
        day = r.published_at
    else:
        wording = "Đã tham gia cuộc thi"
        day = _last_entry(r, entrant).submitted_at
    title = f"{r.contest.title} – {r.name(f'Đợt {r.number}')}"
    try:
        with db.session.begin_nested():  # two first downloads at once: the link's key keeps one certificate
            cert = certificates.issue_snapshot(
                full_name=entrant.full_name, unit_name=entrant.unit_label, title=title, completed_at=day,
                template=_template(r, entrant, wording),
                action="contest.certificate.prize" if kind == "prize" else "contest.certificate.participation",
                user_id=entrant.user_id, round_id=r.id, entrant=entrant.id)
            if link is None:
                db.session.add(ContestCertificate(round_id=r.id, entrant_id=entrant.id, kind=kind,
                                                  certificate_id=cert.id))
            else:
                link.certificate_id = cert.id
    except IntegrityError:
        link = db.session.get(ContestCertificate, (r.id, entrant.id, kind))
        return db.session.get(Certificate, link.certificate_id)
    return cert


def revoke_prizes(r: ContestRound, actor: User) -> None:
    """The round's results are withdrawn: its prize certificates no longer stand."""
    for cert in db.session.scalars(select(Certificate).join(
            ContestCertificate, ContestCertificate.certificate_id == Certificate.id).where(
            ContestCertificate.round_id == r.id, ContestCertificate.kind == "prize", Certificate.revoked_at.is_(None))):
        certificates.revoke(cert, actor, "Kết quả của đợt thi đã được rút lại")
