import pytest
from django.utils import timezone

from .helpers import days, make_pair, plan_template


@pytest.fixture
def pair_world(open_call):
    # The programme started 100 days ago: kick-off (day 30) and agenda (day 60) are overdue,
    # the site visit (day 150) and the plan (day 300) are ahead.
    open_call.programme_start = timezone.localdate() - days(100)
    open_call.save(update_fields=["programme_start"])
    plan_template(open_call)
    pair, twin, host = make_pair(open_call)
    return pair, twin, host
