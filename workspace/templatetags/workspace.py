"""Template tags for pages outside the workspace: the navigation link and the Twin City's
published pairing on its application page."""

import rules
from django import template

from .. import navigation, selectors
from ..forms import PairingAnswerForm

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_link_visible(context) -> bool:
    """True for users with an active Mission City membership (no query; see `navigation`)."""
    request = context.get("request")
    return request is not None and navigation.shows_link(request)


@register.inclusion_tag("workspace/includes/twin_pairing.html", takes_context=True)
def twin_pairing_panel(context, application):
    """The application's published pairing and, while unanswered, the form to answer it."""
    user = context.get("user")
    pairing = selectors.twin_pairing(application=application)
    visible = pairing is not None and rules.test_rule("workspace.view_as_twin", user, pairing)
    can_answer = visible and rules.test_rule("workspace.answer_as_twin", user, pairing)
    return {
        "pairing": pairing if visible else None,
        "can_answer": can_answer,
        "form": PairingAnswerForm(auto_id="twin-%s") if can_answer else None,
        "csrf_token": context.get("csrf_token"),
        "application": application,
    }
