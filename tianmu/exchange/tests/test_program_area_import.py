"""Programme sheets: the area column (a county, a city or the province), and sheets exported
while the column was the programme's county still import."""

from __future__ import annotations

import pytest

from tianmu.alliances.models import Program
from tianmu.exchange.services import import_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "area"),
    [
        ("名称,区域,区域 (区划代码),开始日期", "杭州市,330100000000"),  # today's sheet
        ("名称,区县,区县 (区划代码),开始日期", "富阳区,330111000000"),  # an older one
        ("name,county,start", "富阳区"),
    ],
)
def test_a_programme_sheet_names_its_area(world, header, area):
    user = world.users["superuser"]
    content = f"{header}\n山海协作 导入,{area},2024-01-01\n".encode()
    job = import_create(user=user, resource="programs", filename="p.csv", content=content,
                        dry_run=False)  # fmt: skip
    assert job.errors == [], job.errors
    assert job.created == 1
    code = area.split(",")[-1] if "," in area else "330111000000"
    assert Program.objects.get(name="山海协作 导入").area.code == code
