"""Packages: store one as a course item; record what its runtime commits (the latest state per
cadre, in order) and complete the item through ``courses.progress`` when the package says so."""
from __future__ import annotations

import io
import json
import re
import secrets
import shutil
import zipfile
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select, update

from courses import structure
from courses.learning import can_study
from courses.models import Course, Enrollment, Item, ItemKind, Module
from courses.packages.checks import MAX_UNPACKED_BYTES, ParsedPackage, clean_title, limit, megabytes
from courses.packages.models import Package, PackageAttempt, PackageStandard
from courses.progress import complete_item, get_progress
from elearn import audit, db, uploads
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.errors import DomainError

SUBDIR = "packages"
MAX_SUSPEND = 64000   # SCORM 2004's cmi.suspend_data; 1.2 allows 4096, the runtime enforces it
MAX_TIME_CREDIT = 4 * 3600  # one commit never credits more study time than this
STATUSES_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}


class PackageError(DomainError):
    """A commit or statement that cannot be recorded."""


def folder_of(package: Package) -> Path:
    return uploads.upload_dir(SUBDIR) / package.folder


def unpack(parsed: ParsedPackage, data: bytes) -> str:
    """Write the checked entries under a new folder; returns its name. Every byte is counted as it
    is written (the sizes in a zip's directory can lie), and a refusal leaves no folder behind."""
    name = secrets.token_hex(16)
    base = uploads.upload_dir(SUBDIR) / name
    budget = limit("PACKAGE_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES)
    try:
        base.mkdir(parents=True)
        root = base.resolve()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in parsed.entries:
                target = (base / info.filename).resolve()
                if root not in target.parents:
                    raise uploads.UploadError(_("The package contains a path that leaves its folder: “%(name)s”.",
                                                name=info.filename[:200]))
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "xb") as out:
                    while chunk := source.read(65536):
                        budget -= len(chunk)
                        if budget < 0:
                            raise uploads.UploadError(_("The package unpacks to more than %(mb)s MB.",
                                                                    mb=megabytes(limit("PACKAGE_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))))
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        shutil.rmtree(base, ignore_errors=True)
        raise uploads.UploadError(_("The ZIP file is damaged.")) from error
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return name


def remove_folder(folder: str | None) -> None:
    if folder and re.fullmatch(r"[0-9a-f]{32}", folder):
        shutil.rmtree(uploads.upload_dir(SUBDIR) / folder, ignore_errors=True)


def add_package(module: Module, actor: User, parsed: ParsedPackage, folder: str, *, title: str,
                required: bool, original_name: str, size: int) -> Item:
    """The package (already unpacked into ``folder``) as the module's new item."""
    item = structure.add_item(module, ItemKind.PACKAGE, clean_title(title) or parsed.title or original_name,
                                    required=required)
    db.session.add(Package(item_id=item.id, standard=parsed.standard, folder=folder, launch=parsed.launch,
                           launch_query=parsed.launch_query, activity_id=parsed.activity_id, move_on=parsed.move_on,
                           mastery_score=parsed.mastery_score, original_name=original_name[:255],
                           size_bytes=size, files=len(parsed.entries)))
    audit.record("course.package.add", target=str(item.course_id), actor=actor, title=item.title)
    db.session.flush()
    return item


def package_of(item: Item) -> Package | None:
    return db.session.get(Package, item.id) if item.kind == ItemKind.PACKAGE else None


def attempt_of(user_id: int, item_id: int, create: bool = False) -> PackageAttempt | None:
    mine = select(PackageAttempt).where(PackageAttempt.user_id == user_id, PackageAttempt.item_id == item_id)
    row = db.session.scalar(mine)
    if row is None and create:
        db.session.execute(db.insert_or_ignore(PackageAttempt).values(
            user_id=user_id, item_id=item_id, seq=0, completion_status="not attempted", success_status="unknown",
            location="", suspend_data="", total_seconds=0, updated_at=utcnow()))
        row = db.session.scalar(mine)
    return row


# ------------------------------------------------------------------ SCORM commits

def parse_commit(standard: PackageStandard, values: dict) -> dict:
    """The fields kept from a flattened commit of scorm-again; PackageError on a value no runtime sends."""
    def text(key, cap):
        value = values.get(key, "")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise PackageError(_("The package sent a value that cannot be recorded."))
        value = str(value)
        if len(value) > cap:
            raise PackageError(_("The package sent more data than can be kept."))
        return value

    if standard == PackageStandard.SCORM12:
        status = text("cmi.core.lesson_status", 20) or "not attempted"
        if status not in STATUSES_12:
            raise PackageError(_("The package sent a status that does not exist."))
        completion = "completed" if status in ("completed", "passed") else (
            "incomplete" if status in ("incomplete", "failed", "browsed") else "not attempted")
        success = status if status in ("passed", "failed") else "unknown"
        score = _percent(text("cmi.core.score.raw", 20), text("cmi.core.score.min", 20),
                         text("cmi.core.score.max", 20), None)
        location, total = text("cmi.core.lesson_location", 1000), _seconds_12(text("cmi.core.total_time", 40))
    else:
        completion = text("cmi.completion_status", 20) or "unknown"
        success = text("cmi.success_status", 20) or "unknown"
        if completion not in COMPLETION_2004 or success not in SUCCESS_2004:
            raise PackageError(_("The package sent a status that does not exist."))
        score = _percent(text("cmi.score.raw", 20), text("cmi.score.min", 20), text("cmi.score.max", 20),
                         text("cmi.score.scaled", 20))
        location, total = text("cmi.location", 1000), _seconds_iso(text("cmi.total_time", 40))
    return {"completion_status": completion, "success_status": success, "score": score, "location": location,
            "suspend_data": text("cmi.suspend_data", MAX_SUSPEND), "total_seconds": total}


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) < 1e9 else None


def _percent(raw: str, low: str, high: str, scaled: str | None) -> float | None:
    value = _number(scaled) if scaled else None
    if value is not None:
        return max(0.0, min(100.0, value * 100))
    raw_v, low_v, high_v = _number(raw), _number(low) or 0.0, _number(high)
    if raw_v is None:
        return None
    if high_v is not None and high_v > low_v:
        return max(0.0, min(100.0, (raw_v - low_v) * 100 / (high_v - low_v)))
    return max(0.0, min(100.0, raw_v))


def _seconds_12(text: str) -> int:
    match = re.fullmatch(r"(\d{1,4}):(\d{1,2}):(\d{1,2})(\.\d{1,2})?", text.strip())
    return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3]) if match else 0


def _seconds_iso(text: str) -> int:
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?",
                         text.strip())
    if not match or len(text) < 3:
        return 0
    y, mo, d, h, mi, s = (float(g) if g else 0.0 for g in match.groups())
    return int(((y * 365 + mo * 30 + d) * 24 + h) * 3600 + mi * 60 + s)


