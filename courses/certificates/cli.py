"""``elearn certificates``: list, print one to PDF, backfill."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from courses.certificates import codes, pdf, services
from elearn import db, site


@click.group("certificates", help="Completion certificates.")
def certificates_group():
    pass


@certificates_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def list_certificates(as_json):
    from elearn.cli import echo_json

    rows = [{"code": codes.grouped(c.code), "username": username, "full_name": c.full_name,
             "course": c.course_title, "issued_at": c.issued_at.isoformat(), "revoked": c.revoked}
            for c, username in services.all_certificates()]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        flag = "  (revoked)" if r["revoked"] else ""
        click.echo(f"{r['code']}  {r['issued_at'][:10]}  {r['full_name']} — {r['course']}{flag}")


@certificates_group.command("pdf")
@click.argument("code")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write.")
@with_appcontext
def pdf_command(code, output):
    cert = services.verify(code)
    if cert is None:
        raise click.ClickException(f"no certificate has the code {code}")
    if cert.revoked:
        raise click.ClickException(f"certificate {codes.grouped(cert.code)} was revoked: {cert.revoked_reason}")
    output.write_bytes(pdf.render(cert, site.base_url(), services.keyring()))
    click.echo(f"{codes.grouped(cert.code)} -> {output}")


@certificates_group.command("backfill", help="Issue certificates for completions recorded before certificates "
                                              "were enabled.")
@with_appcontext
def backfill_command():
    db.set_write_intent(True)
    issued = services.backfill()
    db.session.commit()
    for cert in issued:
        click.echo(f"{codes.grouped(cert.code)}  {cert.full_name} — {cert.course_title}")
    click.echo(f"{len(issued)} certificate(s) issued.")
