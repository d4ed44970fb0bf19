"""LTI 1.3: the platforms that launch elearn, who they launched, and the grades owed to them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.db import Base, utcnow
from elearn.units.models import OrgUnit


class LtiPlatform(Base):
    """A platform (another LMS) registered by an administrator, with the tool's own key pair for it."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platform_issuer_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_ids: Mapped[str] = mapped_column(Text, default="")  # one per line
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    # Where cadres it launches for the first time get their account.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    # The tool's RSA key for this platform: signs the AGS token requests; its public half is in the JWKS.
    private_key: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit] = relationship(lazy="joined")

    @property
    def deployments(self) -> list[str]:
        return [d for d in (line.strip() for line in self.deployment_ids.splitlines()) if d]


class LtiIdentity(Base):
    """The account a platform's user (``sub`` of an ``issuer``) signs in to: never matched by e-mail."""

    __tablename__ = "lti_identity"
    __table_args__ = (UniqueConstraint("issuer", "sub", name="uq_lti_identity_issuer_sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class LtiNonce(Base):
    """A nonce sent with an OIDC login; a launch uses it once (a replayed id_token finds it used)."""

    __tablename__ = "lti_nonce"

    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    used_at: Mapped[datetime | None]


class LtiLink(Base):
    """A cadre launched into a course or quiz from a resource link: where their grade goes (AGS)."""

    __tablename__ = "lti_link"
    __table_args__ = (
        UniqueConstraint("platform_id", "resource_link_id", "user_id", name="uq_lti_link_resource_user"),
        Index("ix_lti_link_target", "user_id", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    sub: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    target_kind: Mapped[str] = mapped_column(String(16))   # "course" or "quiz"
    target_id: Mapped[int]
    # The AGS claim of the launch (its line item and scopes); None: the platform takes no grades.
    ags: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # None: SQL NULL, not 'null'
    launched_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[LtiPlatform] = relationship(lazy="joined")


class LtiScore(Base):
    """A score owed to a platform's line item, kept until the platform has it (sent by the worker)."""

    __tablename__ = "lti_score"
    __table_args__ = (Index("ix_lti_score_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_link.id", ondelete="CASCADE"), index=True)
    score_given: Mapped[float]
    score_maximum: Mapped[float]
    completed: Mapped[bool] = mapped_column(default=True)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    link: Mapped[LtiLink] = relationship(lazy="joined")
