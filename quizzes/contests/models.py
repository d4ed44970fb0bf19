"""Online knowledge contests: contests, timed rounds, entrants and their entries.

An entry keeps the exact question versions and choice orders it drew (as quiz attempts
do), so editing a question in the bank never changes a contest's results. Entry limits
are held by a unique ``(round_id, entrant_id, seq)``: two simultaneous starts cannot
both take the last slot.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.db import Base, BinaryString, str_enum, utcnow
from elearn.units.models import OrgUnit


class ContestStatus(str, enum.Enum):
    DRAFT = "draft"          # only organisers see it
    PUBLISHED = "published"  # listed on the public contests page


class PredictionKind(str, enum.Enum):
    ALL_CORRECT = "all_correct"  # how many entrants will answer every question correctly
    ENTRIES = "entries"          # how many entries will the round receive


class CountedEntry(str, enum.Enum):
    BEST = "best"    # most correct answers; the earliest submitted among equals
    FIRST = "first"  # the first submitted entry only


# Ranking criteria after the number of correct answers; the organiser orders them.
RANKING_ORDERS = ("correct,prediction,time", "correct,time,prediction")


class Contest(Base):
    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    rules_html: Mapped[str] = mapped_column(Text, default="")  # sanitized on save
    organiser_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organiser_name: Mapped[str] = mapped_column(String(255), default="")  # e.g. "Ban Tuyên giáo Tỉnh ủy"
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[ContestStatus] = mapped_column(str_enum(ContestStatus), default=ContestStatus.DRAFT)
    allow_public: Mapped[bool] = mapped_column(default=True)
    min_age: Mapped[int] = mapped_column(default=16)
    entries_per_round: Mapped[int] = mapped_column(default=1)  # 0 = unlimited
    counted_entry: Mapped[CountedEntry] = mapped_column(str_enum(CountedEntry), default=CountedEntry.BEST)
    prediction_kind: Mapped[PredictionKind] = mapped_column(
        str_enum(PredictionKind), default=PredictionKind.ALL_CORRECT)
    ranking_order: Mapped[str] = mapped_column(String(64), default=RANKING_ORDERS[0])
    prizes_first: Mapped[int] = mapped_column(default=1)
    prizes_second: Mapped[int] = mapped_column(default=2)
    prizes_third: Mapped[int] = mapped_column(default=3)
    prizes_consolation: Mapped[int] = mapped_column(default=10)
    unit_depth: Mapped[int] = mapped_column(default=1)  # collective ranking by units at this tree depth
    # Only an entrant whose phone answered a one-time code may start an entry (``contests.phone``).
    require_phone: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organiser: Mapped[User] = relationship()
    rounds: Mapped[list[ContestRound]] = relationship(
        back_populates="contest", order_by="ContestRound.number", cascade="all, delete-orphan")


class ContestUnitSize(Base):
    """A configured member count for a unit, used instead of counting its active accounts."""

    __tablename__ = "contest_unit_size"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True)
    members: Mapped[int]

    unit: Mapped[OrgUnit] = relationship()


class ContestRound(Base):
    __tablename__ = "contest_round"
    __table_args__ = (UniqueConstraint("contest_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(255), default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    question_count: Mapped[int] = mapped_column(default=20)
    time_limit_minutes: Mapped[int] = mapped_column(default=10)
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # bank categories (with subcategories)
    # Results, fixed when the organiser publishes them after the round closed.
    published_at: Mapped[datetime | None]
    actual_value: Mapped[int | None]     # the true answer to the prediction question
    entry_total: Mapped[int | None]
    entrant_total: Mapped[int | None]

    contest: Mapped[Contest] = relationship(back_populates="rounds")
    prizes: Mapped[list[ContestPrize]] = relationship(
        order_by="ContestPrize.rank", cascade="all, delete-orphan")

    def name(self, label: str) -> str:
        """``label`` ("Đợt 2") with the round's title, without saying it twice when the title
        already starts with it (a round titled "Đợt 2" shows as "Đợt 2", not "Đợt 2: Đợt 2")."""
        title = (self.title or "").strip()
        if not title:
            return label
        return title if title.lower().startswith(label.lower()) else f"{label}: {title}"


class ContestEntrant(Base):
    """One person in one contest: a cadre (``user_id``) or a registered member of the public."""

    __tablename__ = "contest_entrant"
    __table_args__ = (UniqueConstraint("contest_id", "user_id", name="uq_contest_entrant_user"),
                      UniqueConstraint("contest_id", "phone", name="uq_contest_entrant_phone"),
                      UniqueConstraint("contest_id", "email", name="uq_contest_entrant_email"),
                      UniqueConstraint("challenge_nonce"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    full_name: Mapped[str] = mapped_column(String(120))
    sort_name: Mapped[str] = mapped_column(BinaryString(512), default="")
    birth_date: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(String(16))      # normalized 0xxxxxxxxx
    email: Mapped[str | None] = mapped_column(String(255))     # lower case
    address: Mapped[str] = mapped_column(String(255), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="SET NULL"), index=True)
    unit_text: Mapped[str] = mapped_column(String(255), default="")  # typed organisation when not in the tree
    code_hash: Mapped[str | None] = mapped_column(String(255))  # personal code to come back (public entrants)
    challenge_nonce: Mapped[str | None] = mapped_column(String(32))  # the challenge it solved: used once
    phone_verified_at: Mapped[datetime | None]  # ``phone`` answered a one-time code then
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit | None] = relationship()

    @property
    def unit_label(self) -> str:
        return self.unit.name if self.unit is not None else self.unit_text


class ContestCertificate(Base):
    """The certificate (``courses.certificates``) of an entrant's participation in a round, or of
    their prize: issued on the first download, the same one afterwards."""

    __tablename__ = "contest_certificate"

    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id", ondelete="CASCADE"), primary_key=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("contest_entrant.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "participation" or "prize"
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"))


class ContestPhoneCode(Base):
    """A one-time code texted to a phone for an entrant (``quizzes.contests.phone``): kept as a keyed
    hash, valid 5 minutes, 5 tries. The rows sent to one phone, address or device in the last hour
    are what the sending limits count."""

    __tablename__ = "contest_phone_code"
    __table_args__ = (Index("ix_contest_phone_code_phone", "phone", "created_at"),
                      Index("ix_contest_phone_code_entrant", "entrant_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entrant_id: Mapped[int] = mapped_column(ForeignKey("contest_entrant.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(16))  # normalized 0xxxxxxxxx
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    client_addr: Mapped[str | None] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(32), index=True)


class ContestEntry(Base):
    __tablename__ = "contest_entry"
    __table_args__ = (UniqueConstraint("round_id", "entrant_id", "seq"),
                      Index("ix_contest_entry_round_submitted", "round_id", "submitted_at"),
                      Index("ix_contest_entry_round_addr", "round_id", "client_addr"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id", ondelete="CASCADE"))
    entrant_id: Mapped[int] = mapped_column(ForeignKey("contest_entrant.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]  # 1, 2, ... per entrant and round
    started_at: Mapped[datetime] = mapped_column(default=utcnow)  # server clock only
    deadline: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    # [{"v": question_version_id, "o": [choice ids in the order shown]}, ...]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # str(version id) -> response
    correct: Mapped[int | None]
    prediction: Mapped[int | None]
    duration_ms: Mapped[int | None]
    client_addr: Mapped[str | None] = mapped_column(String(45))  # the address the entry was started from

    round: Mapped[ContestRound] = relationship()
    entrant: Mapped[ContestEntrant] = relationship()


class PrizeKind(str, enum.Enum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    CONSOLATION = "consolation"


class ContestPrize(Base):
    """The published prize list of a round: a snapshot of names and units as announced."""

    __tablename__ = "contest_prize"
    __table_args__ = (UniqueConstraint("round_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id", ondelete="CASCADE"))
    rank: Mapped[int]
    prize: Mapped[PrizeKind] = mapped_column(str_enum(PrizeKind))
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entry.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(120))
    unit_label: Mapped[str] = mapped_column(String(255), default="")
    correct: Mapped[int]
    prediction: Mapped[int]
    duration_ms: Mapped[int]


class ContestRankingFile(Base):
    """The ranking file written when a round's results are published (``quizzes.contests.proof``).

    One per round: the primary key is the round, so two publications at once (two servers, a
    double click) cannot both write one; withdrawing the results deletes it.
    """

    __tablename__ = "contest_ranking_file"

    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id", ondelete="CASCADE"), primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))         # the key of the pseudonyms: never shown
    merkle_root: Mapped[str] = mapped_column(String(64))  # hex, published on the results page
    sha256: Mapped[str] = mapped_column(String(64))       # of the file's bytes
    entries: Mapped[int]                                  # lines, one per counted entry
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # the CSV file, UTF-8
    signature: Mapped[str | None] = mapped_column(Text)  # detached JWS (``contests.signature``); None before 0024
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContestRanked(Base):
    """Where each counted entry stands in a published round: the ranking file's lines, indexed,
    so that "My entries" finds an entrant's rank without reading the file. Written with the file,
    deleted with it."""

    __tablename__ = "contest_ranked"
    __table_args__ = (Index("ix_contest_ranked_round_rank", "round_id", "rank"),)  # the results page, by rank

    round_id: Mapped[int] = mapped_column(ForeignKey("contest_round.id", ondelete="CASCADE"), primary_key=True)
    # No foreign keys on these two: the rows are copied from the ranking at publication and go with
    # the round; a foreign key check per row tripled the time of writing 60,000 of them.
    entrant_id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int]
    rank: Mapped[int]
