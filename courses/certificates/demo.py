"""Demo certificates: a Thái Bình template on every demo course, and a certificate for every
demo cadre who completed one. Runs after the courses and quizzes demos; idempotent."""
from __future__ import annotations

from sqlalchemy import select

from courses.certificates import services
from courses.certificates.models import Certificate, CertificateTemplate, Motto
from courses.models import Course
from elearn import db

TEMPLATE = dict(enabled=True, issuing_body="TỈNH ỦY THÁI BÌNH\nBAN TUYÊN GIÁO", motto=Motto.PARTY.value,
                place="Thái Bình", title="GIẤY CHỨNG NHẬN", wording="Đã hoàn thành chương trình bồi dưỡng",
                signer_title="KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN", signer_name="Đặng Thị Minh Nguyệt")


def load() -> list[Certificate]:
    for course in db.session.scalars(select(Course).order_by(Course.id)):
        if db.session.get(CertificateTemplate, course.id) is not None:
            continue
        template = services.save_template(course, course.owner, **TEMPLATE)
        # The courses demo completes courses before this template exists: its certificates were
        # issued with the blank defaults, so give them the demo signer (demo data only).
        for cert in db.session.scalars(select(Certificate).where(Certificate.course_id == course.id)):
            if not cert.template.get("signer_name"):
                cert.template = template.snapshot()
    db.session.flush()
    return services.backfill()
