from celery import shared_task

from .retention import retention_sweep


@shared_task(name="aftersale.privacy.retention_sweep")
def retention_sweep_task() -> dict:
    report = retention_sweep()
    return {"cases": report.cases, "customers": report.customers, "horizon": report.horizon.isoformat()}
