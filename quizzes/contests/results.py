"""Contest results: published once per round, after the close has settled, with the ranking file
(pseudonymous lines, Merkle root, signature) every entrant can check; withdrawn to publish again."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from courses.certificates import services as certificate_services
from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from quizzes.contests import proof, signature
from quizzes.contests.models import (
    Contest,
    ContestEntrant,
    ContestPrize,
    ContestRanked,
    ContestRankingFile,
    ContestRound,
    PrizeKind,
)
from quizzes.contests.ranking import rank_round
from quizzes.contests.services import ContestError, round_state

# Publishing waits until no submission can still arrive (deadline <= close, + GRACE, + a slow request).
SETTLE = timedelta(minutes=1)


def require_closed(r: ContestRound, now: datetime | None = None) -> None:
    """No ranking leaves the server before the round closes."""
    if round_state(r, now) != "closed":
        raise ContestError(_("Results are available only after the round has closed."))


def prize_plan(contest: Contest) -> list[PrizeKind]:
    return ([PrizeKind.FIRST] * contest.prizes_first + [PrizeKind.SECOND] * contest.prizes_second
            + [PrizeKind.THIRD] * contest.prizes_third + [PrizeKind.CONSOLATION] * contest.prizes_consolation)


def publish_results(r: ContestRound, actor: User, now: datetime | None = None) -> None:
    """Fix the round's results and prize list (names and units as they stand now) and write the
    ranking file with its Merkle root (``quizzes.contests.proof``).

    Once only: a conditional UPDATE takes the round from unpublished to published, so a second
    publication (a double click, a second server at the same moment) is refused and writes nothing;
    the ranking file's primary key is the round as well. Withdraw first to publish again.
    """
    require_closed(r, now)
    now = now or utcnow()
    if now < r.closes_at + SETTLE:
        raise ContestError(_("Entries started before the close may still be submitted for a minute; "
                             "publish the results after that."))
    taken = db.session.execute(
        update(ContestRound).where(ContestRound.id == r.id, ContestRound.published_at.is_(None))
        .values(published_at=now).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise ContestError(_("The results of this round have already been published."))
    db.session.refresh(r, ["published_at"])
    ranking = rank_round(r)
    plan = prize_plan(r.contest)
    winners = ranking.rows[:len(plan)]
    entrants = {e.id: e for e in db.session.scalars(
        select(ContestEntrant).where(ContestEntrant.id.in_([w.entrant_id for w in winners] or [0])))}
    r.prizes.clear()
    db.session.flush()
    for row, prize in zip(winners, plan):
        e = entrants[row.entrant_id]
        r.prizes.append(ContestPrize(rank=row.rank, prize=prize, entry_id=row.entry_id, full_name=e.full_name,
                                     unit_label=e.unit_label, correct=row.correct, prediction=row.prediction,
                                     duration_ms=row.duration_ms))
    r.actual_value, r.entry_total, r.entrant_total = ranking.actual, ranking.entries, ranking.entrants
    file = write_ranking_file(r, ranking)
    try:
        with db.session.begin_nested():
            db.session.add(file)
    except IntegrityError:
        raise ContestError(_("The results of this round have already been published.")) from None
    _write_ranked(r, ranking.rows)
    audit.record("contest.results.publish", target=f"round:{r.id}", actor=actor, actual=ranking.actual,
                 entries=ranking.entries, prizes=[(p.rank, p.entry_id) for p in r.prizes],
                 merkle_root=file.merkle_root, sha256=file.sha256)


def _write_ranked(r: ContestRound, rows) -> None:
    """Each counted entry's rank (``ContestRanked``): on PostgreSQL one INSERT of three arrays
    (unnest), elsewhere an executemany."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            "INSERT INTO contest_ranked (round_id, entrant_id, entry_id, rank) SELECT :round_id, e, x, k "
            "FROM unnest(CAST(:entrants AS integer[]), CAST(:entries AS integer[]), CAST(:ranks AS integer[])) "
            "AS t(e, x, k)"),
            {"round_id": r.id, "entrants": [x.entrant_id for x in rows], "entries": [x.entry_id for x in rows],
             "ranks": [x.rank for x in rows]})
        return
    db.session.execute(insert(ContestRanked), [
        {"round_id": r.id, "entrant_id": x.entrant_id, "entry_id": x.entry_id, "rank": x.rank} for x in rows])


