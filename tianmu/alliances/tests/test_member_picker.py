"""The alliance-member picker says which enterprises are core members elsewhere already."""

import pytest

from tianmu.alliances.forms import AllianceMemberForm

pytestmark = pytest.mark.django_db


def test_member_picker_names_the_other_alliance_of_a_core_member(world):
    form = AllianceMemberForm(user=world.users["admin"], alliance=world.a1)
    labels = dict(form.fields["organization"].choices)
    labels = {
        value.value if hasattr(value, "value") else value: text for value, text in labels.items()
    }
    assert labels[world.e_other.pk] == f"{world.e_other} — core member of {world.a2.name}"
    # A1's own core members and organisations that are nobody's core member read plainly.
    assert labels[world.e1.pk] == str(world.e1)
    assert labels[world.c1.pk] == str(world.c1)
