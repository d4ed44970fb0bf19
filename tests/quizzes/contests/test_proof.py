"""Ties everyone can check: the published ranking file, its Merkle root, the entrant's proof,
publishing once, and the command that checks a file without the platform."""
import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from elearn import db
from elearn.db import utcnow
from quizzes.bank import services as bank
from quizzes.bank.models import Question
from quizzes.contests import entries, proof, queries, registration, results, services
from quizzes.contests.models import ContestEntry, ContestRanked, ContestRankingFile, ContestRound
from quizzes.contests.services import ContestError
from tests.factories import make_user
from tests.quizzes.contests.factories import make_contest, right_answers

# --- an independent recomputation: the published definition, written again from the text ---------

def independent_root(lines: list[str]) -> str:
    """Leaf = SHA-256(0x00 || line); node = SHA-256(0x01 || left || right); an odd last node goes up."""
    level = [hashlib.sha256(bytes([0]) + x.encode("utf-8")).digest() for x in lines]
    if not level:
        return hashlib.sha256().hexdigest()
    while len(level) > 1:
        pairs, carry = divmod(len(level), 2)
        nxt = [hashlib.sha256(bytes([1]) + level[2 * i] + level[2 * i + 1]).digest() for i in range(pairs)]
        level = nxt + (level[-1:] if carry else [])
    return level[0].hex()


def independent_check(data: bytes) -> tuple[str, list[str]]:
    """The file's own rules checked without the module: (root, lines)."""
    text = data.decode("utf-8").splitlines()
    rules = dict(p.strip().split("=") for p in text[0].split(";")[1:])
    actual, questions = int(rules["actual"]), int(rules["questions"])
    assert text[1] == "rank,entrant,correct,prediction,distance,duration_ms,submitted_at"
    lines = text[2:]
    keys = []
    for i, line in enumerate(lines, 1):
        rank, _name, correct, guess, distance, ms, at = line.split(",")
        assert int(rank) == i and int(distance) == abs(int(guess) - actual)
        key = (-int(correct), int(distance), int(ms)) if rules["order"] == "correct,prediction,time" \
            else (-int(correct), int(ms), int(distance))
        keys.append(key + (at,))
    assert keys == sorted(keys)
    if rules["prediction"] == "all_correct":
        assert actual == sum(1 for line in lines if int(line.split(",")[2]) >= questions)
    return independent_root(lines), lines


@pytest.mark.parametrize("n", range(0, 12))
def test_merkle_root_and_every_proof_match_the_independent_definition(n):
    lines = [f"{i + 1},name{i},10,{i},{i},1000,2026-01-01T00:00:00.000000Z" for i in range(n)]
    leaves = [proof.leaf_hash(x) for x in lines]
    assert proof.merkle_root(leaves) == independent_root(lines)
    for i, line in enumerate(lines):
        path = proof.merkle_proof(leaves, i)
        assert proof.root_from_proof(line, path) == independent_root(lines)
        assert proof.root_from_proof(line + " ", path) != independent_root(lines)


# --- publishing --------------------------------------------------------------------------------

def _play(r, people):
    """people: (user, wrong answers, prediction); returns the entrants."""
    entrants = []
    for user, wrong, guess in people:
        entrant = registration.cadre_entrant(r.contest, user)
        entry = entries.start_entry(r, entrant)
        entries.submit_entry(entry, right_answers(entry, wrong=wrong), str(guess))
        entrants.append(entrant)
    db.session.commit()
    return entrants


def _closed(**values):
    contest, r = make_contest(entries_per_round=3, **values)
    users = [make_user(full_name=f"Nguyễn Văn {c}", email=f"u{c}@example.vn") for c in "ABCDE"]
    entrants = _play(r, [(users[0], 0, 3), (users[1], 0, 1), (users[2], 1, 3), (users[3], 0, 9), (users[4], 4, 2)])
    _play(r, [(users[2], 0, 3)])  # a second entry: the better one counts
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    return contest, r, users, entrants


