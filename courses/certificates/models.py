"""Certificate settings per course, and issued certificates.

A certificate is a snapshot: the name, unit, course and template as they were when it
was issued, so a later rename or a new signer never changes a certificate already printed.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def snapshot(self) -> dict[str, Any]:
        return {"issuing_body": self.issuing_body, "motto": Motto(self.motto).value, "place": self.place,
                "title": self.title, "wording": self.wording, "signer_title": self.signer_title,
                "signer_name": self.signer_name}


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
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    @hybrid_property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @revoked.inplace.expression
    @classmethod
    def _revoked_expression(cls):
        return cls.revoked_at.is_not(None)  # so queries elsewhere may filter on ``Certificate.revoked``


# At most one live certificate per (cadre, course); a revoked one leaves room for a re-issue.
# A partial unique index holds on SQLite and PostgreSQL alike, even when two requests complete
# the same course at once: the second insert fails and its whole transaction rolls back.
_live = Certificate.revoked_at.is_(None)
Index("ux_certificate_live", Certificate.user_id, Certificate.course_id, unique=True,
      sqlite_where=_live, postgresql_where=_live)
