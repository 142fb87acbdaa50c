"""Fixtures of the browser tests (Playwright with the system Chromium, see tests/conftest.py)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from cities.services import call_copy

VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def open_call(call_data):
    """A copy of the 2025 call that is open now."""
    return call_copy(
        source=call_data,
        slug="open",
        title="Open call",
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=30),
    )


@pytest.fixture
def watched_page(page: Page, live_server):
    """The page at 1280×900, recording console errors, uncaught exceptions and requests to any
    host other than the live server (`page.errors`, `page.foreign_requests`)."""
    page.set_viewport_size(VIEWPORT)
    page.set_default_timeout(10_000)
    page.errors = []
    page.foreign_requests = []
    page.on(
        "console",
        lambda msg: (
            page.errors.append(f"{page.url}: {msg.text} at {msg.location}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: page.errors.append(f"{page.url}: {exc}"))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url + "/")
            else page.foreign_requests.append(request.url)
        ),
    )
    return page
