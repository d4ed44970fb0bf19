import click
from flask.cli import with_appcontext

from elearn.units import services


@click.group("units", help="The organisation tree.")
def units_group():
    pass


@units_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def list_units(as_json):
    from elearn.cli import echo_json

    units = services.all_units()
    codes = {u.id: u.code for u in units}
    rows = [{"code": u.code, "name": u.name, "level": u.level.value,
             "parent_code": codes.get(u.parent_id), "active": u.active} for u in units]
    if as_json:
        echo_json(rows)
        return
    for u in units:
        click.echo(f"{'  ' * u.depth}{u.code}  {u.name}{'' if u.active else '  (inactive)'}")
