"""Background jobs on the reference data."""

from celery import shared_task

from .services import DATA_DIR, call_data_load, reference_data_load


@shared_task(name="cities.load_curated_data")
def task_load_curated_data() -> str:
    """Load the reference data and every curated call; idempotent, so safe to deliver twice."""
    reports = [f"reference: {reference_data_load()}"]
    for path in sorted(DATA_DIR.glob("call_*.json")):
        call, report = call_data_load(path=path)
        reports.append(f"{call.slug}: {report}")
    return "; ".join(reports)
