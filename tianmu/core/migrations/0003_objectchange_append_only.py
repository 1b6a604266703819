"""On PostgreSQL the change log is append-only in the database itself (docs/deploy.md).

A trigger refuses UPDATE and DELETE on core_objectchange, whoever sends them (the ORM refuses
them already; this also covers raw SQL and other clients). Two exceptions:
- a deleted user's rows keep their `user_name` while `user_id` becomes NULL (ON DELETE SET
  NULL, which Django sends as an UPDATE that changes nothing else);
- `tianmu prunechanges` deletes rows older than six months after `SET LOCAL
  tianmu.prune_changes = 'on'`, which lasts only for its own transaction; even then the
  trigger refuses rows younger than six months.
SQLite has no such trigger: there the ORM's refusal is the guard.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION tianmu_objectchange_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('tianmu.prune_changes', true) = 'on' THEN
        IF OLD.time >= now() - interval '6 months' THEN
            RAISE EXCEPTION 'change log rows are kept at least 6 months (row % is younger)',
                OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
       AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS core_objectchange_append_only ON core_objectchange;
CREATE TRIGGER core_objectchange_append_only
    BEFORE UPDATE OR DELETE ON core_objectchange
    FOR EACH ROW EXECUTE FUNCTION tianmu_objectchange_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_objectchange_append_only ON core_objectchange;
DROP FUNCTION IF EXISTS tianmu_objectchange_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # None: the % signs are not placeholders

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_periodlock")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
