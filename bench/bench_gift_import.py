"""Import a generated 5,000-question GIFT file through the real service (parse + validate + write).

    .venv/bin/python bench/bench_gift_import.py                      # SQLite, a temporary file
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/elearn_bench .venv/bin/python bench/bench_gift_import.py
    .venv/bin/python bench/bench_gift_import.py --questions 1000     # a smaller run

PostgreSQL: the database named in DATABASE_URL is dropped and recreated (its name must contain
'bench' or 'test'). Prints the seconds of each phase and the total; the target is under 5 s.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEMPLATES = [
    "::Câu {n}::Thủ đô của nước Cộng hòa xã hội chủ nghĩa Việt Nam là thành phố nào? ({n}){{\n"
    "=Hà Nội#Chính xác\n~Huế#Huế là cố đô\n~Đà Nẵng\n~Thành phố Hồ Chí Minh\n####Hà Nội là thủ đô từ năm 1945.\n}}",
    "::Câu {n}::Những phẩm chất đạo đức cách mạng Bác Hồ nêu ra ({n}){{\n"
    "~%50%Cần, kiệm, liêm, chính\n~%50%Chí công vô tư\n~%-50%Hưởng thụ cá nhân\n}}",
    "Bản Tuyên ngôn độc lập được đọc tại Quảng trường Ba Đình ngày 2/9/1945 \\= đúng? ({n}){{T#Chưa đúng#Chính xác}}",
    "Ai là tác giả bản Tuyên ngôn độc lập năm 1945? ({n}){{=Hồ Chí Minh =%50%Nguyễn Ái Quốc#Gần đúng}}",
    "Đảng Cộng sản Việt Nam được thành lập năm nào? ({n}){{#1930:0}}",
    "Ghép sự kiện với năm ({n}){{\n=Thành lập Đảng -> 1930\n=Cách mạng Tháng Tám -> 1945\n"
    "=Chiến thắng Điện Biên Phủ -> 1954\n}}",
    "[html]<p>Nêu cảm nghĩ của đồng chí về việc <strong>học tập và làm theo</strong> Bác ({n})</p>{{}}",
]


def generate(count: int) -> str:
    rng = random.Random(2023)
    blocks = []
    for n in range(count):
        if n % 500 == 0:
            blocks.append(f"$CATEGORY: Chuyên đề {n // 500 + 1}")
        blocks.append(rng.choice(TEMPLATES).format(n=n + 1))
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=5000)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from elearn import db
    from elearn.app import create_app
    from elearn.cli import upgrade
    from quizzes.bank import services as bank
    from quizzes.bank.models import Question
    from quizzes.formats import services
    from quizzes.formats.gift import parse_gift

    url = os.environ.get("DATABASE_URL")
    tmp = tempfile.TemporaryDirectory()
    if url:
        from tests.conftest import _recreate_pg_database
        if "bench" not in url and "test" not in url:
            sys.exit("DATABASE_URL must name a database with 'bench' or 'test' in it: it is recreated")
        url = _recreate_pg_database(url)
    else:
        url = f"sqlite:///{tmp.name}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp.name, "SECRET_KEY": "bench"})
    content = generate(args.questions).encode()
    with app.app_context():
        upgrade()
        db.set_write_intent(True)
        target = bank.create_category("Benchmark")
        db.session.commit()

        started = time.perf_counter()
        parsed = parse_gift(content)
        parse_s = time.perf_counter() - started
        started = time.perf_counter()
        result = services.import_file(target, "gift", content, None)
        db.session.commit()
        import_s = time.perf_counter() - started
        stored = db.session.scalar(select(func.count()).select_from(Question))
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"{engine}: {len(content) / 1024:.0f} KB GIFT, {len(parsed)} questions {result.by_type}")
    print(f"  parse only:                           {parse_s:.2f} s")
    print(f"  import (parse + validate + write + commit): {import_s:.2f} s  ({stored} rows, "
          f"{import_s / max(stored, 1) * 1000:.2f} ms per question; target < 5 s)")
    app.extensions["elearn.engine"].dispose()


if __name__ == "__main__":
    main()
