"""``elearn contests``: list contests, see and publish a closed round's results, export them, sign the
ranking files published before they were signed."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from elearn import db


@click.group("contests", help="Online knowledge contests.")
def contests_group():
    pass


def _round(round_id: int):
    from quizzes.contests.models import ContestRound

    r = db.session.get(ContestRound, round_id)
    if r is None:
        raise click.ClickException(f"no round {round_id}")
    return r


@contests_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def list_contests(as_json):
    from sqlalchemy import select

    from elearn.cli import echo_json
    from quizzes.contests.models import Contest
    from quizzes.contests.services import round_state

    contests = db.session.scalars(select(Contest).order_by(Contest.starts_at)).all()
    rows = [{"id": c.id, "title": c.title, "status": c.status.value,
             "rounds": [{"id": r.id, "number": r.number, "state": round_state(r),
                         "opens_at": r.opens_at, "closes_at": r.closes_at, "published": r.published_at is not None}
                        for r in c.rounds]} for c in contests]
    if as_json:
        echo_json(rows)
        return
    for c in rows:
        click.echo(f"{c['id']:>4}  {c['title']}  [{c['status']}]")
        for r in c["rounds"]:
            click.echo(f"        round {r['number']} (id {r['id']}): {r['state']}"
                       f"{', results published' if r['published'] else ''}")


@contests_group.command("results")
@click.argument("round_id", type=int)
@click.option("--top", default=20, show_default=True, help="How many ranks to print.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def results(round_id, top, as_json):
    """Ranking of a closed round (refused while it is open)."""
    from elearn.cli import echo_json
    from quizzes.contests.ranking import rank_round
    from quizzes.contests.results import require_closed
    from quizzes.contests.services import ContestError

    r = _round(round_id)
    try:
        require_closed(r)
    except ContestError as error:
        raise click.ClickException(str(error)) from None
    ranking = rank_round(r)
    data = {"entries": ranking.entries, "entrants": ranking.entrants, "all_correct": ranking.all_correct,
            "actual": ranking.actual,
            "top": [{"rank": x.rank, "entry_id": x.entry_id, "correct": x.correct, "prediction": x.prediction,
                     "seconds": x.duration_ms / 1000} for x in ranking.rows[:top]]}
    if as_json:
        echo_json(data)
        return
    click.echo(f"entries {data['entries']}, entrants {data['entrants']}, all correct {data['all_correct']}, "
               f"actual value {data['actual']}")
    for x in data["top"]:
        click.echo(f"{x['rank']:>6}  entry {x['entry_id']:<8} correct {x['correct']:<3} "
                   f"prediction {x['prediction']:<8} {x['seconds']:.1f} s")


@contests_group.command("publish")
@click.argument("round_id", type=int)
@click.option("--by", "username", required=True, help="The organiser publishing (recorded in the audit log).")
@with_appcontext
def publish(round_id, username):
    """Publish a closed round's results and prize list."""
    from elearn.accounts.services import find_user
    from quizzes.contests.results import publish_results
    from quizzes.contests.services import ContestError, can_manage

    db.set_write_intent(True)
    r = _round(round_id)
    user = find_user(username)
    if user is None or not can_manage(r.contest, user):
        raise click.ClickException(f"{username} does not organise this contest")
    try:
        publish_results(r, user)
    except ContestError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"published: {len(r.prizes)} prizes, actual value {r.actual_value}")


@contests_group.command("sign-rankings")
@with_appcontext
def sign_rankings():
    """Sign the ranking files of rounds published before files were signed (migration 0024), so that
    their results pages offer the signature too. A signed file is left as it is: running it again
    signs nothing. A file that no longer checks signs nothing at all (withdraw and publish that round)."""
    from quizzes.contests import proof
    from quizzes.contests.results import sign_ranking_file, unsigned_ranking_files

    db.set_write_intent(True)
    signed = 0
    for round_id in unsigned_ranking_files():
        try:
            if sign_ranking_file(round_id):
                signed += 1
                click.echo(f"round {round_id}: ranking file signed")
        except proof.VerifyError as error:
            db.session.rollback()
            raise click.ClickException(f"round {round_id}: the ranking file does not check ({error}); "
                                       "nothing was signed") from None
    db.session.commit()
    click.echo(f"{signed} ranking files signed")