def test_publication_writes_a_ranking_file_that_checks_and_names_nobody(app):
    contest, r, users, entrants = _closed()
    results.publish_results(r, contest.organiser)
    db.session.commit()
    file = db.session.get(ContestRankingFile, r.id)
    root, lines = independent_check(file.content)
    assert root == file.merkle_root and len(lines) == file.entries == 5 == r.entrant_total
    assert hashlib.sha256(file.content).hexdigest() == file.sha256
    assert proof.verify_file(file.content, file.merkle_root).entries == 5
    text = file.content.decode()
    for user in users:
        assert user.full_name not in text and user.email not in text and user.username not in text
    assert file.salt not in text
    # Every entrant finds their own line; the counted entry of the one who entered twice is the better one.
    ranks = {e.id: queries.my_rounds(e)[0].placed for e in entrants}
    assert sorted(p.rank for p in ranks.values()) == [1, 2, 3, 4, 5]
    assert ranks[entrants[2].id].correct == 10
    # Each entrant's place is the line of the file with their pseudonym.
    _meta, lines = proof.lines_of(file.content)
    for e in entrants:
        line = lines[ranks[e.id].rank - 1].split(",")
        assert line[1] == proof.pseudonym(file.salt, r.id, e.id)
        assert (int(line[2]), int(line[3]), int(line[4])) == \
            (ranks[e.id].correct, ranks[e.id].prediction, ranks[e.id].distance)


def test_a_changed_line_a_wrong_order_or_a_wrong_root_is_caught(app):
    contest, r, _users, _entrants = _closed()
    results.publish_results(r, contest.organiser)
    file = db.session.get(ContestRankingFile, r.id)
    meta, lines = proof.lines_of(file.content)
    swapped = lines[:]
    swapped[0], swapped[1] = lines[1].replace("2,", "1,", 1), lines[0].replace("1,", "2,", 1)
    for bad, words in ((swapped, "placed above"), ([lines[0].replace(",", ",x", 1)] + lines[1:], None)):
        body, _root = proof.build(meta, bad)
        with pytest.raises(proof.VerifyError, match=words):
            proof.verify_file(body, file.merkle_root)
    body, _root = proof.build(meta, lines[:-1])  # an entry left out: the root no longer matches
    with pytest.raises(proof.VerifyError, match="Merkle root"):
        proof.verify_file(body, file.merkle_root)
    wrong_truth = proof.Meta(meta.contest_id, meta.round_id, meta.order, meta.prediction, meta.questions, 7)
    with pytest.raises(proof.VerifyError):
        proof.verify_file(proof.build(wrong_truth, lines)[0])


def test_publishing_twice_or_from_two_servers_gives_one_result(app):
    contest, r, _users, _entrants = _closed()
    results.publish_results(r, contest.organiser)
    db.session.commit()
    root = db.session.get(ContestRankingFile, r.id).merkle_root
    with pytest.raises(ContestError, match="đã được công bố"):
        results.publish_results(r, contest.organiser)
    db.session.rollback()
    # A second server read the round before the first committed: its stale copy still says unpublished.
    results.withdraw_results(r, contest.organiser)
    db.session.commit()
    results.publish_results(r, contest.organiser)
    db.session.commit()
    second_root = db.session.get(ContestRankingFile, r.id).merkle_root
    assert second_root != root  # a new publication has a new key for its pseudonyms
    db.session.execute(update(ContestRound).where(ContestRound.id == r.id).values(published_at=None))
    r.published_at = None  # what the other server saw
    db.session.execute(update(ContestRound).where(ContestRound.id == r.id).values(published_at=utcnow()))
    with pytest.raises(ContestError, match="đã được công bố"):
        results.publish_results(r, contest.organiser)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ContestRankingFile)) == 1
    assert db.session.get(ContestRankingFile, r.id).merkle_root == second_root
    assert db.session.scalar(select(func.count()).select_from(ContestRanked)) == 5  # not twice


