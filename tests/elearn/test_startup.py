"""What a worker or a command loads at start: the PDF library (ReportLab and fontTools, some MB
of memory in every process) only when a certificate is first drawn, the PostgreSQL driver
(9 MB) only where PostgreSQL is used."""
import subprocess
import sys

PROBE = """
import sys
from elearn.app import create_app
from elearn.cli import main
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
print(sorted(m for m in ("reportlab", "fontTools") if m in sys.modules))
print("psycopg" in sys.modules)
from courses.certificates import pdf, page
print(sorted(m for m in ("reportlab", "fontTools") if m in sys.modules))
"""


def test_the_app_and_the_cli_start_without_the_pdf_library_and_on_sqlite_without_psycopg():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "False"
    assert out[2] == "['reportlab']"  # the probe itself is right: importing the page loads ReportLab (fontTools: on the first draw)
