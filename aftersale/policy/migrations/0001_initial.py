import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="PlaybookVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(unique=True, verbose_name="版本号")),
                ("content", models.JSONField(verbose_name="内容")),
                ("source", models.TextField(verbose_name="YAML 原文")),
                ("reason", models.CharField(max_length=500, verbose_name="变更原因")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("is_active", models.BooleanField(default=False, verbose_name="生效中")),
                ("activated_at", models.DateTimeField(blank=True, null=True, verbose_name="生效时间")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "售后政策版本",
                "verbose_name_plural": "售后政策版本",
                "ordering": ["-number"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_active", True)), fields=("is_active",), name="one_active_playbook"
                    )
                ],
            },
        ),
    ]
