"""Error reporting to Sentry, set up from the settings when SENTRY_DSN is set (and only then)."""


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    """Send unhandled errors of requests (Django) and tasks (Celery) to Sentry."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
    )
