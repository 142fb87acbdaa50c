"""Panels that higher apps add to the applicant's application page.

The application page belongs to this app, whose templates never load another app's template tags
(the layers point one way: cities <- applications <- matching <- workspace). An app above adds its
panel here from its `AppConfig.ready()`: `panels.register(render)`, where
`render(context, application) -> str` returns the panel's HTML, or "" when it has nothing to show.
The page renders them, in registration order, with `{% application_panels application %}`.
"""

from collections.abc import Callable

Panel = Callable[..., str]

_panels: list[Panel] = []


def register(render: Panel) -> Panel:
    if render not in _panels:
        _panels.append(render)
    return render


def registered() -> tuple[Panel, ...]:
    return tuple(_panels)