def completes(package: Package, state: dict) -> bool:
    """Does this state finish the item? A failed result never does."""
    completion, success = state["completion_status"], state["success_status"]
    if success == "failed":
        return False
    if package.standard == PackageStandard.CMI5:
        rule = package.move_on or "NotApplicable"
        done, passed = completion == "completed", success == "passed"
        return {"Completed": done, "Passed": passed, "CompletedAndPassed": done and passed,
                "CompletedOrPassed": done or passed, "NotApplicable": True}[rule]
    return completion == "completed" or success == "passed"


def record_commit(user: User, item: Item, course: Course, package: Package, values: dict, seq: int) -> bool:
    """Keep a commit unless a newer one (higher ``seq``) is stored; returns whether it was kept.
    The conditional UPDATE holds against a commit that another request stored meanwhile."""
    if not can_study(course):
        raise PackageError(_("This course is archived: you can read it, but no new progress is recorded."))
    state = parse_commit(package.standard, values)
    for _try in range(3):
        row = attempt_of(user.id, item.id, create=True)
        if row.seq >= seq:
            return False  # a resend or an older commit
        kept = db.session.execute(
            update(PackageAttempt).where(PackageAttempt.id == row.id, PackageAttempt.seq == row.seq)
            .values(seq=seq, updated_at=utcnow(), **state).execution_options(synchronize_session=False)).rowcount
        if kept:
            _credit_time(user, item, max(0, state["total_seconds"] - row.total_seconds))
            db.session.expire(row)
            _progress(user, item, package, state)
            return True
        db.session.expire(row)
    return False


