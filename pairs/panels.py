"""The pair space's panel on the applicant's application page (added from `PairsConfig.ready()`)."""

from django.template.loader import render_to_string

from .models import Pair


def pair_space_panel(context, application) -> str:
    """On a paired application's page, once both sides confirmed: the link to the pair space."""
    if application.status != "paired":
        return ""
    pair = Pair.objects.filter(pairing__application=application).first()
    if pair is None:
        return ""
    return render_to_string("pairs/includes/application_panel.html", {"pair": pair})
