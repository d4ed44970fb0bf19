"""The application factory: the one place that knows every blueprint."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from elearn import cache, db, i18n, security
from elearn.config import load_config
from elearn.errors import DomainError
from elearn.extensions import babel, csrf, limiter, login_manager
from elearn.permissions import public


def create_app(config: dict | None = None) -> Flask:
    instance = Path((config or {}).get("INSTANCE_PATH") or Path.cwd() / "instance")
    app = Flask(__name__, instance_path=str(instance.resolve()), instance_relative_config=True)
    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(config or {})
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from elearn.pagination import IdConverter, page_url
    app.url_map.converters["int"] = IdConverter  # before any rule is added
    app.jinja_env.globals["page_url"] = page_url

    load_models()
    load_job_kinds()
    db.init_app(app)
    csrf.init_app(app)
    cache.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app, babel)
    security.init_app(app)
    _init_login(app)
    from elearn.lti.cookies import FramedSessionInterface
    app.session_interface = FramedSessionInterface()  # SameSite=None for a session an LTI launch began
    _register_blueprints(app)
    _register_errors(app)

    from elearn.cli import register_commands
    register_commands(app)
    app.extensions["elearn.demo_loaders"] = demo_loaders
    return app


def load_models() -> None:
    """Import every model module, so metadata (and Alembic) sees every table."""
    import courses.certificates.models  # noqa: F401
    import courses.models  # noqa: F401
    import courses.packages.models  # noqa: F401
    import courses.programmes.models  # noqa: F401
    import courses.programmes.services  # noqa: F401 - listens to accounts_placed: programmes of a new unit
    import elearn.accounts.models  # noqa: F401
    import elearn.api.models  # noqa: F401
    import elearn.audit  # noqa: F401
    import elearn.jobs.models  # noqa: F401
    import elearn.lti.models  # noqa: F401
    import elearn.notifications.models  # noqa: F401
    import elearn.units.models  # noqa: F401
    import elearn.xapi.models  # noqa: F401
    import quizzes.bank.models  # noqa: F401
    import quizzes.contests.models  # noqa: F401
    import quizzes.models  # noqa: F401
    import reports.models  # noqa: F401
    import reports.rollup  # noqa: F401 - listens to the domains' signals: figures out of date


def demo_loaders() -> list:
    """Each package's demo data, in dependency order (``elearn demo``, ``elearn.demo.load_demo``)."""
    from courses import demo as courses_demo
    from courses.certificates import demo as certificates_demo
    from courses.programmes import demo as programmes_demo
    from quizzes import demo as quizzes_demo
    from quizzes.bank import demo as bank_demo
    from quizzes.contests import demo as contests_demo

    return [courses_demo.load, bank_demo.load, quizzes_demo.load, contests_demo.load, certificates_demo.load,
            programmes_demo.load]


def load_job_kinds() -> None:
    """Import every module that registers a background job kind (``@job_kind``)."""
    import courses.certificates.jobs  # noqa: F401
    import courses.programmes.renewal  # noqa: F401 - periodic: the renewal pass
    import courses.reminders  # noqa: F401 - periodic: reminders and the managers' digest
    import elearn.lti.grades  # noqa: F401 - periodic: grades a platform that was down left
    import quizzes.jobs  # noqa: F401 - periodic: attempts whose time ran out
    import quizzes.lti  # noqa: F401 - an LTI launch target (courses.lti comes with courses.progress)
    import reports.jobs  # noqa: F401


# A session's cookie is signed again at most this often: its idle lifetime slides with use
# without re-signing (and resending) it on every response.
SESSION_REFRESH_SECONDS = 300


def _init_login(app: Flask) -> None:
    from elearn.accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from sqlalchemy import bindparam, func, select
    from sqlalchemy.orm import joinedload

    from elearn.notifications.models import Notification

    # Every request: one query (unit and roles joined, and the header's count of unread notifications,
    # which as a query of its own added a statement to every page), built once (its SQL is cached).
    unread = (select(func.count(Notification.id)).where(Notification.user_id == User.id, Notification.read_at.is_(None))
              .correlate(User).scalar_subquery())
    by_id = select(User, unread).options(joinedload(User.role_rows)).where(User.id == bindparam("id"))

    @login_manager.user_loader
    def load_user(user_id: str):
        """``user_id`` is ``User.get_id()``: "id.session_version". A session whose version is not the
        user's (signed out, password changed or reset, deactivated, roles changed) or older than
        SESSION_MAX_DAYS ends here."""
        number, _, version = user_id.partition(".")
        if not (number.isdigit() and version.isdigit() and len(user_id) < 40):
            return None
        if time.time() - session.get("since", 0) > app.config["SESSION_MAX_DAYS"] * 86400:
            return None
        row = db.session.execute(by_id, {"id": int(number)}).unique().first()
        user = row[0] if row is not None else None
        if user is None or not user.active or user.session_version != int(version):
            return None
        user.unread_notifications = row[1]
        if time.time() - session.get("seen", 0) > SESSION_REFRESH_SECONDS:
            session["seen"] = int(time.time())  # re-signs the cookie: the idle time counts from here
        return user

    from flask_babel import lazy_gettext as _l
    login_manager.login_message = _l("Please sign in to open this page.")


