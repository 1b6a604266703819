"""Imports: the API, the command, the formats, and bad input that changes nothing (issue 11)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from tianmu.core.imports import parse_date, parse_number
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient, db_state
from tianmu.registry.models import Organization, Village, VillageIncome

INCOME_HEADER = ["区划代码", "村名", "年份", "总收入", "经营性收入"]


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list], encoding="utf-8-sig") -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def upload(api, who, resource, name, content, dry_run=False, lang="en"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.key(who)
    return api.client.post(
        "/api/v1/imports",
        {"resource": resource, "dry_run": "true" if dry_run else "false",
         "file": SimpleUploadedFile(name, content)},
        HTTP_AUTHORIZATION=f"Bearer {api.key(who)}",
        HTTP_ACCEPT_LANGUAGE=lang,
    )  # fmt: skip


@pytest.fixture
def api(world):
    return ApiClient(world)


def test_cells_in_the_shapes_offices_write_them():
    import datetime

    d = datetime.date(2025, 3, 1)
    for text in ("2025-03-01", "2025/3/1", "2025年3月1日", 45717, "45717", "2025.3.1"):
        assert parse_date(text) == d, text
    assert parse_date("2025年3月", month=True) == d
    assert parse_number("1,234.50") == "1234.50"
    assert parse_number("¥12,000") == "12000"
    with pytest.raises(ValueError):
        parse_date("三月一日")
    with pytest.raises(ValueError):
        parse_number("一千")


@pytest.mark.django_db
def test_income_sheet_dry_run_then_import_then_again_changes_nothing(world, api):
    sheet = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2024, "1,200,000.00", 520000],
                  ["330112107202", "示例一村", 2024, 800000, None]])  # fmt: skip
    before = db_state()
    r = upload(api, "admin", "village-incomes", "三资.xlsx", sheet, dry_run=True)
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= {"id", "status", "progress", "rows", "created", "updated", "unchanged",
                         "errors"}  # fmt: skip
    assert (body["status"], body["rows"], body["created"], body["errors"]) == ("done", 2, 2, [])
    assert db_state() == before  # a dry run writes nothing
    assert api("admin", "get", f"/imports/{body['id']}").json()["status"] == "done"

    r = upload(api, "admin", "village-incomes", "三资.xlsx", sheet)
    assert r.json()["created"] == 2, r.content
    income = VillageIncome.objects.get(village=world.v1a, year=2024)
    assert str(income.amount_yuan) == "1200000.00" and str(income.operating_yuan) == "520000.00"
    change = ObjectChange.objects.filter(object_repr__contains="2024").order_by("-pk").first()
    assert change is not None and change.user_name == "admin_a"

    r = upload(api, "admin", "village-incomes", "三资.xlsx", sheet)
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 2)

    changed = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2024, 1300000, 520000]])
    r = upload(api, "admin", "village-incomes", "三资.xlsx", changed)
    assert r.json()["updated"] == 1
    income.refresh_from_db()
    assert str(income.amount_yuan) == "1300000.00"


@pytest.mark.django_db
def test_one_bad_row_and_nothing_is_written_with_row_and_column_named(world, api):
    sheet = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2024, 1000, 10],
                  ["330112107202", "示例一村", 2024, -5, None],
                  ["330112107299", "无此村", 2024, 10, None]])  # fmt: skip
    before = db_state()
    r = upload(api, "admin", "village-incomes", "x.xlsx", sheet, lang="zh-hans")
    body = r.json()
    assert body["status"] == "failed" and body["created"] == 0
    where = {(e["row"], e["column"]) for e in body["errors"]}
    assert (3, "总收入") in where and (4, "区划代码") in where, body["errors"]
    assert db_state() == before
    # The error report is the same sheet with an error column.
    report = api("admin", "get", f"/imports/{body['id']}/errors")
    ws = load_workbook(io.BytesIO(report.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-1] in ("错误", "Errors") and rows[2][-1] and not rows[1][-1]


@pytest.mark.django_db
def test_a_village_cadre_imports_only_into_their_village(world, api):
    sheet = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2023, 1000, None],
                  ["330112106201", "示例二村", 2023, 1000, None]])  # fmt: skip
    before = db_state()
    body = upload(api, "village", "village-incomes", "x.xlsx", sheet).json()
    assert [e["row"] for e in body["errors"]] == [3], body["errors"]
    assert db_state() == before
    ok = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2023, 1000, None]])
    assert upload(api, "village", "village-incomes", "x.xlsx", ok).json()["created"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("x.xlsx", b"", "empty"),
        ("x.csv", "区划代码,年份\n".encode(), "no data rows"),
        ("x.xlsx", b"not a zip at all", "not an Excel workbook"),
        ("x.csv", b"PK\x03\x04binary", "not a text file"),
        ("x.pdf", b"%PDF-1.4", ".xlsx"),
    ],
)
def test_files_that_are_not_sheets_are_refused(world, api, name, content, fragment):
    before = db_state()
    r = upload(api, "admin", "village-incomes", name, content)
    if r.status_code == 400:  # refused before a job is made (an empty upload)
        assert fragment in str(r.json()), r.content
    else:
        body = r.json()
        assert body["status"] == "failed" and fragment in body["errors"][0]["message"], body
    assert db_state() == before


@pytest.mark.django_db
def test_header_problems_are_named(world, api):
    sheet = xlsx([["区划代码", "年份", "备注XX"], ["330112107201", 2024, "x"]])
    errors = upload(api, "admin", "village-incomes", "x.xlsx", sheet).json()["errors"]
    text = " ".join(e["message"] for e in errors)
    assert "备注XX" in text and "collective income" in text.lower(), errors


@pytest.mark.django_db
def test_the_same_record_twice_in_one_file_is_refused(world, api):
    row = ["330112107201", "望湖村", 2024, 1000, None]
    body = upload(api, "admin", "village-incomes", "x.xlsx", xlsx([INCOME_HEADER, row, row])).json()
    assert body["errors"] and body["errors"][0]["row"] == 3, body
    assert not VillageIncome.objects.exists()


@pytest.mark.django_db
def test_csv_in_gbk_and_utf8_with_english_headers(world, api):
    rows = [["division code", "village name", "year", "collective income (yuan)"],
            ["330112107201", "望湖村", "2022", "1,000.00"]]  # fmt: skip
    for encoding, year in (("gbk", "2022"), ("utf-8", "2021"), ("utf-8-sig", "2020")):
        rows[1][2] = year
        body = upload(api, "admin", "village-incomes", "x.csv", csv_bytes(rows, encoding)).json()
        assert body["created"] == 1, (encoding, body)
    assert VillageIncome.objects.filter(village=world.v1a).count() == 3


@pytest.mark.django_db
def test_a_wrong_credit_code_check_character_is_named(world, api):
    header = ["类型", "名称", "统一社会信用代码"]
    sheet = xlsx([header, ["企业", "新企业甲", "91330100MA2XXXXXX1"]])
    before = Organization.objects.count()
    body = upload(api, "admin", "organizations", "x.xlsx", sheet, lang="zh-hans").json()
    assert body["errors"] and body["errors"][0]["column"] == "统一社会信用代码", body
    assert Organization.objects.count() == before


@pytest.mark.django_db
def test_oversized_files_and_zip_bombs_are_refused(world, api, settings):
    settings.TIANMU_IMPORT_MAX_BYTES = 1000
    r = upload(api, "admin", "village-incomes", "x.csv", b"a" * 2000)
    assert r.status_code == 400 and "MB" in str(r.json())
    settings.TIANMU_IMPORT_MAX_BYTES = 10_000_000
    settings.TIANMU_IMPORT_MAX_UNZIPPED_BYTES = 10_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "0" * 1_000_000)
    body = upload(api, "admin", "village-incomes", "x.xlsx", buf.getvalue()).json()
    assert body["status"] == "failed" and "unpacks" in body["errors"][0]["message"]


@pytest.mark.django_db
def test_unknown_register_is_400(world, api):
    r = upload(api, "admin", "no-such", "x.xlsx", xlsx([["a"], [1]]))
    assert r.status_code == 400 and "resource" in r.json()["errors"]
    r = api("admin", "get", "/imports/template", {"resource": "no-such"})
    assert r.status_code == 400


@pytest.mark.django_db
def test_someone_elses_import_is_404(world, api):
    sheet = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2024, 1000, None]])
    job = upload(api, "admin", "village-incomes", "x.xlsx", sheet, dry_run=True).json()
    assert api("town", "get", f"/imports/{job['id']}").status_code == 404


@pytest.mark.django_db
def test_template_has_dropdowns_instructions_and_an_example(world, api):
    r = api("admin", "get", "/imports/template", {"resource": "organizations"}, lang="zh-hans")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert "名称 *" in header
    assert ws.data_validations.dataValidation, "choices get a dropdown"
    assert ws.max_row >= 2  # the example row
    info = [r[0] for r in wb["说明 Instructions"].iter_rows(values_only=True) if r[0]]
    assert any("How to fill in" in line for line in info)
    assert any("填" in line for line in info)


@pytest.mark.django_db
def test_command_exit_codes(world, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2019, 1000, None]]))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2019, "abc", None]]))
    with pytest.raises(SystemExit) as exc:
        call_command("import", "village-incomes", str(bad), "--user", "admin_a")
    assert exc.value.code == 2
    assert "row 2" in capsys.readouterr().err
    call_command("import", "village-incomes", str(good), "--dry-run", "--user", "admin_a")
    assert not VillageIncome.objects.exists()
    call_command("import", "village-incomes", str(good), "--user", "admin_a")
    assert VillageIncome.objects.filter(year=2019).count() == 1


@pytest.mark.django_db
def test_villages_import_creates_and_matches_by_division_code(world, api):
    header = ["名称", "区划代码", "镇（街道）", "人口"]
    sheet = xlsx([header, ["新村", "330112107209", "龙岗镇", "1,200"],
                  ["望湖村", "330112107201", "330112107000", 999]])  # fmt: skip
    body = upload(api, "admin", "villages", "v.xlsx", sheet).json()
    assert (body["created"], body["updated"], body["errors"]) == (1, 1, []), body
    assert Village.objects.get(area__code="330112107201").population == 999


@pytest.mark.django_db
def test_pages_upload_preview_fix_and_confirm(world, client):
    """The list page links to the import; a bad sheet shows its errors, a fixed one its
    preview, and confirming writes it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["admin"])
    listing = client.get("/registry/organizations/")
    assert b"/exchange/import/organizations/" in listing.content
    assert b"/exchange/import/chamber-memberships/" in listing.content  # rows of its records
    assert b"/exchange/import/village-incomes/" in client.get("/registry/villages/").content
    page = client.get("/exchange/import/village-incomes/")
    assert page.status_code == 200
    bad = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2024, "abc", None]])
    r = client.post("/exchange/import/village-incomes/",
                    {"file": SimpleUploadedFile("x.xlsx", bad)}, follow=True)  # fmt: skip
    assert b"import-errors" in r.content and b"abc" in r.content
    assert not VillageIncome.objects.exists()
    good = xlsx([INCOME_HEADER, ["330112107201", "望湖村", 2024, "1,000", None]])
    r = client.post("/exchange/import/village-incomes/",
                    {"file": SimpleUploadedFile("x.xlsx", good)}, follow=True)  # fmt: skip
    assert b"import-preview" in r.content and not VillageIncome.objects.exists()
    dry = r.redirect_chain[-1][0]
    r = client.post(dry + "confirm/", follow=True)
    assert r.status_code == 200
    assert VillageIncome.objects.get(village=world.v1a, year=2024).amount_yuan == 1000


@pytest.mark.django_db
def test_people_export_masks_unless_an_admin_asks_and_then_logs_each(world, api):
    from tianmu.employment.models import PersonalDataAccess
    from tianmu.employment.tests.factories import PersonFactory, make_id_number

    number = make_id_number(7)
    person = PersonFactory(village=world.v1a, id_number=number, phone="13800001111")
    masked = api("admin", "get", "/people", {"format": "csv"})
    text = b"".join(masked.streaming_content).decode("utf-8-sig")
    assert number not in text and "13800001111" not in text
    assert not PersonalDataAccess.objects.exists()

    full = api("admin", "get", "/people", {"format": "csv", "reveal": "1"})
    text = b"".join(full.streaming_content).decode("utf-8-sig")
    assert number in text and "13800001111" in text
    logged = PersonalDataAccess.objects.filter(person=person, action="export")
    assert sorted(logged.values_list("field", flat=True)) == ["id_number", "phone"]
    assert logged.first().user_name == "admin_a"

    refused = api("town", "get", "/people", {"format": "csv", "reveal": "1"})
    assert refused.status_code == 400 and "reveal" in refused.json()["errors"]
    assert PersonalDataAccess.objects.count() == 2