@contests_group.command("export")
@click.argument("round_id", type=int)
@click.option("--table", type=click.Choice(["ranking", "units"]), default="ranking", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export(round_id, table, fmt, output):
    """Export a closed round's ranking or unit participation."""
    from elearn import audit
    from elearn.exports import write_csv, write_xlsx
    from quizzes.contests import exports
    from quizzes.contests.services import ContestError

    db.set_write_intent(True)
    r = _round(round_id)
    try:
        columns, rows = (exports.ranking_table if table == "ranking" else exports.units_table)(r)
    except ContestError as error:
        raise click.ClickException(str(error)) from None
    count = (write_csv if fmt == "csv" else write_xlsx)(output, columns, rows)
    audit.record("contest.export", target=f"round:{r.id}", table=table, format=fmt, via="cli")
    db.session.commit()
    click.echo(f"{count} rows written to {output}")


@contests_group.command("verify-ranking")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--root", help="The Merkle root published on the results page.")
@click.option("--proof", "proof_file", type=click.Path(exists=True, dir_okay=False),
              help="An entrant's proof (the JSON downloaded from 'Check my entry').")
@click.option("--signature", "signature_file", type=click.Path(exists=True, dir_okay=False),
              help="The file's detached JWS (the .jws downloaded beside it).")
@click.option("--keys", help="The platform's public keys: a JWKS file, or its address "
                             "(https://…/.well-known/jwks.json). Required with --signature.")
def verify_ranking(file, root, proof_file, signature_file, keys):
    """Check a published ranking file without the platform's database: ranks 1..n, each distance,
    the true value, the order under the rules written in the file, the Merkle root, the platform's
    signature, and an entrant's line with its Merkle path. Exits non-zero on the first fault."""
    import json

    from quizzes.contests import proof

    with open(file, "rb") as handle:
        data = handle.read()
    try:
        checked = proof.verify_file(data, root)
    except proof.VerifyError as error:
        raise click.ClickException(f"ranking file refused: {error}") from None
    click.echo(f"ok: {checked.entries} entries ranked by {checked.meta.order} "
               f"(true value {checked.meta.actual}); Merkle root {checked.root}; file SHA-256 {checked.sha256}")
    if signature_file:
        _check_signature(data, signature_file, keys)
    if proof_file:
        try:
            with open(proof_file, encoding="utf-8") as handle:
                mine = json.load(handle)
            steps = [(str(side), str(sibling)) for side, sibling in mine["proof"]]
            line = str(mine["line"])
        except (ValueError, KeyError, TypeError):
            raise click.ClickException("the proof is not a proof file") from None
        _meta, lines = proof.lines_of(data)
        if line not in lines:
            raise click.ClickException("the entrant's line is not in the ranking file")
        try:
            reached = proof.root_from_proof(line, steps)
        except ValueError:
            raise click.ClickException("the proof is not a proof file") from None
        if reached != checked.root:
            raise click.ClickException("the entrant's Merkle path does not lead to the file's root")
        click.echo(f"ok: the entrant's line is in the file and its path leads to the root: {line}")


def _read_keys(where: str | None) -> dict:
    """A JWKS from a file or an http(s) address."""
    import json
    import urllib.error
    import urllib.request

    if not where:
        raise click.ClickException("--signature needs --keys (a JWKS file or the /.well-known/jwks.json address)")
    try:
        if where.startswith(("https://", "http://")):
            with urllib.request.urlopen(where, timeout=20) as response:  # noqa: S310 - an address the user gave
                return json.loads(response.read(1_000_000))
        with open(where, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError, urllib.error.URLError) as error:
        raise click.ClickException(f"the keys could not be read: {error}") from None


def _check_signature(data: bytes, signature_file: str, keys: str | None) -> None:
    from quizzes.contests import proof, signature

    jwks = _read_keys(keys)
    with open(signature_file, encoding="ascii", errors="replace") as handle:
        token = handle.read()
    try:
        _checked, kid = signature.verify(data, token, jwks)
    except proof.VerifyError as error:
        raise click.ClickException(f"signature refused: {error}") from None
    click.echo(f"ok: signed by the platform's key {kid}")
