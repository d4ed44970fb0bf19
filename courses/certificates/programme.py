"""The certificate of a programme (issue 20): issued once when a cadre completes a programme, by the
same engine as a course's (signed PDF, QR payload, verify page, Open Badge), with no course: the
programme's title in the course's place and its validity for the last valid day."""
from __future__ import annotations

import unicodedata
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from courses import xapi
from courses.certificates import codes
from courses.certificates.models import Certificate, CertificateTemplate
from courses.certificates.services import CertificateError, unused_code
from courses.programmes.models import Programme, ProgrammeEnrollment
from courses.programmes.renewal import valid_until
from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.i18n import to_local


def issue_programme_certificates(rows: list[tuple[int, int, datetime]]) -> list[Certificate]:
    """The certificates of programme completions just recorded: (user id, programme id, when), in the
    caller's transaction (``courses.programmes.completion.record_completions``). Once per cadre and
    programme: a live one is kept. The programme's validity gives the last valid day."""
    issued = []
    template = CertificateTemplate(**{c.key: c.default.arg for c in CertificateTemplate.__table__.columns
                                      if c.default is not None and c.default.is_scalar})
    for user_id, programme_id, at in rows:
        if db.session.scalar(select(Certificate.id).where(
                Certificate.user_id == user_id, Certificate.programme_id == programme_id, Certificate.live)):
            continue
        user, programme = db.session.get(User, user_id), db.session.get(Programme, programme_id)
        until = valid_until(programme, at)
        cert = Certificate(
            code=unused_code(), user_id=user.id, course_id=None, programme_id=programme.id,
            full_name=unicodedata.normalize("NFC", user.full_name), unit_name=user.unit.name if user.unit else "",
            course_title=programme.title, theme="", completed_at=at, score=None, template=template.snapshot(),
            issued_at=utcnow(), expires_on=to_local(until).date() if until else None)
        db.session.add(cert)
        db.session.flush()
        audit.record("certificate.issue_programme", target=codes.grouped(cert.code), user=user.username,
                     programme_id=programme.id)
        xapi.certificate_earned(user, cert)
        issued.append(cert)
    return issued


def programme_certificates(user: User) -> dict[int, Certificate]:
    """{programme id: live certificate} of ``user`` ("My programmes")."""
    return {c.programme_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.programme_id.is_not(None), Certificate.live))}


def reissue_programme(cert: Certificate, actor: User) -> Certificate:
    completed_at = db.session.scalar(select(ProgrammeEnrollment.completed_at).where(
        ProgrammeEnrollment.user_id == cert.user_id, ProgrammeEnrollment.programme_id == cert.programme_id))
    if completed_at is None:
        raise CertificateError(_("The cadre's completion of this programme is no longer on record."))
    issued = issue_programme_certificates([(cert.user_id, cert.programme_id, completed_at)])
    if not issued:
        raise CertificateError(_("A valid certificate already exists for this programme."))
    audit.record("certificate.reissue", target=codes.grouped(issued[0].code), actor=actor, replaces=cert.code)
    return issued[0]
