"""``elearn courses``: list courses with their counts."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from elearn import db


@click.group("courses", help="Courses, enrolment and completion.")
def courses_group():
    pass


@courses_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def list_courses(as_json):
    from courses.models import Course
    from courses.queries import course_stats
    from elearn.cli import echo_json

    courses = list(db.session.scalars(select(Course).order_by(Course.year.desc(), Course.title)))
    stats = course_stats([c.id for c in courses])
    rows = [{"slug": c.slug, "title": c.title, "status": c.status.value, **stats[c.id]} for c in courses]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['slug']:<50} {r['status']:<10} {r['modules']:>3} modules {r['items']:>4} items "
                   f"{r['enrolled']:>7} enrolled {r['completed']:>7} completed")
