from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pairs.models import Pair
from pairs.status import effective_status

pytestmark = pytest.mark.django_db


def test_setup_demo_adds_a_running_pair_with_milestones_in_each_state_once():
    call_command("setup_demo", "--quiet", stdout=StringIO())
    call_command("setup_demo", "--quiet", stdout=StringIO())
    pair = Pair.objects.get()
    assert pair.pairing.host_confirmation == pair.pairing.twin_confirmation == "confirmed"
    assert pair.call.programme_start < timezone.localdate()
    states = [(m.title, effective_status(m)) for m in pair.milestones.order_by("due_date")]
    assert states == [
        ("Kick-off meeting", "done"),
        ("Learning agenda agreed", "done"),
        ("First workshop on the priority actions", "late"),
        ("Targeted feedback on the Twin City's first ideas", "planned"),
        ("Site visit", "planned"),
        ("Replication (action) plan", "planned"),
        ("Closing reflection", "planned"),
    ]
    assert pair.agenda_items.exists()
    assert pair.messages.count() == 2
