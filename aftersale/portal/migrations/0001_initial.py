import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0002_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OtpChallenge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("salt", models.CharField(max_length=32)),
                ("code_hash", models.CharField(max_length=64)),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="发送时间")),
                ("expires_at", models.DateTimeField(verbose_name="过期时间")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="使用时间")),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.customer",
                        verbose_name="客户",
                    ),
                ),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.order",
                        verbose_name="订单",
                    ),
                ),
            ],
            options={
                "verbose_name": "登录验证码",
                "verbose_name_plural": "登录验证码",
                "indexes": [models.Index(fields=["customer", "created_at"], name="otp_customer_created")],
            },
        ),
    ]
