import json

import pytest
from pypdf import PdfReader

from courses.certificates import codes, queries, services
from courses.certificates.models import CertificateTemplate
from elearn import db
from tests.courses.certificates.factories import complete, make_quiz_course
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _reset_write_intent():
    # CLI commands set the write intent for their process; under the test runner that process
    # is the test session, so undo it or later tests take SQLite's write lock on every read.
    yield
    db.set_write_intent(False)


def test_list_json_pdf_and_backfill(app, runner, tmp_path):
    course = make_quiz_course()
    db.session.add(CertificateTemplate(course_id=course.id, enabled=False))
    db.session.commit()
    cadre = make_user("hang.nguyen", full_name="Nguyễn Thị Thu Hằng")
    assert complete(cadre, course) is None
    assert json.loads(runner.invoke(args=["certificates", "list", "--json"]).output) == []

    db.session.get(CertificateTemplate, course.id).enabled = True
    db.session.commit()
    result = runner.invoke(args=["certificates", "backfill"])
    assert result.exit_code == 0 and "1 certificate(s) issued." in result.output
    assert "0 certificate(s) issued." in runner.invoke(args=["certificates", "backfill"]).output

    rows = json.loads(runner.invoke(args=["certificates", "list", "--json"]).output)
    assert len(rows) == 1 and set(rows[0]) == {"code", "username", "full_name", "course", "issued_at", "revoked"}
    assert (rows[0]["username"], rows[0]["full_name"], rows[0]["revoked"]) == ("hang.nguyen", "Nguyễn Thị Thu Hằng", False)

    out = tmp_path / "c.pdf"
    result = runner.invoke(args=["certificates", "pdf", rows[0]["code"].lower().replace("-", ""), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Nguyễn Thị Thu Hằng" in PdfReader(out).pages[0].extract_text()
    assert runner.invoke(args=["certificates", "pdf", "AAAA-BBBB", "-o", str(out)]).exit_code != 0

    cert = queries.verify(rows[0]["code"])
    services.revoke(cert, cadre, "Cấp nhầm người")
    db.session.commit()
    assert runner.invoke(args=["certificates", "pdf", codes.grouped(cert.code), "-o", str(out)]).exit_code != 0
    assert json.loads(runner.invoke(args=["certificates", "list", "--json"]).output)[0]["revoked"] is True
