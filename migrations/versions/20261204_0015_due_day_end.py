"""due and closing dates end within their own day

A due date (and a course's closing date) was stored as the first instant of the next day in
Vietnam, so every page and export that showed it as a date showed the day after. It is now the
last instant of the day itself (23:59:59.999999, Asia/Ho_Chi_Minh); the rows written the old way
are moved back by one microsecond.

Revision ID: 0015_due_day_end
Revises: 0014_session_version
Create Date: 2026-12-04 02:30:00
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = '0015_due_day_end'
down_revision = '0014_session_version'
branch_labels = None
depends_on = None

COLUMNS = (("course", "id", "closes_at"), ("course_assignment", "id", "due_at"), ("enrollment", "id", "due_at"))
# Local midnight in Vietnam (UTC+7, no daylight saving) is 17:00:00 UTC.
OLD_END = (17, 0, 0, 0)
NEW_END = (16, 59, 59, 999999)


def _shift(from_end: tuple, delta: timedelta) -> None:
    conn = op.get_bind()
    for table, key, column in COLUMNS:
        t = sa.table(table, sa.column(key, sa.Integer), sa.column(column, sa.DateTime))
        rows = conn.execute(sa.select(t.c[key], t.c[column]).where(t.c[column].is_not(None))).all()
        moved = [{"k": k, "v": v + delta} for k, v in rows
                 if (v.hour, v.minute, v.second, v.microsecond) == from_end]
        if moved:
            conn.execute(t.update().where(t.c[key] == sa.bindparam("k")).values({column: sa.bindparam("v")}), moved)


def upgrade() -> None:
    _shift(OLD_END, -timedelta(microseconds=1))


def downgrade() -> None:
    _shift(NEW_END, timedelta(microseconds=1))
