"""Template tests for the personal-data links (the same rules the views enforce)."""

from django import template

from tianmu.employment.api_people import may_read_access_log
from tianmu.employment.services import may_search_id_number

register = template.Library()


@register.filter
def may_search_id(user) -> bool:
    return may_search_id_number(user)


@register.filter
def may_read_reveals(user) -> bool:
    return may_read_access_log(user)
