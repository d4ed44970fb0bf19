"""Lessons: what a lesson holds (sanitized text, an accepted video link, an attachment, its minutes).

A room of its own because a lesson's rules are about content, not structure: which video links are
embedded (YouTube through youtube-nocookie, a direct https MP4, nothing else), that author HTML is
sanitized when saved, and that a replaced attachment is handed back for the caller to delete once
committed. The lesson row itself is created with its item by ``courses.structure.add_item``.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _

from courses.models import Item
from courses.services import CourseError, content_changed
from courses.structure import set_required
from elearn import audit, db
from elearn.accounts.models import User
from elearn.text import normalize_spaces

_YOUTUBE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/|live/)|youtu\.be/)"
    r"([A-Za-z0-9_-]{11})(?:[?&#].*)?$")
_MP4 = re.compile(r"^https://[^\s\"'<>]+\.mp4(?:\?[^\s\"'<>]*)?$", re.IGNORECASE)


def video_embed(url: str | None) -> tuple[str, str] | None:
    """('youtube', embed URL) or ('mp4', URL) for an accepted video link, else None."""
    url = (url or "").strip()
    if not url:
        return None
    match = _YOUTUBE.match(url)
    if match:
        return "youtube", f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
    if _MP4.match(url):
        return "mp4", url
    return None


def check_video_url(url: str | None) -> str | None:
    url = (url or "").strip()
    if not url:
        return None
    if video_embed(url) is None:
        raise CourseError(_("The video link must be a YouTube address or a direct https link to an MP4 file."))
    return url


def update_lesson(item: Item, actor: User, *, title: str, body_html: str, video_url: str | None,
                  minutes: int, required: bool, complete_on_open: bool, attachment=None,
                  remove_attachment: bool = False) -> str | None:
    """Save a lesson. ``attachment`` is an ``elearn.uploads.CheckedUpload`` (already checked).
    Returns the stored name of a replaced file, for the caller to delete after commit."""
    from elearn import uploads
    from elearn.html import sanitize_html

    title = normalize_spaces(title or "")
    if not title:
        raise CourseError(_("The title is required."))
    if not 0 < (minutes or 0) <= 600:
        raise CourseError(_("Estimated minutes must be between 1 and 600."))
    lesson = item.lesson
    item.title = title
    set_required(item, required)
    content_changed(item.course_id)
    lesson.body_html = sanitize_html(body_html)
    lesson.video_url = check_video_url(video_url)
    lesson.minutes, lesson.complete_on_open = minutes, complete_on_open
    old_file = None
    if remove_attachment or attachment is not None:
        old_file = lesson.attachment_path
        lesson.attachment_path = lesson.attachment_name = lesson.attachment_type = lesson.attachment_size = None
    if attachment is not None:
        lesson.attachment_path = uploads.store(attachment)
        lesson.attachment_name, lesson.attachment_type = attachment.original_name, attachment.mime
        lesson.attachment_size = attachment.size
    audit.record("course.lesson.save", target=str(item.course_id), actor=actor, item=item.id)
    db.session.flush()
    return old_file
