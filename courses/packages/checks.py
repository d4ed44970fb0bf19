"""A package is checked whole before anything is written: a zip by its bytes, a manifest that
parses (defusedxml: no entity tricks), a launch file that exists, no entry that could land
outside its folder, and limits on size and file count against zip bombs."""
from __future__ import annotations

import io
import posixpath
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import filetype
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from flask import current_app
from flask_babel import gettext as _

from courses.packages.models import PackageStandard
from elearn.uploads import UploadError

# Defaults of ELEARN_PACKAGE_MAX_MB, ELEARN_PACKAGE_MAX_UNPACKED_MB, ELEARN_PACKAGE_MAX_FILES (elearn.config).
MAX_BYTES = 100 * 1024 * 1024          # the zip as uploaded
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_FILES = 5000
MAX_RATIO = 200                       # uncompressed / compressed, per entry: a bomb, not a course
MAX_MANIFEST_BYTES = 1024 * 1024
CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


@dataclass
class ParsedPackage:
    standard: PackageStandard
    title: str
    launch: str
    launch_query: str = ""
    activity_id: str | None = None
    move_on: str | None = None
    mastery_score: float | None = None
    entries: list[zipfile.ZipInfo] = field(default_factory=list)
    unpacked_bytes: int = 0


def limit(key: str, default: int) -> int:
    return int(current_app.config.get(key, default))


def megabytes(size: int) -> str:
    return f"{size / 1048576:g}"


def read_upload(storage) -> bytes:
    max_bytes = limit("PACKAGE_MAX_BYTES", MAX_BYTES)
    data = storage.stream.read(max_bytes + 1) if storage is not None else b""
    if not data:
        raise UploadError(_("Choose the package file (a .zip)."))
    if len(data) > max_bytes:
        raise UploadError(_("The package is larger than %(mb)s MB.", mb=megabytes(max_bytes)))
    return data


