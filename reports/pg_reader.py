"""One batch of a long export read from PostgreSQL, text as the UTF-8 bytes it arrives in.

Imported by ``reports.readers`` only when the database is PostgreSQL: psycopg costs every
process some 9 MB and 75 ms to load, which an SQLite installation never needs.
"""
from __future__ import annotations

import psycopg


class TextAsBytes(psycopg.adapt.Loader):
    """A text value as the UTF-8 bytes it came in, without becoming a Python string (twice its
    size for Vietnamese) to be encoded again."""

    def load(self, data) -> bytes:
        return bytes(data)


def first_row(connection: psycopg.Connection, sql: str) -> tuple:
    """The first row of ``sql`` (values already rendered in it), read by a cursor of its own,
    whose text loader no other use of the pooled connection sees."""
    with connection.cursor() as cursor:
        for type_name in ("text", "varchar"):
            cursor.adapters.register_loader(type_name, TextAsBytes)
        cursor.execute(sql, {})  # {}: psycopg then reads the rendered "%%" as "%"
        row = cursor.fetchone()
    if row is None:
        raise ValueError("the statement returned no row")
    return tuple(row)
