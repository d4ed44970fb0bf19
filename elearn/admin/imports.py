"""Admin pages for the bulk import of accounts and the one-time download of their passwords."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from elearn import audit, db
from elearn.accounts import handouts
from elearn.accounts.importing import ImportResult, import_users
from elearn.admin.blueprint import bp
from elearn.admin.forms import ActionForm, ImportForm
from elearn.permissions import Permission, requires

# Errors name a column by the Vietnamese header an admin writes in the file.
COLUMN_HEADERS = {"username": "Tên đăng nhập", "full_name": "Họ và tên", "unit_code": "Mã đơn vị",
                  "position": "Chức vụ", "roles": "Vai trò", "email": "Email", "phone": "Số điện thoại"}
TEMPLATE_ROWS = [
    "Tên đăng nhập,Họ và tên,Mã đơn vị,Chức vụ,Vai trò,Email",
    "hang.nguyen,Nguyễn Thị Thu Hằng,TB-VT-TANHOA-1,Bí thư chi bộ,học viên,",
    "minh.tran,Trần Văn Minh,TB-VT,Trưởng Ban Tuyên giáo,\"quản lý, học viên\",minh.tran@example.vn",
]


def _page(form: ImportForm, result: ImportResult | None = None, filename: str = ""):
    return render_template("admin/import.html", form=form, result=result, filename=filename,
                           headers=COLUMN_HEADERS, pending=handouts.pending(current_user), action=ActionForm())


@bp.route("/users/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form), 400 if form.errors else 200
    upload = form.file.data
    filename = (upload.filename or "upload")[:255]
    try:
        result = import_users(upload.read(), filename, current_user)
    except IntegrityError:  # another import created one of these usernames meanwhile
        db.discard()
        flash(_("Someone changed the same accounts at the same time. Please import the file again."), "error")
        return _page(form), 409
    if result.errors:
        db.discard()
        audit.record("users.import_failed", filename, actor=current_user, errors=len(result.errors))
        db.keep()  # the refusal alone is kept (an error response keeps nothing else)
        return _page(form, result, filename), 400
    handout = handouts.create(current_user, filename, result.credentials) if result.credentials else None
    flash(_("Import of %(file)s done: %(created)d accounts created, %(updated)d updated.",
            file=filename, created=result.created, updated=result.updated), "success")
    if handout is not None:
        flash(_("Download the temporary passwords of the new accounts below. The file can be downloaded only once."),
              "warning")
    return redirect(url_for("admin.user_import"))


@bp.get("/users/import/template.csv")
@requires(Permission.MANAGE_USERS)
def user_import_template():
    body = "\ufeff" + "\r\n".join(TEMPLATE_ROWS) + "\r\n"  # the BOM lets Excel read the accents
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=mau-nhap-tai-khoan.csv"})


@bp.post("/handouts/<token>")
@requires(Permission.MANAGE_USERS)
def handout_download(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    taken = handouts.take(token, current_user)
    if taken is None:
        db.discard()
        abort(404)  # unknown, someone else's, expired or already downloaded: all look the same
    label, content = taken
    return Response("\ufeff" + content, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=mat-khau-tam-thoi.csv", "Cache-Control": "no-store"})
