"""Admin pages for the organisation tree: list, create, rename/recode, move, (de)activate."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from wtforms import SelectChoice

from elearn import db
from elearn.accounts.models import User
from elearn.admin.blueprint import bp
from elearn.admin.forms import LEVEL_LABELS, ActionForm, MoveUnitForm, RenameUnitForm, UnitForm
from elearn.pagination import query_int
from elearn.permissions import Permission, requires
from elearn.units import services
from elearn.units.models import LEVEL_DEPTH, OrgUnit, UnitLevel


def unit_choices(units: list[OrgUnit], blank: str | None = None) -> list[SelectChoice]:
    """Select options in tree order, indented by depth (an <option> cannot be styled)."""
    options = [SelectChoice(0, blank)] if blank is not None else []
    return options + [SelectChoice(u.id, f"{'— ' * u.depth}{u.name} ({u.code})") for u in units]


def _unit_or_404(unit_id: int) -> OrgUnit:
    return db.session.get(OrgUnit, unit_id) or abort(404)


@bp.get("/units")
@requires(Permission.MANAGE_UNITS)
def units():
    tree = services.all_units()
    counts = dict(db.session.execute(select(User.unit_id, func.count()).group_by(User.unit_id)).all())
    return render_template("admin/units.html", tree=tree, counts=counts, levels=LEVEL_LABELS)


@bp.route("/units/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_UNITS)
def unit_new():
    form = UnitForm()
    form.parent.choices = unit_choices(services.all_units(include_inactive=False), blank=_("(top of the tree)"))
    parent_id = request.args.get("parent", type=query_int)
    if request.method == "GET" and parent_id and (parent := db.session.get(OrgUnit, parent_id)):
        form.parent.data = parent.id  # "Add sub-unit": the parent and the next level down are chosen
        below = [lv for lv, depth in LEVEL_DEPTH.items() if depth == LEVEL_DEPTH[parent.level] + 1]
        form.level.data = below[0].value if below else parent.level.value
    if form.validate_on_submit():
        parent = db.session.get(OrgUnit, form.parent.data) if form.parent.data else None
        try:
            unit = services.create_unit(form.code.data, form.name.data, UnitLevel(form.level.data), parent)
        except services.UnitError as error:
            db.discard()
            form.code.errors.append(str(error))
        else:
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_new.html", form=form)


def _edit_page(unit: OrgUnit, rename: RenameUnitForm | None = None, move: MoveUnitForm | None = None):
    rename = rename or RenameUnitForm(formdata=None, obj=unit)
    move = move or MoveUnitForm(formdata=None, parent=unit.parent_id or 0)
    # A unit cannot go under itself or its own descendants: leave them out of the choices.
    move.parent.choices = unit_choices(
        [u for u in services.all_units(include_inactive=False) if not unit.is_ancestor_of(u)])
    return render_template("admin/unit_edit.html", unit=unit, rename=rename, move=move, action=ActionForm(),
                           levels=LEVEL_LABELS, subtree=services.subtree(unit))


@bp.get("/units/<int:unit_id>")
@requires(Permission.MANAGE_UNITS)
def unit_edit(unit_id: int):
    return _edit_page(_unit_or_404(unit_id))


@bp.post("/units/<int:unit_id>/rename")
@requires(Permission.MANAGE_UNITS)
def unit_rename(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = RenameUnitForm()
    if form.validate_on_submit():
        try:
            services.rename_unit(unit, form.name.data, form.code.data)
        except services.UnitError as error:
            db.discard()
            form.code.errors.append(str(error))
        else:
            flash(_("The unit has been saved."), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id))
    return _edit_page(unit, rename=form), 400


@bp.post("/units/<int:unit_id>/move")
@requires(Permission.MANAGE_UNITS)
def unit_move(unit_id: int):
    unit = _unit_or_404(unit_id)
    form = MoveUnitForm()
    form.parent.choices = unit_choices(services.all_units())  # validated by the service, not the list
    if form.validate_on_submit():
        target = _unit_or_404(form.parent.data)
        try:
            moved = services.move_unit(unit, target)
        except services.UnitError as error:
            db.discard()
            form.parent.errors.append(str(error))
        else:
            flash(_("Moved %(n)d units under %(name)s.", n=moved, name=target.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id))
    return _edit_page(unit, move=form), 400


@bp.post("/units/<int:unit_id>/<any(activate, deactivate):change>")
@requires(Permission.MANAGE_UNITS)
def unit_active(unit_id: int, change: str):
    # The wanted state is in the address, so a replayed or doubled click cannot flip it back.
    unit = _unit_or_404(unit_id)
    if ActionForm().validate_on_submit() and unit.active != (change == "activate"):
        services.set_active(unit, change == "activate")
        flash(_("The unit is active again.") if unit.active else _("The unit has been deactivated."), "success")
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))
