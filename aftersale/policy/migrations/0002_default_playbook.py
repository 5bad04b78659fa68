"""Version 1: the shipped default playbook, active."""

from django.db import migrations


def forwards(apps, schema_editor):
    from django.utils import timezone

    from aftersale.policy.services import DEFAULT_PLAYBOOK, playbook_parse, playbook_to_content

    PlaybookVersion = apps.get_model("policy", "PlaybookVersion")
    if PlaybookVersion.objects.exists():
        return
    source = DEFAULT_PLAYBOOK.read_text(encoding="utf-8")
    PlaybookVersion.objects.create(
        number=1, content=playbook_to_content(playbook_parse(source)), source=source,
        reason="默认政策（法定规则）", is_active=True, activated_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
