"""What a worker or a command loads at start: the PDF library (fpdf2 and fontTools, some 20 MB
of memory in every process) only when a certificate is first drawn, the PostgreSQL driver
(9 MB) only where PostgreSQL is used."""
import subprocess
import sys

PROBE = """
import sys
from elearn.app import create_app
from elearn.cli import main
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
print(sorted(m for m in ("fpdf", "fontTools") if m in sys.modules))
print("psycopg" in sys.modules)
from courses.certificates import pdf, page
print(sorted(m for m in ("fpdf", "fontTools") if m in sys.modules))
"""


def test_the_app_and_the_cli_start_without_the_pdf_library_and_on_sqlite_without_psycopg():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "False"
    assert out[2] == "['fontTools', 'fpdf']"  # the probe itself is right: importing the page loads them