def _register_blueprints(app: Flask) -> None:
    # Imported here, not at module level: domains import the core, never the reverse.
    import quizzes.manage  # noqa: F401 - the trainer's pages join the quizzes blueprint
    import quizzes.views  # noqa: F401 - the learner's pages join it
    from elearn.accounts.views import bp as auth_bp
    from elearn.admin.views import bp as admin_bp
    from elearn.home import bp as home_bp
    from elearn.jobs.views import bp as jobs_bp
    from elearn.notifications.views import bp as notifications_bp
    from elearn.offline import bp as offline_bp
    from quizzes.blueprint import bp as quizzes_bp
    from quizzes.contests.manage import bp as contest_admin_bp
    from quizzes.contests.views import bp as contests_bp
    from reports.views import bp as stats_bp

    for bp in (home_bp, auth_bp, admin_bp, jobs_bp, notifications_bp, offline_bp, quizzes_bp, stats_bp, contests_bp,
               contest_admin_bp):
        app.register_blueprint(bp)

    from quizzes.bank.views import bp as bank_bp
    app.register_blueprint(bank_bp)

    from quizzes.formats.views import bp as formats_bp
    app.register_blueprint(formats_bp)

    import courses.packages.cmi5  # noqa: F401 - the cmi5 AU's resources join the packages blueprint
    import courses.packages.manage  # noqa: F401 - the package upload joins the trainer's blueprint
    from courses.manage import bp as teach_bp
    from courses.packages.views import bp as packages_bp
    from courses.views import bp as courses_bp
    app.register_blueprint(courses_bp)
    app.register_blueprint(teach_bp)
    app.register_blueprint(packages_bp)
    from courses.certificates.views import bp as certificates_bp
    app.register_blueprint(certificates_bp)
    from courses.programmes.manage import bp as teach_programmes_bp
    from courses.programmes.views import bp as programmes_bp
    app.register_blueprint(programmes_bp)
    app.register_blueprint(teach_programmes_bp)

    # The JSON API: each package adds its resources to the one blueprint before it is registered.
    # Token-authenticated only (the session cookie is never read there): no CSRF token applies.
    import courses.api  # noqa: F401
    import courses.programmes.api  # noqa: F401
    import elearn.api.resources  # noqa: F401
    import elearn.api.spec  # noqa: F401
    import quizzes.api  # noqa: F401
    import reports.api  # noqa: F401
    from elearn.api.blueprint import bp as api_bp
    from elearn.api.manage import bp as tokens_bp
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)

    # LTI 1.3: the platform posts the login and the launch from its own site, with no CSRF token of
    # ours (the state cookie and the signed id_token's nonce protect them); the admin pages keep it.
    from elearn.lti import views as lti_views
    from elearn.lti.manage import bp as lti_admin_bp
    csrf.exempt(lti_views.login)
    csrf.exempt(lti_views.launch)
    app.register_blueprint(lti_views.bp)
    app.register_blueprint(lti_admin_bp)

    # The main menu, in the order it shows (elearn.menu): each package names its own entries.
    from courses import manage as course_manage
    from courses import views as course_views
    from courses.certificates import views as certificate_views
    from courses.programmes import manage as programme_manage
    from courses.programmes import views as programme_views
    from elearn import home
    from elearn.admin import views as admin_views
    from elearn.api import manage as token_views
    from elearn.menu import entries_for
    from elearn.notifications import views as notification_views
    from quizzes.bank import views as bank_views
    from quizzes.contests import manage as contest_manage
    from quizzes.contests import views as contest_views
    from reports import views as report_views
    app.extensions["elearn.menu"] = [entry for module in (
        home, admin_views, bank_views, report_views, course_views, programme_views, course_manage, programme_manage,
        notification_views, contest_views, contest_manage, certificate_views, token_views) for entry in module.MENU]
    from flask_login import current_user
    app.jinja_env.globals["menu_entries"] = lambda: entries_for(current_user)


def _same_site(url: str | None) -> str | None:
    """``url`` if it is a page of this site (the form a refused POST came from), else None."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.netloc in ("", request.host) and parts.scheme in ("", "http", "https") else None


def _page_of(path: str) -> str | None:
    """``path`` if it is also a page (a form posted to its own address), else None."""
    try:
        current_app.url_map.bind("").match(path, method="GET")
    except HTTPException:
        return None
    return path


def _register_errors(app: Flask) -> None:
    def page(code: int):
        def handler(error):
            if request.path.startswith("/api/"):  # an address no API route matched: JSON, as the API answers
                from elearn.api.blueprint import http_error
                return http_error(error)
            return render_template("errors.html", code=code), code
        return handler

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, page(code))

    @app.context_processor
    def inject_flags():
        return {"db_down": g.get("db_down", False)}

    @app.errorhandler(DomainError)
    def broken_rule(error: DomainError):
        """The one place a service's refusal becomes what the user sees; nothing of the request is kept."""
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json" or request.is_json:
            return jsonify(ok=False, error=str(error)), error.status
        if request.method in ("GET", "HEAD"):
            return render_template("errors.html", code=error.status, message=str(error)), error.status
        flash(str(error), "error")
        return redirect(_same_site(request.referrer) or _page_of(request.path) or url_for("home.index"))

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        g.db_down = True  # the error page must not touch the database again
        if "_login_user" not in g:  # Flask-Login would load the signed-in user to render the page
            g._login_user = login_manager.anonymous_user()
        db.session.remove()
        app.logger.error("database unavailable: %s", error)
        return render_template("errors.html", code=503), 503

    from elearn.site import url_if_any
    app.jinja_env.globals["url_if_any"] = url_if_any

    @app.get("/favicon.ico")
    @public
    def favicon():
        """Browsers ask for it whatever the page says: a 404 there is a console error on every page."""
        return app.send_static_file("favicon.ico")

    @app.get("/healthz")
    @public
    def healthz():
        ok = db.ping()
        body = {"status": "ok" if ok else "error", "database": "ok" if ok else "unavailable"}
        return jsonify(body), 200 if ok else 503
