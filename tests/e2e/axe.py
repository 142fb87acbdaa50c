"""axe-core (WCAG 2.1 A and AA rules) in the browser tests.

`assert_accessible(page)` runs axe-core, from the npm package (`package.json` devDependencies,
never a CDN), on the page as it is now and fails on any violation of impact "serious" or
"critical", naming the rule, the elements and axe's help text. Call it on every page a journey
touches, after the page has settled (and again after htmx swaps in new content that matters).

The script is evaluated through the browser's debugging protocol, which the page's strict
Content-Security-Policy does not govern, so the portal's CSP stays as it is in production.
"""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make setup` (npm ci) first")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, *, impacts=frozenset(BLOCKING)) -> list[dict]:
    """axe-core's violations on the current page with one of `impacts`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;true")
    result = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical WCAG 2.1 AA violation of the current page."""
    violations = axe_violations(page)
    report = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    ]
    assert report == [], f"axe-core on {page.url}:\n" + "\n".join(report)
