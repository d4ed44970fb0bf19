"""Certificate rules: a course's certificate settings, issue at completion (and backfill), revoke and
re-issue, and the platform's signing keyring.

The room that writes certificates: everything that creates, replaces or revokes one is here, so the
rules on codes, snapshots and the one live certificate per cadre and course are read together. What is
read for pages lives in ``courses.certificates.queries``, the ZIP export in ``export``, what a verifier
is given and brings back in ``verification``, renewal and programme certificates in ``renewal`` and
``programme``. Services flush and never commit; the view or CLI command commits once.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, exists, or_, select, update

from courses import xapi
from courses.certificates import codes, keys
from courses.certificates.models import Certificate, CertificateTemplate, Layout, Motto, Validity, expiry_for
from courses.models import Course, Enrollment, Item, ItemKind, Module, Progress
from courses.signals import announce, certificates_changed
from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError
from elearn.i18n import format_date, to_local


class CertificateError(DomainError):
    """A certificate rule was broken; the message is shown to the user."""


# --- settings ---------------------------------------------------------------

def get_template(course: Course) -> CertificateTemplate:
    """The course's settings; an unsaved row with the defaults when it has none yet."""
    return db.session.get(CertificateTemplate, course.id) or _default_template(course.id)


def _default_template(course_id: int) -> CertificateTemplate:
    template = CertificateTemplate(course_id=course_id)
    for column in CertificateTemplate.__table__.columns:  # defaults now, not at INSERT
        if getattr(template, column.key) is None and column.default is not None and column.default.is_scalar:
            setattr(template, column.key, column.default.arg)
    return template


TEMPLATE_FIELDS = ("enabled", "issuing_body", "motto", "place", "title", "wording", "signer_title", "signer_name",
                   "validity", "layout")


def save_template(course: Course, actor: User, **values) -> CertificateTemplate:
    template = get_template(course)
    values.setdefault("validity", template.validity or "")  # callers from before validity and layout existed
    values.setdefault("layout", template.layout or Layout.CLASSIC.value)
    for key in TEMPLATE_FIELDS:
        value = values[key]
        if isinstance(value, str):
            value = _clean_lines(value)
        if key == "validity":
            try:
                value = Validity(value or "").value
            except ValueError:
                raise CertificateError(_("Choose how long the certificates stay valid from the list.")) from None
        if key == "layout":
            try:
                value = Layout(value).value
            except ValueError:
                raise CertificateError(_("Choose the layout from the list.")) from None
        setattr(template, key, Motto(value) if key == "motto" else value)
    if not template.title or not template.issuing_body or not template.place:
        raise CertificateError(_("The issuing body, the title and the place are required."))
    db.session.add(template)
    audit.record("certificate.template", target=f"course:{course.id}", actor=actor,
                 **{k: (v.value if isinstance(v, Motto) else v) for k, v in
                    ((k, getattr(template, k)) for k in TEMPLATE_FIELDS)})
    return template


def _clean_lines(value: str) -> str:
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", value).splitlines())
    return "\n".join(line for line in lines if line)


# --- issue ------------------------------------------------------------------

# Built once, as the course lookups (courses.services): a course's completion runs them under the write lock.
_LIVE = select(Certificate).where(Certificate.user_id == bindparam("user_id"),
                                  Certificate.course_id == bindparam("course_id"), Certificate.live)
_CODE_TAKEN = select(exists().where(Certificate.code == bindparam("code")))
_FINAL_QUIZ_SCORE = (
    select(Progress.best_score)
    .select_from(Item).join(Module, Module.id == Item.module_id)
    .outerjoin(Progress, and_(Progress.item_id == Item.id, Progress.user_id == bindparam("user_id")))
    .where(Item.course_id == bindparam("course_id"), Item.kind == ItemKind.QUIZ)
    .order_by(Module.position.desc(), Item.position.desc(), Item.id.desc()).limit(1))


def issue_certificate(enrollment: Enrollment) -> Certificate | None:
    """Issue the certificate of a completed enrollment, in the caller's transaction.

    Called by ``courses.progress.evaluate_completion`` right after completion is recorded, so
    both commit or neither does. Idempotent: a live certificate is returned as it is, unless it
    was earned in an earlier round of a renewed enrolment: that one is replaced by a new one (new
    code and validity). None when the course's certificates are turned off.
    """
    if enrollment.completed_at is None:
        return None
    template = db.session.get(CertificateTemplate, enrollment.course_id)
    if template is not None and not template.enabled:
        return None
    live = db.session.scalar(_LIVE, {"user_id": enrollment.user_id, "course_id": enrollment.course_id})
    if live is None:
        return _issue(enrollment, template, "certificate.issue")
    if enrollment.round > 1 and live.completed_at < enrollment.completed_at:
        live.replaced_at = utcnow()
        db.session.flush()  # out of the live index before the new one goes in
        cert = _issue(enrollment, template, "certificate.renew")
        live.replaced_by_id = cert.id
        db.session.flush()
        return cert
    return live


def _issue(enrollment: Enrollment, template: CertificateTemplate | None, action: str,
           actor: User | None = None) -> Certificate:
    """``template``: the course's stored row, None when it has none (read already: not read again)."""
    user, course = enrollment.user, enrollment.course
    template = template or _default_template(course.id)
    cert = Certificate(
        code=unused_code(), user_id=user.id, course_id=course.id,
        full_name=unicodedata.normalize("NFC", user.full_name),
        unit_name=user.unit.name if user.unit else "",
        course_title=course.title, theme=course.theme or "",
        completed_at=enrollment.completed_at, score=final_quiz_score(user.id, course.id),
        template=template.snapshot(), issued_at=utcnow(),
        expires_on=expiry_for(template.validity, to_local(enrollment.completed_at).date()))
    db.session.add(cert)
    db.session.flush()
    announce(certificates_changed, [course.id])
    audit.record(action, target=codes.grouped(cert.code), actor=actor, user=user.username, course_id=course.id)
    xapi.certificate_earned(user, cert)
    return cert


