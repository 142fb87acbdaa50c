import re

import pytest
from django.urls import reverse

from matching.models import MatchingRun, Pairing, Proposal

pytestmark = pytest.mark.django_db


def test_staff_starts_a_run_sees_proposals_decides_and_publishes(
    client, open_call, three_applicants, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:matching_matchingrun_start"), {"call": open_call.pk, "mode": "optimal"}
        )
    run = MatchingRun.objects.get()
    assert response["Location"] == reverse("admin:matching_matchingrun_change", args=[run.pk])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="succeeded"' in body
    proposal = Proposal.objects.filter(run=run).order_by("pk").first()
    assert proposal.explanation.split(":")[0] in body
    decide = reverse("admin:matching_matchingrun_decide", args=[run.pk, proposal.pk])
    client.post(decide, {"decision": "approved", "reason": ""})
    proposal.refresh_from_db()
    assert proposal.decision == "approved"
    client.post(reverse("admin:matching_matchingrun_publish", args=[run.pk]))
    assert list(Pairing.objects.values_list("application_id", flat=True)) == [
        proposal.application_id
    ]


def test_compare_two_runs(client, open_call, three_applicants, staff):
    from matching import services

    a = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    b = services.run_execute(
        run_id=services.run_start(call=open_call, mode="stable", enqueue=False).pk
    )
    client.force_login(staff)
    response = client.get(
        reverse("admin:matching_matchingrun_compare", args=[b.pk]), {"other": a.pk}
    )
    assert response.status_code == 200
    diff = response.context["diff"]
    assert sorted(diff) == ["added", "changed", "removed", "total_new", "total_old", "unchanged"]
    assert (
        diff["unchanged"] + len(diff["changed"]) + len(diff["added"])
        == Proposal.objects.filter(run=b).count()
    )


def test_queued_run_page_refreshes_itself(client, open_call, staff):
    from matching import services

    run = services.run_start(call=open_call, enqueue=False)
    client.force_login(staff)
    body = client.get(reverse("admin:matching_matchingrun_change", args=[run.pk])).content.decode()
    assert "js/run-progress.js" in body
    assert 'data-poll="1"' in body
    assert 'data-status="queued"' in body


def test_non_staff_cannot_reach_the_matching_admin(client, open_call, applicant):
    client.force_login(applicant)
    response = client.get(reverse("admin:matching_matchingrun_start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_run_page_with_a_non_integer_id(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/matching/matchingrun/abc/change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_run_page_leads_with_a_summary_and_a_rank_column_formula_one_click_away(
    client, open_call, three_applicants, staff
):
    from matching import services

    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    proposal = Proposal.objects.filter(run=run).select_related("application", "mission_city")[0]
    client.force_login(staff)

    body = client.get(reverse("admin:matching_matchingrun_change", args=[run.pk])).content.decode()

    assert "Its rank</th>" in body
    assert "Applicants' choices:" in body
    summary = body.index('<ul class="summary">')
    formula = body.index("<summary>Formula</summary>", summary)
    assert proposal.application.official_name in body[summary:formula]
    assert proposal.explanation.split(":")[0] in body[formula:]


TOKEN = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[^"]+')

# The rows of the run page as its template wrote them before they were written in Python
# (matching/admin.py, _proposal_row_writer).
TEMPLATE_ROW = """{% load i18n %}
<tr class="proposal" data-application="{{ p.application_id }}">
  <td>
    <a href="{{ p.application_url }}">{{ p.application.official_name }}</a>
    {% if p.pinned %}<br><em>{% translate "pinned" %}</em>{% endif %}
  </td>
  <td class="rank">
    {% if p.rank %}{{ p.rank }}{% else %}{% translate "not ranked" %}{% endif %}
  </td>
  <td class="explanation">
    {% if p.summary %}
      <ul class="summary">{% for line in p.summary %}<li>{{ line }}</li>{% endfor %}</ul>
    {% endif %}
    <details>
      <summary>{% translate "Formula" %}</summary>
      {{ p.explanation|linebreaksbr }}
    </details>
  </td>
  <td>{{ p.score|floatformat:3 }}<br><small>{{ p.components_text }}</small></td>
  <td>
    <strong>{{ p.get_decision_display }}</strong>
    {% if p.decision == "overridden" %}→ {{ p.override_city.display_name }}{% endif %}
    {% if p.decision_reason %}<br><small>{{ p.decision_reason }}</small>{% endif %}
    {% if not run.published_at %}
      <form method="post" action="{{ p.decide_url }}">
        {% csrf_token %}
        <label for="decision-{{ p.pk }}">{% translate "Decision" %}</label>
        <select name="decision" id="decision-{{ p.pk }}">{{ p.decision_options }}</select>
        <label for="override-{{ p.pk }}">{% translate "Change to" %}</label>
        <select name="override_city" id="override-{{ p.pk }}">
          <option value="">—</option>
          {{ city_options }}
        </select>
        <label for="reason-{{ p.pk }}">{% translate "Reason" %}</label>
        <input type="text" name="reason" id="reason-{{ p.pk }}" size="20">
        <input type="submit" value="{% translate 'Save' %}">
      </form>
    {% endif %}
  </td>
</tr>"""


def test_run_page_rows_written_in_python_are_the_templates_rows(
    client, open_call, three_applicants, staff
):
    """Each proposal's row (pinned, not ranked, overridden with a reason to escape, pending;
    with and without the decision forms once published) is the HTML the template wrote."""
    from django.template import Context, Template
    from django.test.html import parse_html

    from cities.models import CallMissionCity
    from matching import services

    run = services.run_execute(run_id=services.run_start(call=open_call, enqueue=False).pk)
    proposals = list(Proposal.objects.filter(run=run).order_by("pk"))
    assert len(proposals) >= 2
    first, second = proposals[0], proposals[1]
    first.pinned, first.rank = True, None
    first.save(update_fields=["pinned", "rank"])
    second.decision = "overridden"
    second.override_city = CallMissionCity.objects.filter(call=open_call).last()
    second.decision_reason = 'Asked by <b>"both"</b> & agreed'
    second.save(update_fields=["decision", "override_city", "decision_reason"])
    client.force_login(staff)
    url = reverse("admin:matching_matchingrun_change", args=[run.pk])
    template = Template(TEMPLATE_ROW)
    for published in (False, True):
        if published:
            MatchingRun.objects.filter(pk=run.pk).update(published_at="2026-01-01T10:00Z")
        response = client.get(url)
        assert response.status_code == 200
        context = response.context
        shown = 0
        for city, rows in context["by_city"]:
            expected = "".join(
                template.render(
                    Context(
                        {
                            "p": p,
                            "run": context["run"],
                            "city_options": context["city_options"],
                            "csrf_token": context["csrf_token"],
                        }
                    )
                )
                for p in rows
            )
            # each {% csrf_token %} of a response masks the same secret differently
            rows_html = TOKEN.sub("token", city.proposal_rows)
            assert parse_html(rows_html) == parse_html(TOKEN.sub("token", expected))
            assert ("<form" in city.proposal_rows) is not published
            shown += len(rows)
        assert shown == len(proposals)
        body = response.content.decode()
        assert "<br><em>pinned</em>" in body and "not ranked" in body
        assert "Asked by &lt;b&gt;&quot;both&quot;&lt;/b&gt; &amp; agreed" in body