def _credit_time(user: User, item: Item, seconds: int) -> None:
    if seconds:
        progress = get_progress(user, item)
        progress.time_spent_seconds = (progress.time_spent_seconds or 0) + min(seconds, MAX_TIME_CREDIT)


def _progress(user: User, item: Item, package: Package, state: dict) -> Enrollment | None:
    """The one way an item is completed (``courses.progress``): certificates, statistics and xAPI follow."""
    score = state.get("score")
    if completes(package, state):
        return complete_item(user, item, score=score)
    if score is not None:
        progress = get_progress(user, item)
        if progress.best_score is None or score > progress.best_score:
            progress.best_score = score
    db.session.flush()
    return None


# ------------------------------------------------------------------ cmi5

CMI5_VERBS = {"http://adlnet.gov/expapi/verbs/completed": "completed",
              "http://adlnet.gov/expapi/verbs/passed": "passed",
              "http://adlnet.gov/expapi/verbs/failed": "failed"}


def record_cmi5(user: User, item: Item, course: Course, package: Package, verb: str, score: float | None) -> None:
    """A cmi5 AU's completed / passed / failed statement. cmi5 states only move forward (a passed AU
    stays passed), so a resent or late statement changes nothing that was already reached."""
    if not can_study(course):
        raise PackageError(_("This course is archived: you can read it, but no new progress is recorded."))
    row = attempt_of(user.id, item.id, create=True)
    values = {"updated_at": utcnow()}
    if verb == "completed":
        values["completion_status"] = "completed"
    elif verb == "passed" or (verb == "failed" and row.success_status != "passed"):
        values["success_status"] = verb
    if score is not None and (row.score is None or score > row.score):
        values["score"] = score
    db.session.execute(update(PackageAttempt).where(PackageAttempt.id == row.id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.expire(row)
    db.session.refresh(row)
    _progress(user, item, package, {"completion_status": row.completion_status,
                                    "success_status": row.success_status, "score": row.score})


def cmi5_state(user: User, item: Item, state_id: str) -> str | None:
    row = attempt_of(user.id, item.id)
    try:
        kept = json.loads(row.suspend_data) if row and row.suspend_data else {}
    except ValueError:
        kept = {}
    return kept.get(state_id) if isinstance(kept, dict) else None


def save_cmi5_state(user: User, item: Item, state_id: str, body: str) -> None:
    """The AU's own state documents (bookmarks), kept in the attempt's suspend data as a JSON object."""
    row = attempt_of(user.id, item.id, create=True)
    try:
        kept = json.loads(row.suspend_data) if row.suspend_data else {}
    except ValueError:
        kept = {}
    kept = kept if isinstance(kept, dict) else {}
    kept[state_id[:200]] = body
    text = json.dumps(kept, ensure_ascii=False)
    if len(text) > MAX_SUSPEND:
        raise PackageError(_("The package sent more data than can be kept."))
    row.suspend_data = text
    row.updated_at = utcnow()
    db.session.flush()


def claim_fetch(user_id: int, item_id: int, launched: int) -> bool:
    """cmi5's fetch URL hands its token out once per launch: the first call wins (a conditional UPDATE,
    so two calls at once cannot both), and a later launch may fetch again."""
    row = attempt_of(user_id, item_id, create=True)
    claimed = db.session.execute(
        update(PackageAttempt).where(PackageAttempt.id == row.id, (PackageAttempt.fetched_launch.is_(None))
                                     | (PackageAttempt.fetched_launch < launched))
        .values(fetched_launch=launched).execution_options(synchronize_session=False)).rowcount
    db.session.expire(row)
    return bool(claimed)
