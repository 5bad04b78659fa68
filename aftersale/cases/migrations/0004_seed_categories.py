"""The seeds' problem taxonomy as starting data (editable afterwards)."""

from django.db import migrations

CATEGORIES = [
    ("inquiry", "logistics_query", "物流查询", "Logistics query"),
    ("inquiry", "product_usage", "产品用法", "Product usage"),
    ("inquiry", "invoice", "发票开具", "Invoice"),
    ("inquiry", "policy_question", "政策咨询", "Policy question"),
    ("after_sales", "quality_fault", "质量问题", "Quality fault"),
    ("after_sales", "missing_or_wrong_item", "少发错发", "Missing or wrong item"),
    ("after_sales", "transit_damage", "物流损坏", "Damaged in transit"),
    ("after_sales", "not_as_described", "描述不符", "Not as described"),
    ("after_sales", "no_reason_return", "七天无理由", "7-day no-reason return"),
    ("after_sales", "logistics_delay", "物流延误", "Delivery delayed"),
    ("complaint", "service_attitude", "服务态度", "Service attitude"),
    ("complaint", "false_advertising", "虚假宣传", "False advertising"),
    ("complaint", "professional_claimant", "职业打假", "Professional claimant"),
    ("complaint", "counterfeit", "假货投诉", "Counterfeit goods"),
]


def forwards(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    for order, (case_type, code, name, name_en) in enumerate(CATEGORIES):
        CaseCategory.objects.update_or_create(
            code=code,
            defaults={"case_type": case_type, "name": name, "name_en": name_en, "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_append_only_events")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