def write_ranking_file(r: ContestRound, ranking) -> ContestRankingFile:
    """The ranking file of ``ranking`` (one line per counted entry, pseudonyms only), not yet added."""
    salt = secrets.token_hex(32)
    contest = r.contest
    meta = proof.Meta(contest.id, r.id, contest.ranking_order, contest.prediction_kind.value, r.question_count,
                      ranking.actual)
    lines = [proof.entry_line(x.rank, proof.pseudonym(salt, r.id, x.entrant_id), x.correct, x.prediction,
                              x.distance, x.duration_ms, x.submitted_at) for x in ranking.rows]
    content, root = proof.build(meta, lines)
    sha256 = hashlib.sha256(content).hexdigest()
    signed = signature.sign(signature.statement(contest.id, r.id, len(lines), sha256, root),
                            certificate_services.keyring())
    return ContestRankingFile(round_id=r.id, salt=salt, merkle_root=root, sha256=sha256, entries=len(lines),
                              content=content, signature=signed)


def ranking_file(r: ContestRound) -> ContestRankingFile | None:
    return db.session.get(ContestRankingFile, r.id) if r.published_at is not None else None


def withdraw_results(r: ContestRound, actor: User) -> None:
    from quizzes.contests.certificates import revoke_prizes  # it reads this module's rules

    if r.published_at is None:
        return
    revoke_prizes(r, actor)
    audit.record("contest.results.withdraw", target=f"round:{r.id}", actor=actor,
                 prizes=[(p.rank, p.entry_id) for p in r.prizes])
    db.session.execute(delete(ContestRanked).where(ContestRanked.round_id == r.id))
    db.session.execute(delete(ContestRankingFile).where(ContestRankingFile.round_id == r.id))
    r.prizes.clear()
    r.published_at = None
    db.session.flush()


def unsigned_ranking_files() -> list[int]:
    """The rounds whose published ranking file has no signature: published before migration 0024."""
    return list(db.session.scalars(select(ContestRankingFile.round_id)
                                   .where(ContestRankingFile.signature.is_(None))
                                   .order_by(ContestRankingFile.round_id)))


def sign_ranking_file(round_id: int) -> bool:
    """Sign the ranking file of a round published before files were signed (``elearn contests
    sign-rankings``). The bytes stay as published; they must still match the figures published with
    them (the root on the results page), else ``proof.VerifyError``. One conditional UPDATE: a file
    signed meanwhile (by another run) is left as it is, and False says so."""
    file = db.session.get(ContestRankingFile, round_id)
    if file is None or file.signature:
        return False
    r = db.session.get(ContestRound, round_id)
    checked, token = signature.sign_file(file.content, certificate_services.keyring())
    published = (r.contest_id, file.round_id, file.entries, file.sha256, file.merkle_root)
    if (checked.meta.contest_id, checked.meta.round_id, checked.entries, checked.sha256, checked.root) != published:
        raise proof.VerifyError("the stored file does not match the figures published with it")
    done = db.session.execute(
        update(ContestRankingFile).where(ContestRankingFile.round_id == round_id,
                                         ContestRankingFile.signature.is_(None))
        .values(signature=token).execution_options(synchronize_session=False)).rowcount
    db.session.expunge(file)  # its content (the whole file) is not kept while the next one is signed
    if done:
        audit.record("contest.ranking.signed", target=f"round:{round_id}", sha256=checked.sha256)
    return done == 1
