import math

from courses.certificates import codes


def test_codes_are_random_long_and_readable():
    seen = {codes.new_code() for _ in range(2000)}
    assert len(seen) == 2000
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 80
    for code in seen:
        assert codes.is_well_formed(code)
        assert not set(code) & set("01OIL")


def test_normalize_accepts_dashes_spaces_and_lower_case():
    code = codes.new_code()
    shown = codes.grouped(code)
    assert shown.count("-") == codes.LENGTH // codes.GROUP - 1 and shown.replace("-", "") == code
    assert codes.normalize(shown.lower()) == code
    assert codes.normalize(" " + " ".join(shown.split("-")) + " ") == code
    assert codes.normalize("x" * 10_000) == "X" * codes.MAX_INPUT  # bounded work for any input