def issue_snapshot(*, full_name: str, unit_name: str, title: str, completed_at: datetime, template: dict[str, Any],
                   action: str, user_id: int | None = None, theme: str = "", **facts: Any) -> Certificate:
    """A certificate for something other than a course (a contest's participation or prize): the
    same snapshot, code, PDF, QR and verify page, without a course (``course_id`` stays empty)."""
    cert = Certificate(code=unused_code(), user_id=user_id, course_id=None,
                       full_name=unicodedata.normalize("NFC", full_name), unit_name=unit_name or "",
                       course_title=title[:255], theme=theme, completed_at=completed_at, score=None,
                       template=template, issued_at=utcnow(), expires_on=None)
    db.session.add(cert)
    db.session.flush()
    audit.record(action, target=codes.grouped(cert.code), **facts)
    return cert


def unused_code() -> str:
    while True:  # 99 random bits: a second round is all but impossible, but cheap to rule out
        code = codes.new_code()
        if not db.session.scalar(_CODE_TAKEN, {"code": code}):
            return code


def final_quiz_score(user_id: int, course_id: int) -> float | None:
    """Best score of the course's final quiz: the last quiz item in course order."""
    row = db.session.execute(_FINAL_QUIZ_SCORE, {"user_id": user_id, "course_id": course_id}).first()
    return None if row is None else row[0]


def backfill() -> list[Certificate]:
    """Certificates for completions recorded before certificates existed or were turned on.

    An enrollment that ever had a certificate (even a revoked one) is left alone: re-issuing
    a revoked certificate is an admin's decision, not a batch job's.
    """
    any_cert = exists().where(Certificate.user_id == Enrollment.user_id,
                              Certificate.course_id == Enrollment.course_id)
    enrollments = db.session.scalars(
        select(Enrollment)
        .outerjoin(CertificateTemplate, CertificateTemplate.course_id == Enrollment.course_id)
        .where(Enrollment.completed_at.is_not(None), ~any_cert,
               or_(CertificateTemplate.enabled.is_(None), CertificateTemplate.enabled.is_(True)))
        .order_by(Enrollment.completed_at, Enrollment.id)).all()
    return [_issue(e, db.session.get(CertificateTemplate, e.course_id), "certificate.backfill") for e in enrollments]


# --- revoke and re-issue -------------------------------------------------------

def revoke(cert: Certificate, actor: User, reason: str) -> Certificate:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise CertificateError(_("Give the reason for revoking (at least 5 characters)."))
    # One conditional UPDATE: of two admins revoking at once, exactly one succeeds.
    done = db.session.execute(
        update(Certificate).where(Certificate.id == cert.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason[:2000], revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(cert)
    announce(certificates_changed, [cert.course_id])
    if not done:
        raise CertificateError(_("This certificate was already revoked on %(date)s.",
                                 date=format_date(cert.revoked_at)))
    audit.record("certificate.revoke", target=codes.grouped(cert.code), actor=actor, reason=reason,
                 user_id=cert.user_id, course_id=cert.course_id)
    return cert


def reissue(cert: Certificate, actor: User) -> Certificate:
    """A new certificate (new code, fresh snapshot) after ``cert`` was revoked, e.g. for a
    misspelt name that has since been corrected."""
    if not cert.revoked:
        raise CertificateError(_("Only a revoked certificate can be issued again."))
    if cert.programme_id is not None:
        from courses.certificates.programme import reissue_programme
        return reissue_programme(cert, actor)
    enrollment = None
    if cert.user_id is not None and cert.course_id is not None:
        enrollment = db.session.scalar(select(Enrollment).where(
            Enrollment.user_id == cert.user_id, Enrollment.course_id == cert.course_id,
            Enrollment.completed_at.is_not(None)))
    if enrollment is None:
        raise CertificateError(_("The cadre's completion of this course is no longer on record."))
    live = db.session.scalar(select(Certificate).where(
        Certificate.user_id == cert.user_id, Certificate.course_id == cert.course_id,
        Certificate.live))
    if live is not None:
        raise CertificateError(_("A valid certificate %(code)s already exists for this course.",
                                 code=codes.grouped(live.code)))
    return _issue(enrollment, db.session.get(CertificateTemplate, enrollment.course_id), "certificate.reissue",
                  actor=actor)


# --- the signing keyring, and the day validity is judged by ------------------------------------

def key_folder() -> Path:
    """``CERTIFICATE_KEY_DIR``, else ``certificate-keys`` in the instance folder (never committed)."""
    return Path(current_app.config.get("CERTIFICATE_KEY_DIR") or Path(current_app.instance_path) / "certificate-keys")


def keyring() -> keys.Keyring:
    """The platform's signing keys (made on first use on a machine that has none)."""
    return keys.load(key_folder())


def unofficial_keys_in_production() -> bool:
    """A production server (not debug, not testing) whose certificates are signed only by keys it made
    itself: PDF readers will not trust them. Said at start (the log) and to admins (the pages)."""
    app = current_app
    if app.config.get("ELEARN_ENV") != "production" or app.debug or app.testing:
        return False
    return keys.self_made_only(key_folder())


KEY_WARNING = ("Certificates are signed with a self-signed key this server made itself: PDF readers will not show "
               "them as trusted. Import the key issued by the province's certificate authority with "
               "`elearn certificates keys import FILE.p12` (the old keys keep verifying what they signed).")


def today() -> date:
    """Today in Vietnam: the day a certificate's validity is judged by."""
    return to_local(utcnow()).date()
