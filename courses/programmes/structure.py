"""Programme structure: its courses (add, remove, reorder, required or optional).

A room of its own because its rules are about the list of courses rather than the programme's own
settings or its cadres: only a published course joins, at most ``MAX_COURSES``, positions stay dense
(1..n) whatever happened before, and no change may leave fewer optional courses than the programme
asks for (``services.check_needed``). A course added to a programme already assigned is assigned at
once to the same units (``services.assign_programme_course``), so its cadres are enrolled in it.
"""
from __future__ import annotations

from flask_babel import gettext as _

from courses.models import Course, CourseStatus
from courses.programmes.models import Programme, ProgrammeCourse
from courses.programmes.services import (
    ProgrammeError,
    assign_programme_course,
    assignments_of,
    check_needed,
    optional_count,
)
from elearn import audit, db
from elearn.accounts.models import User

MAX_COURSES = 50  # a programme is a year's plan of study, not a catalog


def _line(programme: Programme, course_id: int) -> ProgrammeCourse:
    for pc in programme.courses:
        if pc.course_id == course_id:
            return pc
    raise ProgrammeError(_("This course is not in the programme."))


def add_course(programme: Programme, course: Course, actor: User, *, required: bool = True) -> ProgrammeCourse:
    """Add ``course`` at the end. Where the programme is already assigned, the course is assigned to
    the same units (with the programme's due date if required), so its cadres are enrolled in it."""
    if course.status != CourseStatus.PUBLISHED:
        raise ProgrammeError(_("Only a published course can be added to a programme."))
    if any(pc.course_id == course.id for pc in programme.courses):
        raise ProgrammeError(_("This course is already in the programme."))
    if len(programme.courses) >= MAX_COURSES:
        raise ProgrammeError(_("A programme holds at most %(n)d courses.", n=MAX_COURSES))
    line = ProgrammeCourse(course_id=course.id, required=required,
                           position=max((pc.position for pc in programme.courses), default=0) + 1)
    programme.courses.append(line)
    db.session.flush()
    for assignment in assignments_of(programme):
        assign_programme_course(course, required, assignment.unit, assignment.due_at, actor)
    audit.record("programme.add_course", target=f"programme:{programme.id}", actor=actor, course=course.slug)
    return line


def remove_course(programme: Programme, course_id: int, actor: User) -> None:
    """Take a course out (its course assignments and every completion stay)."""
    line = _line(programme, course_id)
    check_needed(programme.optional_needed, optional_count(programme, without=course_id))
    programme.courses.remove(line)
    db.session.flush()
    _renumber(programme)
    audit.record("programme.remove_course", target=f"programme:{programme.id}", actor=actor, course_id=course_id)


def set_required(programme: Programme, course_id: int, required: bool) -> None:
    line = _line(programme, course_id)
    if line.required != required:
        check_needed(programme.optional_needed, optional_count(programme, flip=course_id))
        line.required = required
        db.session.flush()


def move_course(programme: Programme, course_id: int, direction: int) -> None:
    """One place up (``direction`` -1) or down (+1); at an end, nothing moves."""
    lines = list(programme.courses)
    index = lines.index(_line(programme, course_id))
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(lines):
        lines[index], lines[other] = lines[other], lines[index]
        for position, pc in enumerate(lines, start=1):
            pc.position = position
        db.session.flush()
        db.session.expire(programme, ["courses"])


def _renumber(programme: Programme) -> None:
    for position, pc in enumerate(programme.courses, start=1):
        pc.position = position
    db.session.flush()

