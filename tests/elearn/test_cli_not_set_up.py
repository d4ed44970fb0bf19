"""A command on a database that is missing or not migrated says what to run, not a traceback
(issue 17.13)."""
from __future__ import annotations

import os
import subprocess
import sys


def _elearn(tmp_path, *args):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite", "ELEARN_INSTANCE_PATH": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", "from elearn.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_commands_on_a_database_not_set_up_say_what_to_run(tmp_path):
    for command in (["users", "list"], ["contests", "list"]):
        done = _elearn(tmp_path, *command)
        assert done.returncode == 2, done.stderr
        assert "elearn db upgrade" in done.stderr and "Traceback" not in done.stderr
    assert _elearn(tmp_path, "--help").returncode == 0
