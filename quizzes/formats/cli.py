"""``elearn questions import|export|template``: a thin shell over the formats services."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from elearn import db
from quizzes.bank import category_paths
from quizzes.bank import services as bank
from quizzes.formats import services
from quizzes.formats.common import FormatError, LineError, check_size


@click.group("questions", help="Question bank files: import and export (Moodle XML, GIFT, Aiken, CSV, XLSX).")
def questions_group():
    pass


def _owner(username: str | None):
    if not username:
        return None
    from elearn.accounts.services import find_user
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


@questions_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(services.PARSERS)), help="Default: from the file name.")
@click.option("--category", required=True, help='Target category path, created if missing: "Cha/Con".')
@click.option("--owner", help="Username whose category tree is meant (default: the admins' shared tree).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@with_appcontext
def import_command(file: Path, fmt: str | None, category: str, owner: str | None, as_json: bool):
    """Import FILE into a category: all questions or, on any error, none (exit 2)."""
    from elearn.cli import echo_json

    db.set_write_intent(True)
    user = _owner(owner)
    try:
        check_size(file.stat().st_size)  # before reading it into memory
        content = file.read_bytes()
        fmt = fmt or services.guess_format(file.name, content)
        target = category_paths.get_or_create_category_path(category, user)
        result = services.import_file(target, fmt, content, None)
    except (FormatError, bank.BankError) as error:
        db.session.rollback()
        if not isinstance(error, FormatError):
            error = FormatError([LineError(0, str(error))])
        services.record_failed_import(category, fmt or "", error, None)
        db.session.commit()
        if as_json:
            echo_json({"imported": 0, "errors": [e.as_dict() for e in error.errors]})
        else:
            for e in error.errors:
                click.echo(f"{file.name}:{e.line}: {e.message}", err=True)
            click.echo("0 questions imported.", err=True)
        raise SystemExit(2) from None
    db.session.commit()
    if as_json:
        echo_json(result.as_dict())
    else:
        detail = ", ".join(f"{kind}: {n}" for kind, n in result.by_type.items())
        click.echo(f"{result.imported} questions imported into {category} ({detail}).")


@questions_group.command("export")
@click.option("--format", "fmt", type=click.Choice(sorted(services.EXPORT_FORMATS)), default="gift", show_default=True)
@click.option("--category", required=True, help='Category path: "Cha/Con".')
@click.option("--owner", help="Username whose category tree is meant (default: the admins' shared tree).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
@with_appcontext
def export_command(fmt: str, category: str, owner: str | None, output: Path | None):
    """Export a category (with its subcategories) as GIFT or Moodle XML."""
    db.set_write_intent(True)  # the audit entry
    found = category_paths.find_category_path(category, _owner(owner))
    if found is None:
        raise click.ClickException(f"No category {category!r}.")
    text = services.export_file(found, fmt, None)
    db.session.commit()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Written to {output}.", err=True)
