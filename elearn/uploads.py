"""Uploaded files: type checked by content, size-limited, stored under a generated name.

The name and extension the uploader gave are never trusted: the bytes decide the type
(``filetype`` reads the magic numbers; Office files must also open as the ZIP package
they claim to be), and the file is written as ``<random>.<ext>`` under ``UPLOAD_DIR``.
Files are served back with ``Content-Disposition: attachment`` and ``nosniff``.
"""
from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app, send_file
from flask_babel import gettext as _

from elearn.errors import DomainError

# extension -> (MIME type, the part an OOXML package must contain, or None)
KINDS = {
    "pdf": ("application/pdf", None),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/document.xml"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "ppt/presentation.xml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/workbook.xml"),
    "png": ("image/png", None),
    "jpg": ("image/jpeg", None),
    "gif": ("image/gif", None),
    "webp": ("image/webp", None),
}
IMAGES = frozenset({"png", "jpg", "gif", "webp"})
DOCUMENTS = frozenset({"pdf", "docx", "pptx"}) | IMAGES
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")  # what store() generates, nothing else


class UploadError(DomainError):
    """The file was refused; the message is shown to the user."""


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    ext: str
    mime: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.data)


def check_upload(storage, allowed: frozenset[str], max_bytes: int) -> CheckedUpload:
    """Read a werkzeug ``FileStorage`` (at most ``max_bytes``) and return it if its content is
    one of the ``allowed`` kinds; else raise ``UploadError``."""
    data = storage.stream.read(max_bytes + 1)
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(_("The file is larger than %(mb)s MB.", mb=_megabytes(max_bytes)))
    guess = filetype.guess(data)
    ext = guess.extension if guess else None
    if ext not in allowed or ext not in KINDS:
        raise UploadError(_("This kind of file is not accepted (allowed: %(kinds)s).",
                            kinds=", ".join(sorted(k.upper() for k in allowed))))
    mime, required_part = KINDS[ext]
    if required_part and not _zip_has(data, required_part):
        raise UploadError(_("The file is damaged or is not what its name says."))
    return CheckedUpload(data=data, ext=ext, mime=mime, original_name=download_name(storage.filename or "", ext))


def _zip_has(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def detect(data: bytes, allowed: frozenset[str]) -> tuple[str, str] | None:
    """(extension, MIME type) of content that is one of the ``allowed`` kinds, by its bytes; else None."""
    guess = filetype.guess(data)
    ext = guess.extension if guess else None
    if ext not in allowed or ext not in KINDS:
        return None
    mime, required_part = KINDS[ext]
    if required_part and not _zip_has(data, required_part):
        return None
    return ext, mime


def upload_dir(subdir: str = "") -> Path:
    """Where stored files live; a ``subdir`` keeps one kind apart (question media: ``questions``),
    so that a route serving it can never reach another kind's files."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    return folder / subdir if subdir else folder


def new_name(ext: str) -> str:
    """A random stored name (what ``store`` generates)."""
    return f"{secrets.token_hex(16)}.{ext}"


def store(upload: CheckedUpload) -> str:
    """Write the file under a random name; returns that name (what the database keeps)."""
    name = new_name(upload.ext)
    store_named(name, upload.data)
    return name


def store_named(name: str, data: bytes, subdir: str = "") -> None:
    """Write bytes under a name from ``new_name`` (chosen before the write, e.g. while an import
    still checks the questions that will point at it)."""
    if not _STORED_NAME.match(name):
        raise ValueError(f"not a stored name: {name!r}")
    folder = upload_dir(subdir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def stored_path(name: str, subdir: str = "") -> Path | None:
    """The file for a stored name, or None; a name we did not generate is refused."""
    if not name or not _STORED_NAME.match(name):
        return None
    path = upload_dir(subdir) / name
    return path if path.is_file() else None


def delete(name: str | None, subdir: str = "") -> None:
    path = stored_path(name or "", subdir)
    if path is not None:
        path.unlink(missing_ok=True)


def download_name(uploaded: str, ext: str) -> str:
    """The name a file is saved under: the uploader's name without its folder, without control
    and bidirectional characters (U+202E shows "tai-lieu\u202efdp.exe" as "tai-lieuexe.pdf"), and
    with the extension of the type detected in its content, whatever the uploader wrote: a PNG
    uploaded as "tai-lieu.html" downloads as "tai-lieu.png" and never opens as a page."""
    name = uploaded.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs"))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[:200] or "tep"
    return f"{stem}.{ext}"


def send_stored(name: str, filename: str, mime: str, subdir: str = ""):
    """Response for a stored file: always a download, never rendered by the browser, named with
    the extension of the stored (detected) type. (An ``<img>`` still shows an image sent so.)"""
    path = stored_path(name, subdir)
    if path is None:
        from werkzeug.exceptions import NotFound
        raise NotFound()
    response = send_file(path, mimetype=mime, as_attachment=True, max_age=0,
                         download_name=download_name(filename, name.rsplit(".", 1)[-1]))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
