"""course.self_enrol is spelled self_enroll, as enroll() and Enrollment are

Revision ID: 0016_self_enroll
Revises: 0015_due_day_end
Create Date: 2026-12-04 05:00:00
"""
from alembic import op

revision = '0016_self_enroll'
down_revision = '0015_due_day_end'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both SQLite (3.25+) and PostgreSQL rename in place: no table copy.
    op.execute("ALTER TABLE course RENAME COLUMN self_enrol TO self_enroll")


def downgrade() -> None:
    op.execute("ALTER TABLE course RENAME COLUMN self_enroll TO self_enrol")
