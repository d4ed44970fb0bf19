"""``elearn contests sign-rankings``: the ranking files of rounds published before files were signed
(migration 0024 added the column empty) are signed from their stored bytes, which do not change; a
second run signs nothing, and a file that no longer checks signs nothing at all."""
from sqlalchemy import select, update

from elearn import db
from elearn.audit import AuditLog
from quizzes.contests import results, signature
from quizzes.contests.models import ContestRankingFile
from tests.quizzes.contests.test_proof import _closed


def _published_unsigned():
    """A round published as before migration 0024: its ranking file without a signature."""
    contest, r, _users, _entrants = _closed()
    results.publish_results(r, contest.organiser)
    db.session.execute(update(ContestRankingFile).where(ContestRankingFile.round_id == r.id).values(signature=None))
    db.session.commit()
    db.session.expire_all()
    return contest, r


def _file(round_id: int) -> ContestRankingFile:
    db.session.expire_all()
    return db.session.get(ContestRankingFile, round_id)


def test_an_unsigned_file_is_signed_once_and_checks_with_the_published_keys(app, client, runner):
    contest, r = _published_unsigned()
    base = f"/contests/{contest.id}/rounds/{r.id}"
    assert client.get(base + "/ranking-file.jws").status_code == 404
    before = _file(r.id)
    content, sha256 = before.content, before.sha256

    first = runner.invoke(args=["contests", "sign-rankings"])
    assert first.exit_code == 0 and f"round {r.id}: ranking file signed" in first.output, first.output
    assert "1 ranking files signed" in first.output
    file = _file(r.id)
    assert file.content == content and file.sha256 == sha256  # the published bytes stay as they were
    token = client.get(base + "/ranking-file.jws").get_data(as_text=True).strip()
    assert token == file.signature
    checked, kid = signature.verify(content, token, client.get("/.well-known/jwks.json").get_json())
    assert checked.root == file.merkle_root and kid

    again = runner.invoke(args=["contests", "sign-rankings"])
    assert again.exit_code == 0 and "0 ranking files signed" in again.output, again.output
    assert _file(r.id).signature == token
    signed = db.session.scalars(select(AuditLog).where(AuditLog.action == "contest.ranking.signed")).all()
    assert [(e.target, e.details["sha256"]) for e in signed] == [(f"round:{r.id}", sha256)]  # once


def test_a_file_signed_at_publication_is_left_as_it_is(app, runner):
    contest, r, _users, _entrants = _closed()
    results.publish_results(r, contest.organiser)
    db.session.commit()
    token = _file(r.id).signature
    assert token and results.unsigned_ranking_files() == []
    assert results.sign_ranking_file(r.id) is False
    assert _file(r.id).signature == token


def test_a_file_that_no_longer_checks_signs_nothing(app, runner):
    _contest, r = _published_unsigned()
    _other_contest, other = _published_unsigned()
    file = _file(r.id)
    db.session.execute(update(ContestRankingFile).where(ContestRankingFile.round_id == r.id)
                       .values(content=file.content.replace(b"\n1,", b"\n2,", 1)))
    db.session.commit()
    refused = runner.invoke(args=["contests", "sign-rankings"])
    assert refused.exit_code != 0 and f"round {r.id}: the ranking file does not check" in refused.output, \
        refused.output
    assert _file(r.id).signature is None and _file(other.id).signature is None  # all or nothing
