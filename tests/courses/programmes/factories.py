"""Programme test data: ``make_programme`` builds a programme of published courses."""
from __future__ import annotations

from courses.programmes import services, structure
from courses.programmes.models import Programme
from elearn import db
from elearn.accounts.models import User
from tests.courses.factories import make_course, make_trainer


def make_programme(owner: User | None = None, *, title: str = "Chương trình học tập Nghị quyết",
                   required: int = 2, optional: int = 0, optional_needed: int = 0, lessons: int = 1) -> Programme:
    owner = owner or make_trainer()
    programme = services.create_programme(owner, title)
    for n in range(required + optional):
        course = make_course(owner, title=f"{title} — khóa {n + 1}", lessons=lessons, complete_on_open=True)
        structure.add_course(programme, course, owner, required=n < required)
    if optional_needed:
        services.update_programme(programme, owner, title=title, optional_needed=optional_needed)
    db.session.commit()
    return programme
