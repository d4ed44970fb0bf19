"""A package item's content, and each cadre's runtime data for it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.db import Base, str_enum, utcnow


class PackageStandard(str, enum.Enum):
    # Never shown: the page names them in words ("SCORM 1.2"), so a stored value is not a word of the page.
    SCORM12 = "scorm_1_2"
    SCORM2004 = "scorm_2004"
    CMI5 = "cmi5_au"


class Package(Base):
    """The unpacked package of an item: ``folder`` (generated) under UPLOAD_DIR/packages."""

    __tablename__ = "course_package"

    item_id: Mapped[int] = mapped_column(ForeignKey("course_item.id", ondelete="CASCADE"), primary_key=True)
    standard: Mapped[PackageStandard] = mapped_column(str_enum(PackageStandard))
    folder: Mapped[str] = mapped_column(String(32), unique=True)
    launch: Mapped[str] = mapped_column(String(500))           # path inside the folder, checked on upload
    launch_query: Mapped[str] = mapped_column(String(500), default="")  # the manifest's parameters
    activity_id: Mapped[str | None] = mapped_column(String(500))  # cmi5: the AU's id
    move_on: Mapped[str | None] = mapped_column(String(32))       # cmi5: what completes the AU
    mastery_score: Mapped[float | None] = mapped_column(Float)    # 0..1 (cmi5), 0..100 (SCORM 1.2)
    original_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    files: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PackageAttempt(Base):
    """One row per (cadre, package item): the latest state the runtime committed.

    ``seq`` orders commits: the launch time (ms, from the server) * 100000 + the runtime's commit
    sequence; a commit whose ``seq`` is not above the stored one (a resend, an older tab) changes nothing.
    """

    __tablename__ = "course_package_attempt"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("course_item.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    completion_status: Mapped[str] = mapped_column(String(20), default="not attempted")
    success_status: Mapped[str] = mapped_column(String(20), default="unknown")
    score: Mapped[float | None] = mapped_column(Float)  # percent 0..100
    location: Mapped[str] = mapped_column(String(1000), default="")
    suspend_data: Mapped[str] = mapped_column(Text, default="")
    total_seconds: Mapped[int] = mapped_column(default=0)
    fetched_launch: Mapped[int | None] = mapped_column(BigInteger)  # cmi5: the launch whose token was handed out
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
