"""Every registered figure has its catalogue entry (tianmu/core/indicators.py)."""

from django.utils import translation

from tianmu.core.indicators import INDICATORS, Frequency, Kind, Owner, Unit
from tianmu.core.kpis import kpi_keys


def test_every_registered_figure_has_an_entry():
    missing = [key for key in kpi_keys() if key not in INDICATORS]
    assert missing == [], f"add these figures to tianmu/core/indicators.py: {missing}"


def test_entries_use_the_small_sets_of_units_kinds_owners_and_frequencies():
    for key, entry in INDICATORS.items():
        assert entry.key == key
        assert entry.unit in Unit.values
        assert entry.kind in Kind.values
        assert entry.owner in Owner.values
        assert entry.frequency in Frequency.values
        assert str(entry.definition).endswith(".")
    assert INDICATORS["par30"].unit == Unit.RATIO
    assert INDICATORS["rural_jobs"].unit == Unit.PEOPLE
    assert INDICATORS["operating_income_growth_yuan"].kind == Kind.FLOW
    assert INDICATORS["alliances_active_after_term"].kind == Kind.STOCK


def test_names_and_definitions_are_translated():
    with translation.override("en"):
        english = {k: (str(e.name), str(e.definition)) for k, e in INDICATORS.items()}
    with translation.override("zh-hans"):
        assert str(INDICATORS["events"].name) == "村企互动活动"
        assert str(Unit.PEOPLE.label) == "人"
        assert str(Owner.FIC.label) == "区工商联"
        chinese = {k: (str(e.name), str(e.definition)) for k, e in INDICATORS.items()}
    assert [k for k in INDICATORS if chinese[k][0] == english[k][0]] == []
    assert [k for k in INDICATORS if chinese[k][1] == english[k][1]] == []