def check_package(data: bytes) -> ParsedPackage:
    guess = filetype.guess(data)
    if guess is None or guess.extension != "zip":
        raise UploadError(_("The package must be a ZIP file."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadError(_("The ZIP file is damaged.")) from None
    with archive:
        files = _check_entries(entries)
        names = {info.filename for info in files}
        if "imsmanifest.xml" in names:
            parsed = _scorm(_manifest(archive, "imsmanifest.xml"))
        elif "cmi5.xml" in names:
            parsed = _cmi5(_manifest(archive, "cmi5.xml"))
        else:
            raise UploadError(_("The package has no imsmanifest.xml (SCORM) or cmi5.xml (cmi5) at its top level."))
    if parsed.launch not in names:
        raise UploadError(_("The package's launch file “%(name)s” is not in the ZIP.", name=parsed.launch[:200]))
    parsed.entries = files
    parsed.unpacked_bytes = sum(i.file_size for i in files)
    return parsed


def _check_entries(entries: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    if len(entries) > limit("PACKAGE_MAX_FILES", MAX_FILES):
        raise UploadError(_("The package holds more than %(n)d files.", n=limit("PACKAGE_MAX_FILES", MAX_FILES)))
    total, seen, files = 0, set(), []
    for info in entries:
        name = info.filename
        if not safe_name(name):
            raise UploadError(_("The package contains a path that leaves its folder: “%(name)s”.", name=name[:200]))
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadError(_("The package contains a symbolic link: “%(name)s”.", name=name[:200]))
        if info.flag_bits & 0x1:
            raise UploadError(_("The package contains an encrypted file."))
        if name.lower() in seen:
            raise UploadError(_("The package contains the same file twice: “%(name)s”.", name=name[:200]))
        seen.add(name.lower())
        if info.is_dir():
            continue
        total += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1024) or \
                total > limit("PACKAGE_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES):
            raise UploadError(_("The package unpacks to more than %(mb)s MB.",
                                mb=megabytes(limit("PACKAGE_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))))
        files.append(info)
    return files


def safe_name(name: str) -> bool:
    """A relative path that stays inside the folder: no absolute path, drive, backslash, '..',
    empty or dot part, control character."""
    if not name or len(name) > 400 or name.startswith("/") or "\\" in name or ":" in name.split("/")[0]:
        return False
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return False
    parts = name.rstrip("/").split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _manifest(archive: zipfile.ZipFile, name: str):
    info = archive.getinfo(name)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise UploadError(_("The manifest %(name)s is too large.", name=name))
    try:
        return SafeET.fromstring(archive.read(info))
    except (SafeET.ParseError, DefusedXmlException, ValueError, zipfile.BadZipFile):
        raise UploadError(_("The manifest %(name)s is not valid XML.", name=name)) from None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [c for c in element if _local(c.tag) == name]


def _attr(element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def clean_title(text: str | None) -> str:
    """Plain text for a title (shown escaped, never as HTML): no control characters, one line."""
    text = "".join(c for c in (text or "") if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    return " ".join(text.split())[:255]


def _launch(href: str, base: str = "") -> tuple[str, str]:
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc:
        raise UploadError(_("The package launches a page on another site; only packages that contain their pages are accepted."))
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else ""
    if not path or not safe_name(path):
        raise UploadError(_("The package contains a path that leaves its folder: “%(name)s”.", name=href[:200]))
    return path, parts.query


def _scorm(root) -> ParsedPackage:
    if _local(root.tag) != "manifest":
        raise UploadError(_("imsmanifest.xml is not a SCORM manifest."))
    text = " ".join(root.attrib.values()) + " ".join(str(e.tag) for e in root.iter())
    version = "".join(e.text or "" for e in root.iter() if _local(e.tag) == "schemaversion").strip()
    standard = PackageStandard.SCORM12 if (version == "1.2" or "adlcp_rootv1p2" in text) \
        else PackageStandard.SCORM2004
    resources = {}
    for group in _children(root, "resources"):
        for res in _children(group, "resource"):
            resources[_attr(res, "identifier")] = (res, (_attr(group, "base") or ""))
    organizations = next(iter(_children(root, "organizations")), None)
    orgs = _children(organizations, "organization") if organizations is not None else []
    default = _attr(organizations, "default") if organizations is not None else None
    org = next((o for o in orgs if _attr(o, "identifier") == default), orgs[0] if orgs else None)
    title = clean_title(next(("".join(t.itertext()) for t in _children(org, "title")), "")) if org is not None else ""
    for item in (org.iter() if org is not None else []):
        ref = _attr(item, "identifierref") if _local(item.tag) == "item" else None
        if ref not in resources or not _attr(resources[ref][0], "href"):
            continue
        res, base = resources[ref]
        path, query = _launch(_attr(res, "href"), posixpath.join(base, _attr(res, "base") or ""))
        params = (_attr(item, "parameters") or "").lstrip("?&")
        mastery = next((c.text for c in _children(item, "masteryscore")), None)
        return ParsedPackage(standard=standard, title=title or clean_title(
            next((t.text for t in _children(item, "title")), "")), launch=path,
            launch_query="&".join(q for q in (query, params) if q)[:500], mastery_score=_number(mastery))
    raise UploadError(_("The manifest names no page to launch."))


def _cmi5(root) -> ParsedPackage:
    if root.tag != f"{{{CMI5_NS}}}courseStructure":
        raise UploadError(_("cmi5.xml is not a cmi5 course structure."))
    course = next(iter(_children(root, "course")), None)
    title = ""
    if course is not None:
        title = clean_title(next((s.text for t in _children(course, "title") for s in _children(t, "langstring")), ""))
    au = next((e for e in root.iter() if _local(e.tag) == "au"), None)
    if au is None or not _attr(au, "id"):
        raise UploadError(_("cmi5.xml names no assignable unit (AU)."))
    url = next((u.text for u in _children(au, "url")), None)
    if not url:
        raise UploadError(_("The manifest names no page to launch."))
    path, query = _launch(url)
    move_on = _attr(au, "moveOn") or "NotApplicable"
    if move_on not in ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"):
        raise UploadError(_("cmi5.xml has an unknown moveOn value."))
    au_title = clean_title(next((s.text for t in _children(au, "title") for s in _children(t, "langstring")), ""))
    return ParsedPackage(standard=PackageStandard.CMI5, title=title or au_title, launch=path, launch_query=query[:500],
                         activity_id=_attr(au, "id")[:500], move_on=move_on,
                         mastery_score=_number(_attr(au, "masteryScore")))


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if value == value and abs(value) < 1e6 else None
