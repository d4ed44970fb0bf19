"""Certificate figures and codes, once the certificates package provides its table."""
import csv
import io

import pytest

from elearn import db
from reports import filters, services
from tests.reports.factories import Province

certificates = pytest.importorskip("courses.certificates.models")


def test_certificates_counted_and_coded(app, login):
    tree = Province()
    from sqlalchemy import select

    from courses.models import Enrollment

    done = db.session.scalar(select(Enrollment).where(Enrollment.user_id == tree.anh.id))
    db.session.add(certificates.Certificate(code="ABCDEF0123456789ABCD", user_id=tree.anh.id,
                                            course_id=tree.course.id, full_name="Trần Thị Anh",
                                            course_title=tree.course.title, completed_at=done.completed_at))
    db.session.commit()
    assert services.dashboard(filters.resolve(tree.manager_a)).unit.total.certificates == 1
    data = login(tree.manager_a).get("/stats/export?format=csv&unit=PA1a").get_data()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert {r[2]: r[12] for r in rows[1:]}["anh"] == "ABCD-EF01-2345-6789-ABCD"  # as printed on the certificate
