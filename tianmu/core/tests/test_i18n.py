"""The Chinese catalogue is complete: every string of the project has a translation."""

from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "tianmu" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_chinese_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert len(po) > 100
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")


def test_placeholders_survive_translation():
    """A translation that drops or renames a %(name)s placeholder breaks at run time."""
    import re

    names = re.compile(r"%\((\w+)\)")
    po = polib.pofile(str(PO))
    for entry in po.translated_entries():
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert set(names.findall(entry.msgid)) == set(names.findall(translated)), entry.msgid


def test_compiled_catalogue_is_up_to_date():
    mo = PO.with_suffix(".mo")
    assert mo.exists()
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(mo))}
    source = polib.pofile(str(PO))
    assert all(compiled.get(e.msgid) for e in source.translated_entries() if not e.msgid_plural)


def test_source_strings_with_a_chinese_gloss_have_plain_english():
    """A few source strings carry the Chinese term for the translators ("Tea (茶叶)"); the
    English catalogue words them in English only, so the English UI shows no Chinese."""
    import re

    from django.utils import translation

    cjk = re.compile(r"[\u3400-\u9fff]")
    english = polib.pofile(str(PO).replace("zh_Hans", "en"))
    plain = {e.msgid: e.msgstr for e in english}
    glossed = [e.msgid for e in polib.pofile(str(PO)) if cjk.search(e.msgid)]
    assert glossed
    assert sorted(glossed) == sorted(plain)
    with translation.override("en"):
        for msgid in glossed:
            shown = translation.gettext(msgid)
            assert shown == plain[msgid] and not cjk.search(shown), msgid


def test_translation_functions_keep_names_makemessages_knows():
    """makemessages extracts `_`, `gettext`, `gettext_lazy`, `gettext_noop`… by name: an alias
    such as `gettext_lazy as _lazy` hides every string marked with it (the workflow badges
    stayed English on Chinese pages for that reason)."""
    import re

    alias = re.compile(r"import\s+(?:\w+\s+as\s+\w+\s*,\s*)*(n?p?gettext\w*)\s+as\s+(\w+)")
    found = []
    for path in (Path(settings.BASE_DIR) / "tianmu").rglob("*.py"):
        for name, alias_name in alias.findall(path.read_text(encoding="utf-8")):
            if alias_name != "_":
                found.append(f"{path.name}: {name} as {alias_name}")
    assert found == []
