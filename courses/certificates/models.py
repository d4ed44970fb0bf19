"""Certificate settings per course, and issued certificates.

A certificate is a snapshot: the name, unit, course and template as they were when it
was issued, so a later rename or a new signer never changes a certificate already printed.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, str_enum, utcnow

DEFAULT_ISSUING_BODY = "TỈNH ỦY THÁI BÌNH\nBAN TUYÊN GIÁO"
DEFAULT_PLACE = "Thái Bình"
DEFAULT_TITLE = "GIẤY CHỨNG NHẬN"
DEFAULT_WORDING = "Đã hoàn thành chương trình bồi dưỡng"
DEFAULT_SIGNER_TITLE = "TRƯỞNG BAN"


class Motto(str, enum.Enum):
    PARTY = "party"    # ĐẢNG CỘNG SẢN VIỆT NAM
    STATE = "state"    # CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc
    NONE = "none"


class Layout(str, enum.Enum):
    CLASSIC = "classic"          # the date line above the signature
    PARTY = "party_document"     # Hướng dẫn 36-HD/VPTW: number under the issuing body, date under the heading


class Validity(str, enum.Enum):
    """How long a course's certificates stay valid, from the completion date (Thái Bình time)."""
    FOREVER = ""
    MONTHS_6 = "6m"
    MONTHS_12 = "12m"
    MONTHS_24 = "24m"
    MONTHS_36 = "36m"
    STUDY_YEAR = "study_year"  # until the end of the study year of the completion (31 August)


STUDY_YEAR_END = (8, 31)  # the study year of political training runs September to August


def expiry_for(validity: str | None, completed_on: date) -> date | None:
    """The last day a certificate completed on ``completed_on`` is valid; None: no expiry.
    A month step that lands past the month's end keeps to its last day (31/8 + 6 months = 28/2)."""
    validity = Validity(validity or "")
    if validity is Validity.FOREVER:
        return None
    if validity is Validity.STUDY_YEAR:
        end = date(completed_on.year, *STUDY_YEAR_END)
        return end if completed_on <= end else date(completed_on.year + 1, *STUDY_YEAR_END)
    months = int(validity.value[:-1])
    index = completed_on.month - 1 + months
    year, month = completed_on.year + index // 12, index % 12 + 1
    for day in range(completed_on.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(completed_on.day, 28))


class CertificateTemplate(Base):
    """How a course's certificates look. One row per course; no row means the defaults."""

    __tablename__ = "certificate_template"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    issuing_body: Mapped[str] = mapped_column(String(255), default=DEFAULT_ISSUING_BODY)
    motto: Mapped[Motto] = mapped_column(str_enum(Motto, 8), default=Motto.PARTY)
    place: Mapped[str] = mapped_column(String(100), default=DEFAULT_PLACE)
    title: Mapped[str] = mapped_column(String(100), default=DEFAULT_TITLE)
    wording: Mapped[str] = mapped_column(String(255), default=DEFAULT_WORDING)
    signer_title: Mapped[str] = mapped_column(String(255), default=DEFAULT_SIGNER_TITLE)
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    validity: Mapped[str] = mapped_column(String(16), default="", server_default="")  # a Validity value
    layout: Mapped[str] = mapped_column(String(16), default=Layout.CLASSIC.value,
                                        server_default=Layout.CLASSIC.value)  # a Layout value
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def snapshot(self) -> dict[str, Any]:
        return {"issuing_body": self.issuing_body, "motto": Motto(self.motto).value, "place": self.place,
                "title": self.title, "wording": self.wording, "signer_title": self.signer_title,
                "signer_name": self.signer_name, "layout": self.layout or Layout.CLASSIC.value}


class Certificate(Base):
    __tablename__ = "certificate"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # normalized: no dashes, upper case
    # SET NULL: the snapshot keeps the certificate verifiable even if the account or course goes.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(255))
    unit_name: Mapped[str] = mapped_column(String(255), default="")
    course_title: Mapped[str] = mapped_column(String(255))
    theme: Mapped[str] = mapped_column(String(500), default="")
    completed_at: Mapped[datetime]
    score: Mapped[float | None]  # best score of the final quiz, percent
    template: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[date | None] = mapped_column(index=True)  # last valid day, Thái Bình time; None: never
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Renewed: the cadre completed the course again and ``replaced_by`` was issued; this one stays
    # on record (and verifies as replaced, never as revoked).
    replaced_at: Mapped[datetime | None]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    # A programme's certificate (issue 20): ``course_id`` is then empty and ``course_title`` is the programme's.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="SET NULL"), index=True)

    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id], viewonly=True)

    @hybrid_property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @revoked.inplace.expression
    @classmethod
    def _revoked_expression(cls):
        return cls.revoked_at.is_not(None)  # so queries elsewhere may filter on ``Certificate.revoked``

    @hybrid_property
    def live(self) -> bool:
        """Neither revoked nor replaced by a renewal: the cadre's current certificate."""
        return self.revoked_at is None and self.replaced_at is None

    @live.inplace.expression
    @classmethod
    def _live_expression(cls):
        return and_(cls.revoked_at.is_(None), cls.replaced_at.is_(None))

    def expired_on(self, today: date) -> bool:
        return self.expires_on is not None and today > self.expires_on


# At most one live certificate per (cadre, course) and per (cadre, programme); a revoked or replaced
# one leaves room for a re-issue or a renewal. A partial unique index holds on SQLite and PostgreSQL
# alike, even when two requests complete the same course at once: the second insert fails and its
# whole transaction rolls back.
_live = and_(Certificate.revoked_at.is_(None), Certificate.replaced_at.is_(None))
Index("ux_certificate_live", Certificate.user_id, Certificate.course_id, unique=True,
      sqlite_where=_live, postgresql_where=_live)
_live_programme = and_(Certificate.programme_id.is_not(None), _live)
Index("ux_certificate_programme_live", Certificate.user_id, Certificate.programme_id, unique=True,
      sqlite_where=_live_programme, postgresql_where=_live_programme)
