"""A ZIP of more than ``CERTIFICATE_ZIP_JOB_THRESHOLD`` certificates is written by a background job.

The job keeps only the unit and course ids; when it runs, the owner (still active, still allowed
to see statistics) must still be allowed to export that unit, and the certificates are read from
the unit's subtree as they are then.
"""
from __future__ import annotations

from flask import url_for

from courses.certificates import export, pdf, services
from courses.models import Course
from elearn import db, site
from elearn.accounts.models import User
from elearn.jobs import services as jobs
from elearn.jobs.models import Job
from elearn.permissions import Permission
from elearn.units.models import OrgUnit

KIND = "certificates.zip"


def start_zip(unit: OrgUnit, course: Course, user: User, count: int) -> Job:
    """Queue the ZIP for ``user`` (flushed, not committed) and record it in the audit log;
    or the same ZIP of theirs still under way."""
    params = {"unit_id": unit.id, "course_id": course.id, "base_url": site.base_url()}  # the job has no request
    job = jobs.pending(KIND, params, user)
    if job is None:
        job = jobs.enqueue(KIND, params, user)
        export.record_zip_export(unit, course, count, job=job.id)
    return job


def _again(params: dict) -> str:
    return url_for("certificates.export_zip", unit=params["unit_id"], course=params["course_id"])


@jobs.job_kind(KIND, again=_again)
def run_zip(ctx: jobs.JobContext, unit_id: int, course_id: int, base_url: str | None = None) -> tuple[str, str]:
    owner = ctx.owner(Permission.VIEW_STATS)
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or db.session.get(Course, course_id) is None or not export.may_export(owner, unit):
        raise jobs.JobRefused("the unit or course is gone, or outside the owner's scope")
    total = export.count_live_in_subtree(unit, course_id)
    certs = ctx.track(export.live_in_subtree(unit, course_id), total)
    with open(ctx.path, "wb") as out:
        for chunk in pdf.stream_zip(certs, base_url or site.base_url(), services.keyring()):
            out.write(chunk)
    return export.zip_name(unit, course_id), "application/zip"
