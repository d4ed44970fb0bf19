"""A job's page: a progress bar that refreshes itself (no JavaScript needed; ``static/jobs.js``
updates it in place when present), then a download link, or a way to ask again."""
from pathlib import Path

from flask import Blueprint, abort, jsonify, render_template, send_file
from flask_login import current_user

from elearn import db
from elearn.jobs import services
from elearn.jobs.models import JobStatus
from elearn.permissions import requires

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _job_or_404(job_id: str):
    job = services.get_job_for(job_id, current_user)
    if job is None:
        abort(404)
    return job


@bp.get("/<job_id>")
@requires()
def status(job_id: str):
    db.write_now(services.sweep)  # lazily: a dead worker's job is requeued when someone looks at it
    job = _job_or_404(job_id)
    return render_template("jobs/status.html", job=job, JobStatus=JobStatus, again=services.again_url(job),
                           waiting=job.status in (JobStatus.QUEUED, JobStatus.RUNNING))


@bp.get("/<job_id>.json")
@requires()
def status_json(job_id: str):
    job = _job_or_404(job_id)
    # The error itself stays in the database and the log: it may name files or queries.
    return jsonify(status=job.status.value, percent=job.percent, done=job.done, total=job.total)


@bp.get("/<job_id>/download")
@requires()
def download(job_id: str):
    job = _job_or_404(job_id)
    if job.status != JobStatus.DONE or not job.result_path or not Path(job.result_path).exists():
        abort(410 if job.status == JobStatus.EXPIRED else 404)
    return send_file(job.result_path, mimetype=job.result_mime, as_attachment=True,
                     download_name=job.result_name, max_age=0)
