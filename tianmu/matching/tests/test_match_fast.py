"""`tianmu match` end to end without Django's start-up, and scores checked column by column
with the same table and the same messages as row by row (bench/match_cli.py measures it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tianmu.matching.solver import validate
from tianmu.matching.solver.validate import InstanceError, parse_instance

ROOT = Path(__file__).resolve().parents[3]

BASE = {
    "rules": {"core": 1, "chamber": 0, "partners": [0, 0]},
    "villages": [{"id": "v1", "town": "T"}, {"id": "v2", "town": "T"}],
    "enterprises": [{"id": "e1", "town": "T"}, {"id": "e2", "town": "T"}],
}


def with_scores(rows):
    return {**BASE, "scores": {"enterprise": rows}}


def test_valid_scores_give_the_same_table_both_ways(monkeypatch):
    rows = [["e1", "v1", 0.5], ["e2", "v1", 1], ["e1", "v2", 0.25]]
    fast = parse_instance(with_scores(rows)).scores
    monkeypatch.setattr(validate, "_score_table_fast", lambda rows, members, villages: None)
    slow = parse_instance(with_scores(rows)).scores
    assert (
        fast == slow == {"enterprise": {("e1", "v1"): 0.5, ("e2", "v1"): 1.0, ("e1", "v2"): 0.25}}
    )
    assert type(fast["enterprise"][("e2", "v1")]) is float


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (["e1", "v1"], "scores.enterprise[1]: expected [member_id, village_id, score]"),
        (["ghost", "v1", 1.0], "scores.enterprise[1]: unknown enterprise id 'ghost'"),
        (["e1", "nowhere", 1.0], "scores.enterprise[1]: unknown village id 'nowhere'"),
        (["e1", "v1", True], "scores.enterprise[1]: score must be a finite number, got True"),
        (["e1", "v1", "0.5"], "score must be a finite number, got '0.5'"),
        (["e1", "v1", float("nan")], "score must be a finite number, got nan"),
        (["e2", "v2", 1.0, 2], "scores.enterprise[1]: expected [member_id, village_id, score]"),
    ],
)
def test_a_bad_row_is_still_named(bad_row, message):
    with pytest.raises(InstanceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_instance(with_scores([["e2", "v2", 0.1], bad_row]))


def test_a_duplicate_pair_is_still_named():
    rows = [["e1", "v1", 0.1], ["e2", "v1", 0.2], ["e1", "v1", 0.3]]
    with pytest.raises(InstanceError, match=r"scores.enterprise\[2\]: duplicate score"):
        parse_instance(with_scores(rows))


def test_the_console_script_solves_without_starting_django(tmp_path):
    src, out = tmp_path / "inst.json", tmp_path / "res.json"
    src.write_text(json.dumps(with_scores([["e1", "v1", 0.5], ["e2", "v2", 0.7]])))
    code = (
        "import sys\n"
        "from tianmu import cli\n"
        f"sys.argv = ['tianmu', 'match', {str(src)!r}, '--out', {str(out)!r}]\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit as exc:\n"
        "    import django.apps\n"
        "    print(exc.code, django.apps.apps.ready)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.stdout.split()[-2:] == ["0", "False"], result.stderr
    assert result.stdout.startswith("optimal: objective 1.2")
    assert json.loads(out.read_text())["objective"] == pytest.approx(1.2)


def test_the_django_command_skips_the_system_checks():
    from tianmu.matching.management.commands.match import Command

    assert Command.requires_system_checks == []
