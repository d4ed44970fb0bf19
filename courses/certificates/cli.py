"""``elearn certificates``: list, print one to PDF, backfill."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from courses.certificates import codes, keys, pdf, queries, services
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
            for c, username in queries.all_certificates()]
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
    cert = queries.verify(code)
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


# --- signing keys ---------------------------------------------------------------------

@certificates_group.group("keys", help="The platform's signing keys (PDF signature, QR payload).")
def keys_group():
    pass


def _show(generation: keys.Generation) -> None:
    cert = generation.pdf_cert
    state = f"retired {generation.retired[:10]}" if generation.retired else "ACTIVE"
    click.echo(f"{generation.kid}  {state:18}  {generation.source:11}  created {generation.created[:10]}  "
               f"PDF signer: {cert.subject.rfc4514_string()} (until {cert.not_valid_after_utc:%Y-%m-%d})")


@keys_group.command("list", help="Every key generation, the active one last.")
@with_appcontext
def keys_list():
    try:
        ring = keys.load(services.key_folder(), create=False)
    except keys.KeyringError as error:
        raise click.ClickException(str(error)) from None
    for generation in ring.generations:
        _show(generation)


@keys_group.command("generate", help="The first keys: a self-signed PDF certificate and an Ed25519 key.")
@click.option("--name", default=keys.DEFAULT_NAME, show_default=True, help="Signer name on the PDF certificate.")
@with_appcontext
def keys_generate(name):
    try:
        generation = keys.generate(services.key_folder(), name)
    except keys.KeyringError as error:
        raise click.ClickException(str(error)) from None
    _show(generation)


@keys_group.command("rotate", help="New self-signed keys sign from now on; the old ones still verify.")
@click.option("--name", default=keys.DEFAULT_NAME, show_default=True, help="Signer name on the PDF certificate.")
@with_appcontext
def keys_rotate(name):
    try:
        keys.load(services.key_folder(), create=False)
        generation = keys.rotate(services.key_folder(), name)
    except keys.KeyringError as error:
        raise click.ClickException(str(error)) from None
    _show(generation)


@keys_group.command("import", help="Sign PDFs from now on with a PKCS#12 (.p12/.pfx) from a certificate "
                                   "authority; a new Ed25519 key signs the QR payloads. Old keys still verify.")
@click.argument("p12", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", envvar="ELEARN_P12_PASSWORD", default=None,
              help="The file's password (or ELEARN_P12_PASSWORD).")
@with_appcontext
def keys_import(p12, password):
    data = p12.read_bytes()
    if len(data) > 1024 * 1024:
        raise click.ClickException("not a PKCS#12 file: larger than 1 MB")
    try:
        generation = keys.import_pkcs12(services.key_folder(), data, password.encode() if password else None)
    except keys.KeyringError as error:
        raise click.ClickException(str(error)) from None
    _show(generation)
