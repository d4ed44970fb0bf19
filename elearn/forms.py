"""What the forms of every package share."""
from __future__ import annotations

import enum
from typing import Any


def choice_value(value: Any) -> Any:
    """``SelectField(coerce=choice_value)`` for a field edited from an object whose attribute is an
    Enum: the stored member is compared with the choices by its value, so the edit form shows (and
    an unchanged save keeps) the stored choice instead of falling back to the first option."""
    return value.value if isinstance(value, enum.Enum) else value
