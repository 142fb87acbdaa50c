"""The axe-core helper itself: it finds what it must, so a green journey means something."""

import pytest

from .axe import assert_accessible, axe_violations

pytestmark = pytest.mark.browser


def test_axe_reports_an_unlabelled_field_and_low_contrast(watched_page, live_server):
    page = watched_page
    page.goto(live_server.url + "/privacy/")
    page.evaluate(
        """() => {
            const input = document.createElement('input');
            input.type = 'text';
            document.querySelector('main').appendChild(input);
            const low = document.createElement('p');
            low.textContent = 'hard to read';
            low.setAttribute('class', 'text-warning bg-white');
            document.querySelector('main').appendChild(low);
        }"""
    )

    rules = {v["id"] for v in axe_violations(page)}

    assert {"label", "color-contrast"} <= rules
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
