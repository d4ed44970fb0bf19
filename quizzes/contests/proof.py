"""The published ranking file and its Merkle root: ties that everyone can check.

At publication the platform writes one CSV file per round (``ranking_file``): a comment line with
the rules (ranking order, prediction kind, number of questions, the true value), a column header,
then one line per counted entry in rank order. An entrant appears only as a pseudonym, a keyed
hash of the round and the entrant (``pseudonym``; the key stays on the server, so nobody can tell
who a line is), never by name, phone or e-mail.

The Merkle tree (published root on the results page):

* leaf  = SHA-256(0x00 || the entry's line, UTF-8, without the newline)
* node  = SHA-256(0x01 || left || right); an odd node at the end of a level goes up unchanged
* root of no entries = SHA-256 of nothing

An entrant's proof lists, from the leaf up, each sibling and the side it stands on ("L" or
"R"). ``verify_file`` recomputes everything from the file alone: the root, the ranks 1..n, each
line's distance from the true value, the true value itself (for "all correct" predictions) and
the order of the lines under the rules written in the file. This module uses only the standard
library so that anyone can copy it (``elearn contests verify-ranking FILE``).
"""
from __future__ import annotations

import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import datetime

FORMAT = "elearn-contest-ranking/1"
COLUMNS = ("rank", "entrant", "correct", "prediction", "distance", "duration_ms", "submitted_at")
HEADER = ",".join(COLUMNS)
ORDERS = ("correct,prediction,time", "correct,time,prediction")
KINDS = ("all_correct", "entries")


def pseudonym(salt: str, round_id: int, entrant_id: int) -> str:
    """The entrant's name in the file: a keyed hash, stable within a publication, unlinkable without the key."""
    return hmac.new(salt.encode(), f"{round_id}:{entrant_id}".encode(), hashlib.sha256).hexdigest()[:24]


def leaf_hash(line: str) -> bytes:
    return hashlib.sha256(b"\x00" + line.encode("utf-8")).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _levels(leaves: list[bytes]) -> list[list[bytes]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        up = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            up.append(level[-1])
        levels.append(up)
    return levels


def merkle_root(leaves: list[bytes]) -> str:
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    return _levels(leaves)[-1][0].hex()


def merkle_proof(leaves: list[bytes], index: int) -> list[tuple[str, str]]:
    """(side, sibling hex) from the leaf up; side "L" means the sibling is on the left."""
    proof = []
    for level in _levels(leaves)[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(("L" if sibling < index else "R", level[sibling].hex()))
        index //= 2
    return proof


def root_from_proof(line: str, proof: list[tuple[str, str]]) -> str:
    h = leaf_hash(line)
    for side, sibling in proof:
        other = bytes.fromhex(sibling)
        h = _node(other, h) if side == "L" else _node(h, other)
    return h.hex()


@dataclass(frozen=True)
class Meta:
    contest_id: int
    round_id: int
    order: str
    prediction: str
    questions: int
    actual: int

    def line(self) -> str:
        return (f"# {FORMAT}; contest={self.contest_id}; round={self.round_id}; order={self.order}; "
                f"prediction={self.prediction}; questions={self.questions}; actual={self.actual}")


def format_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_line(rank: int, name: str, correct: int, prediction: int, distance: int, duration_ms: int,
               submitted_at: datetime) -> str:
    return f"{rank},{name},{correct},{prediction},{distance},{duration_ms},{format_time(submitted_at)}"


def build(meta: Meta, lines: list[str]) -> tuple[bytes, str]:
    """The file's bytes and the Merkle root over its entry lines."""
    body = "\n".join([meta.line(), HEADER, *lines]) + "\n"
    return body.encode("utf-8"), merkle_root([leaf_hash(x) for x in lines])


class VerifyError(ValueError):
    pass


@dataclass(frozen=True)
class Verified:
    meta: Meta
    entries: int
    root: str
    sha256: str


def _parse_meta(first: str) -> Meta:
    if not first.startswith(f"# {FORMAT};"):
        raise VerifyError("not a contest ranking file (first line)")
    fields = dict(part.strip().split("=", 1) for part in first[len(f"# {FORMAT};"):].split(";") if "=" in part)
    try:
        meta = Meta(int(fields["contest"]), int(fields["round"]), fields["order"], fields["prediction"],
                    int(fields["questions"]), int(fields["actual"]))
    except (KeyError, ValueError):
        raise VerifyError("the first line does not state the rules") from None
    if meta.order not in ORDERS or meta.prediction not in KINDS:
        raise VerifyError("unknown ranking order or prediction kind")
    return meta


def sort_key(order: str, correct: int, distance: int, duration_ms: int, submitted: str) -> tuple:
    if order == "correct,prediction,time":
        return (-correct, distance, duration_ms, submitted)
    return (-correct, duration_ms, distance, submitted)


def lines_of(data: bytes) -> tuple[Meta, list[str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise VerifyError("the file is not UTF-8") from None
    rows = io.StringIO(text).read().split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    if len(rows) < 2 or rows[1] != HEADER:
        raise VerifyError("the file has no column header")
    return _parse_meta(rows[0]), rows[2:]


def verify_file(data: bytes, root: str | None = None) -> Verified:
    """Check a ranking file on its own (and against a published root); VerifyError says what is wrong."""
    meta, lines = lines_of(data)
    previous = None
    all_correct = 0
    for number, line in enumerate(lines, start=1):
        parts = line.split(",")
        if len(parts) != len(COLUMNS):
            raise VerifyError(f"line {number}: {len(parts)} fields")
        try:
            rank, correct, prediction, distance, duration = (int(parts[i]) for i in (0, 2, 3, 4, 5))
        except ValueError:
            raise VerifyError(f"line {number}: a number is not a number") from None
        if rank != number:
            raise VerifyError(f"line {number}: rank {rank}, expected {number}")
        if distance != abs(prediction - meta.actual):
            raise VerifyError(f"line {number}: distance {distance} is not |{prediction} - {meta.actual}|")
        all_correct += correct >= meta.questions
        key = sort_key(meta.order, correct, distance, duration, parts[6])
        if previous is not None and key < previous:
            raise VerifyError(f"line {number}: placed above an entry the rules rank higher")
        previous = key
    if meta.prediction == "all_correct" and all_correct != meta.actual:
        raise VerifyError(f"the true value {meta.actual} is not the {all_correct} all-correct entries")
    computed = merkle_root([leaf_hash(x) for x in lines])
    if root is not None and computed != root.strip().lower():
        raise VerifyError(f"Merkle root {computed} differs from the published {root}")
    return Verified(meta, len(lines), computed, hashlib.sha256(data).hexdigest())
