"""The workspace's panel on pages of lower apps (added from `WorkspaceConfig.ready()`)."""

import rules
from django.template.loader import render_to_string

from applications.models import Application
from matching import explanations

from . import selectors
from .forms import PairingAnswerForm


def twin_pairing_panel(context, application) -> str:
    """On a paired application's page: its published pairing and, while unanswered, the form to
    answer it."""
    if application.status != Application.Status.PAIRED:
        return ""
    user = context.get("user")
    pairing = selectors.twin_pairing(application=application)
    visible = pairing is not None and rules.test_rule("workspace.view_as_twin", user, pairing)
    can_answer = visible and rules.test_rule("workspace.answer_as_twin", user, pairing)
    return render_to_string(
        "workspace/includes/twin_pairing.html",
        {
            "pairing": pairing if visible else None,
            "can_answer": can_answer,
            "form": PairingAnswerForm(auto_id="twin-%s") if can_answer else None,
            "csrf_token": context.get("csrf_token"),
            "application": application,
            "why": explanations.for_applicant(pairing.details, pairing.mission_city.display_name)
            if visible
            else [],
        },
    )
