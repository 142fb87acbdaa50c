"""`{% application_panels application %}`: the panels other apps add to the application page
(see `applications.panels`)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .. import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def application_panels(context, application):
    # Each panel's HTML is escaped unless it is already marked safe.
    return mark_safe(
        "".join(conditional_escape(render(context, application)) for render in panels.registered())
    )