def test_a_question_changed_after_publication_changes_neither_the_round_nor_the_file(app):
    contest, r, _users, _entrants = _closed()
    results.publish_results(r, contest.organiser)
    db.session.commit()
    file = db.session.get(ContestRankingFile, r.id)
    with pytest.raises(ContestError, match="đã được công bố"):
        services.update_round(r, contest.organiser, {"question_count": 11})
    db.session.rollback()
    drawn = db.session.scalars(select(ContestEntry)).first().questions[0]["v"]
    question = db.session.scalar(select(Question).where(Question.current_version_id == drawn))
    bank.update_question(question, text_html="<p>Câu hỏi đã sửa</p>", user=contest.organiser)
    db.session.commit()
    assert question.current_version_id != drawn  # a new version; the entries keep the one they drew
    assert db.session.scalars(select(ContestEntry)).first().questions[0]["v"] == drawn
    assert proof.verify_file(file.content, file.merkle_root)


def test_verify_ranking_command_checks_the_file_and_an_entrants_proof(app, runner, tmp_path):
    contest, r, _users, entrants = _closed(ranking_order="correct,time,prediction")
    results.publish_results(r, contest.organiser)
    db.session.commit()
    file = db.session.get(ContestRankingFile, r.id)
    path = tmp_path / "ranking.csv"
    path.write_bytes(file.content)
    ok = runner.invoke(args=["contests", "verify-ranking", str(path), "--root", file.merkle_root])
    assert ok.exit_code == 0 and "ok: 5 entries" in ok.output, ok.output
    found = queries.entry_proof(r, entrants[1])
    mine = tmp_path / "proof.json"
    mine.write_text(json.dumps({"line": found.line, "proof": found.path}))
    ok = runner.invoke(args=["contests", "verify-ranking", str(path), "--proof", str(mine)])
    assert ok.exit_code == 0 and found.line in ok.output
    wrong = runner.invoke(args=["contests", "verify-ranking", str(path), "--root", "00" * 32])
    assert wrong.exit_code != 0 and "Merkle root" in wrong.output
    mine.write_text(json.dumps({"line": found.line, "proof": found.path[1:] or [["L", "00" * 32]]}))
    assert runner.invoke(args=["contests", "verify-ranking", str(path), "--proof", str(mine)]).exit_code != 0
    path.write_bytes(file.content.replace(b",10,", b",9,", 1))
    assert runner.invoke(args=["contests", "verify-ranking", str(path)]).exit_code != 0


def test_two_servers_publishing_at_once_give_one_result(app):
    from tests.quizzes.test_concurrency import _in_threads

    contest, r, _users, _entrants = _closed()
    round_id, organiser_id = r.id, contest.organiser_id

    def publish(_i):
        from elearn.accounts.models import User

        mine = db.session.get(ContestRound, round_id)
        results.publish_results(mine, db.session.get(User, organiser_id))
        return db.session.get(ContestRankingFile, round_id).merkle_root

    outcomes = _in_threads(app, publish)
    assert sum(isinstance(x, ContestError) for x in outcomes) == 1, outcomes
    root = next(x for x in outcomes if isinstance(x, str))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ContestRankingFile)) == 1
    assert db.session.get(ContestRankingFile, round_id).merkle_root == root


def test_results_wait_until_no_late_submission_can_arrive(app):
    """An entry started just before the close may be submitted up to GRACE after it: publishing
    earlier would leave that entry out of a ranking already published."""
    contest, r = make_contest(entries_per_round=0)
    entrant = registration.cadre_entrant(contest, make_user())
    entry = entries.start_entry(r, entrant)
    closes = utcnow()
    r.closes_at = closes
    entry.deadline = closes
    db.session.commit()
    entries.submit_entry(entry, right_answers(entry), "1", now=closes + timedelta(seconds=15))  # within GRACE
    db.session.commit()
    with pytest.raises(ContestError, match="một phút"):
        results.publish_results(r, contest.organiser, now=closes + timedelta(seconds=16))
    db.session.rollback()
    results.publish_results(r, contest.organiser, now=closes + results.SETTLE)
    assert r.entry_total == 1 and db.session.get(ContestRankingFile, r.id).entries == 1
