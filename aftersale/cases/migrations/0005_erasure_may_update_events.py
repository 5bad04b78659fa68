"""PostgreSQL: an event's payload may be rewritten only by personal-data erasure, which says so
with `SET LOCAL aftersale.erasure = 'on'` inside its own transaction. Without it, UPDATE and
DELETE stay refused. (Lifting the trigger instead would take a lock that stops every writer.)"""

from django.db import migrations

FUNCTION = """CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND current_setting('aftersale.erasure', true) = 'on' THEN
       RETURN NEW;
     END IF;
     RAISE EXCEPTION 'case events are append-only';
   END; $$ LANGUAGE plpgsql;"""
PREVIOUS = """CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger AS $$
   BEGIN RAISE EXCEPTION 'case events are append-only'; END; $$ LANGUAGE plpgsql;"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_seed_categories")]
    operations = [migrations.RunPython(forwards, backwards)]
