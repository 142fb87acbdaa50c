"""The steps of the application form, in order."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    number: int


STEPS = [
    Step("organisation", _("Organisation"), 1),
    Step("climate", _("Climate commitment"), 2),
    Step("learning", _("Learning needs"), 3),
    Step("sharing", _("What you can share"), 4),
    Step("preferences", _("Preferred Mission Cities"), 5),
    Step("commitment", _("Commitment"), 6),
    Step("review", _("Review and submit"), 7),
]
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
