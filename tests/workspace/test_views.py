"""The workspace pages as a Mission City member uses them, with exact values."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services as app_services
from applications.models import ShortlistEntry
from cities.models import MissionCity, MissionCityMembership
from matching.models import MatchingRun, Pairing, Proposal
from tests.builders import member, published_pairing, submitted_application
from tests.factories import MissionCityFactory, UserFactory
from workspace import services, views
from workspace.models import MissionCityInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicants(open_call, staff):
    """Two applicants that ranked Torino, three that did not, and some never shown."""
    made = {
        "Plymouth": submitted_application(open_call, "Plymouth", prefs=("Torino", "Sofia")),
        "Girona": submitted_application(
            open_call,
            "Girona",
            country="ES",
            prefs=("Sofia", "Torino"),
            needs=("mobility-transport", "built-environment"),
            population=100_000,
        ),
        "Graz": submitted_application(
            open_call,
            "Graz",
            country="AT",
            prefs=("Sofia",),
            needs=("energy-systems", "mobility-transport"),
            population=40_000,
        ),
        "Ghent": submitted_application(
            open_call,
            "Ghent",
            country="BE",
            prefs=("Sofia",),
            needs=("social-innovation",),
            population=260_000,
        ),
        "Brno": submitted_application(
            open_call,
            "Brno",
            country="CZ",
            prefs=("Sofia",),
            needs=("built-environment",),
            population=1_200_000,
        ),
    }
    submitted_application(open_call, "Kaunas", country="LT", submit=False)  # a draft
    withdrawn = submitted_application(open_call, "Esbjerg", country="DK")
    app_services.application_withdraw(application=withdrawn, by=staff)
    submitted_application(open_call, "Tartu", country="EE")  # a Mission City: ineligible
    return made


def ws(city, name="workspace_city", *args):
    return reverse(name, args=[city.mission_city.slug, *args])


def rows(response, key):
    return [
        (a.official_name, a.rank_given, a.fit.topics, a.fit.actions) for a in response.context[key]
    ]


# The applicant lists ----------------------------------------------------------------------


def test_workspace_lists_who_ranked_the_city_and_recommends_the_others(
    client, torino, torino_member, applicants
):
    client.force_login(torino_member)

    response = client.get(reverse("workspace"))

    assert response.status_code == 200
    assert response.context["city"] == torino
    assert rows(response, "ranked_rows") == [
        ("Plymouth", 1, ["Energy systems"], ["Renewable Energy Communities (RECs)"]),
        (
            "Girona",
            2,
            ["Mobility & transport"],
            ["Sustainable Mobility and Behavioural Change"],
        ),
    ]
    assert rows(response, "recommended_rows") == [
        (
            "Graz",
            None,
            ["Energy systems", "Mobility & transport"],
            [
                "Renewable Energy Communities (RECs)",
                "Sustainable Mobility and Behavioural Change",
            ],
        ),
        ("Ghent", None, ["Social innovation"], ["Renewable Energy Communities (RECs)"]),
        ("Brno", None, [], []),
    ]
    html = response.content.decode()
    assert re.findall(r"<span data-fit-topics>([^<]*)</span>", html) == [
        "Energy systems",
        "Mobility &amp; transport",
    ]
    for hidden in ("Kaunas", "Esbjerg", "Tartu"):
        assert hidden not in html


def test_recommended_for_you_is_ordered_by_the_engine_score_with_its_reasons(
    client, torino, torino_member, applicants
):
    """Brno shares no topic with Torino's offered actions (a raw count of shared topics put it
    last), but its need names Torino's renewable energy communities and it said it wants to
    learn that action: the engine puts it first and says why in Torino's voice. Ghent (one
    broad lever in common) and Graz (two fields) follow by their scores."""
    from applications.models import ActionInterest
    from cities.models import CityItem

    brno = applicants["Brno"]
    need = brno.learning_needs.get()
    need.text = "How to set up renewable energy communities with citizens and cooperatives"
    need.save(update_fields=["text"])
    recs = CityItem.objects.get(participation=torino, title__startswith="Renewable Energy Comm")
    ActionInterest.objects.create(application=brno, action=recs)
    client.force_login(torino_member)

    response = client.get(reverse("workspace"))

    recommended = response.context["recommended_rows"]
    assert [a.official_name for a in recommended] == ["Brno", "Graz", "Ghent"]
    assert [a.overlap for a in recommended] == [0, 2, 1]
    assert [a.engine_score for a in recommended] == [1.012456, 0.80824, 0.56]
    assert recommended[0].engine_reasons[:2] == [
        "It wants to learn about your action “Renewable Energy Communities (RECs)”.",
        "Your action “Renewable Energy Communities (RECs)” answers its need “How to set up "
        "renewable energy communities with citizens and cooperat…”.",
    ]
    html = response.content.decode()
    assert "It wants to learn about your action “Renewable Energy Communities (RECs)”." in html
    assert "Matching score: 1.01" in html


@pytest.mark.parametrize(
    ("query", "ranked", "recommended"),
    [
        ({"topic": "energy-systems"}, ["Plymouth"], ["Graz"]),
        ({"country": "ES"}, ["Girona"], []),
        ({"population": "lt50k"}, [], ["Graz"]),
        ({"population": "50k-250k"}, ["Girona"], []),
        ({"population": "250k-1m"}, ["Plymouth"], ["Ghent"]),
        ({"population": "gt1m"}, [], ["Brno"]),
        ({"rank": "2"}, ["Girona"], []),
        ({"verdict": "eligible"}, ["Plymouth", "Girona"], ["Graz", "Brno"]),
        ({"verdict": "needs_review"}, [], ["Ghent"]),
        ({"topic": "mobility-transport", "population": "lt50k"}, [], ["Graz"]),
    ],
)
def test_workspace_filters(
    client, torino, torino_member, applicants, staff, query, ranked, recommended
):
    app_services.application_override_verdict(
        application=applicants["Ghent"], verdict="needs_review", reason="check", by=staff
    )
    client.force_login(torino_member)

    response = client.get(ws(torino), query)

    assert [a.official_name for a in response.context["ranked_rows"]] == ranked
    assert [a.official_name for a in response.context["recommended_rows"]] == recommended
    assert response.context["filtered"] is True


def test_workspace_country_filter_offers_the_visible_applicants_countries(
    client, torino, torino_member, applicants
):
    client.force_login(torino_member)
    response = client.get(ws(torino))
    choices = [
        str(label) for _v, label in response.context["filter"].form.fields["country"].choices
    ]
    assert choices == ["Any country", "Austria", "Belgium", "Czechia", "Spain", "United Kingdom"]


def test_workspace_paginates_each_list(client, torino, torino_member, applicants, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(torino_member)

    response = client.get(ws(torino), {"page": 2, "rpage": 3})

    assert [a.official_name for a in response.context["ranked_rows"]] == ["Girona"]
    assert [a.official_name for a in response.context["recommended_rows"]] == ["Brno"]
    html = response.content.decode()
    assert 'href="?page=1&amp;rpage=3"' in html
    assert 'href="?page=2&amp;rpage=2"' in html


@pytest.mark.parametrize("n", [1, 3])
def test_workspace_query_count_does_not_grow_with_rows(
    client, open_call, torino, torino_member, django_assert_num_queries, n
):
    names = ["Plymouth", "Girona", "Graz", "Ghent", "Brno", "Bergen"]
    countries = ["GB", "ES", "AT", "BE", "CZ", "NO"]
    made = []
    for i in range(n):
        made.append(
            submitted_application(open_call, names[i], country=countries[i], prefs=("Torino",))
        )
        made.append(
            submitted_application(
                open_call, names[i + 3], country=countries[i + 3], prefs=("Sofia",)
            )
        )
    services.shortlist_add(city=torino, application=made[0], by=torino_member)
    client.force_login(torino_member)

    # session, user, memberships, the call, the user's cities in it, the city's actions and
    # their topics, the country choices, the topic filtered on, count and page of each list,
    # the rows' learning needs, the shortlist, the topic choices, the applications' stamp of
    # the cached recommendations (16); with the cache cold, the engine's inputs for the
    # recommendations' order and reasons (17: settings, applications with their interests,
    # needs, shares, further topics, preferences and contacts, cities with their items,
    # topics and shortlists, the vocabulary)
    with django_assert_num_queries(33):
        client.get(ws(torino), {"topic": "energy-systems"})
    with django_assert_num_queries(16):
        response = client.get(ws(torino), {"topic": "energy-systems"})

    assert len(response.context["ranked_rows"]) == n
    assert len(response.context["recommended_rows"]) == n


def test_workspace_switches_between_the_users_cities(client, torino, sofia, applicants):
    user = member("two@cities.example", torino, sofia)
    client.force_login(user)

    first = client.get(reverse("workspace"))
    second = client.get(ws(torino))

    assert (first.context["city"], second.context["city"]) == (sofia, torino)
    assert [c.display_name for c in first.context["cities"]] == ["Sofia", "Torino"]
    switcher = re.search(
        r'<nav class="mb-3" aria-label="Your Mission Cities">(.*?)</nav>',
        second.content.decode(),
        re.S,
    ).group(1)
    assert re.findall(r'href="([^"]+)">(\w+)</a>', switcher) == [
        ("/workspace/sofia/", "Sofia"),
        ("/workspace/torino/", "Torino"),
    ]
    assert [(a.official_name, a.rank_given) for a in first.context["ranked_rows"]] == [
        ("Brno", 1),
        ("Ghent", 1),
        ("Girona", 1),
        ("Graz", 1),
        ("Plymouth", 2),
    ]


def test_member_of_a_city_outside_the_call_sees_an_explanation(client, open_call):
    user = UserFactory(email="someone@elsewhere.example")
    MissionCityMembership.objects.create(user=user, mission_city=MissionCityFactory())
    client.force_login(user)

    response = client.get(reverse("workspace"))

    assert response.status_code == 200
    assert response.templates[0].name == "workspace/no_city.html"
    assert "None of your Mission Cities takes part in the Open call." in response.content.decode()


def test_nav_link_shows_for_members_only(client, torino, torino_member, open_call):
    other = UserFactory(email="applicant@example.org")
    client.force_login(other)
    assert ">Workspace</a>" not in client.get(reverse("home")).content.decode()

    client.force_login(torino_member)
    assert re.search(
        r'href="/workspace/">Workspace</a>', client.get(reverse("home")).content.decode()
    )


def test_nav_link_costs_no_query(client, open_call, torino, torino_member):
    """The link is remembered in the session at sign-in: other pages do not read memberships."""
    counts = {}
    for user in (UserFactory(email="applicant@example.org"), torino_member):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        assert not any("missioncitymembership" in q["sql"] for q in queries.captured_queries)
        counts[user.email] = len(queries)
    assert counts["applicant@example.org"] == counts[torino_member.email]


def test_revoked_member_loses_access_and_the_link_at_once(client, torino, torino_member, staff):
    client.force_login(torino_member)
    assert client.get(ws(torino)).status_code == 200

    services.membership_revoke(
        membership=MissionCityMembership.objects.get(user=torino_member), by=staff
    )

    assert client.get(ws(torino)).status_code == 404
    assert client.get(reverse("workspace")).status_code == 404
    assert ">Workspace</a>" not in client.get(reverse("home")).content.decode()


# An applicant's page ----------------------------------------------------------------------


def test_applicant_page_shows_what_was_shared_without_contacts(
    client, torino, torino_member, applicants
):
    girona = applicants["Girona"]
    client.force_login(torino_member)

    response = client.get(ws(torino, "workspace_application", girona.pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<p data-preference-rank>\s*They ranked your city number 2.\s*</p>", html)
    assert re.search(r"data-preference-reason>\s*Girona likes Torino\s*</blockquote>", html)
    assert re.findall(r"<strong>([^<]+)</strong>: (Learn|Share) ([\w-]+)", html) == [
        ("Mobility &amp; transport", "Learn", "mobility-transport"),
        ("Built environment", "Learn", "built-environment"),
        ("Built environment", "Share", "built-environment"),
    ]
    assert "Girona Climate Plan" in html
    assert '<dd class="col-sm-8" data-target-year>2050</dd>' in html
    assert "100,000" in html
    assert "Names and contact details are shared once a pairing" in html
    assert "Officer of Girona" not in html
    assert "contact@girona.example" not in html
    assert "Climate officer" in html


@pytest.mark.parametrize("needs", [1, 3])
def test_applicant_page_query_count_does_not_grow_with_its_answers(
    client, open_call, torino, torino_member, django_assert_num_queries, needs
):
    topics = ("energy-systems", "mobility-transport", "built-environment")[:needs]
    application = submitted_application(open_call, "Girona", country="ES", needs=topics)
    client.force_login(torino_member)

    # session, user, memberships, the call, the user's cities in it, the application with
    # its representatives, needs and shares (with their topics) and their further topics,
    # the city's actions and their topics, the shortlist entry, the preference, the pairing
    with django_assert_num_queries(15):
        response = client.get(ws(torino, "workspace_application", application.pk))

    assert len(response.context["application"].fit.need_topics) == needs


def test_applicant_page_shows_contacts_once_paired_with_this_city(
    client, torino, sofia, torino_member, sofia_member, applicants
):
    girona = applicants["Girona"]
    published_pairing(girona, torino)
    url = ws(torino, "workspace_application", girona.pk)

    client.force_login(torino_member)
    html = client.get(url).content.decode()
    assert 'href="mailto:contact@girona.example"' in html
    assert "Officer of Girona, Climate officer" in html

    client.force_login(sofia_member)
    html = client.get(ws(sofia, "workspace_application", girona.pk)).content.decode()
    assert "contact@girona.example" not in html


def test_applicant_page_of_an_application_the_city_cannot_see_is_404(
    client, open_call, torino, torino_member, applicants
):
    draft = submitted_application(open_call, "Bergen", country="NO", submit=False)
    client.force_login(torino_member)
    assert client.get(ws(torino, "workspace_application", draft.pk)).status_code == 404
    assert client.get(ws(torino, "workspace_application", 999_999)).status_code == 404


# The shortlist ----------------------------------------------------------------------------


def test_member_shortlists_reorders_notes_and_removes(client, torino, torino_member, applicants):
    plymouth, girona, graz = applicants["Plymouth"], applicants["Girona"], applicants["Graz"]
    client.force_login(torino_member)

    response = client.post(
        ws(torino, "workspace_shortlist_add"),
        {"application": plymouth.pk, "next": "/workspace/torino/?topic=energy-systems"},
    )
    assert response["Location"] == "/workspace/torino/?topic=energy-systems"
    client.post(ws(torino, "workspace_shortlist_add"), {"application": girona.pk})
    response = client.post(
        ws(torino, "workspace_shortlist_add"), {"application": graz.pk, "note": "Good fit"}
    )
    assert response["Location"] == "/workspace/torino/shortlist/"

    response = client.post(ws(torino, "workspace_shortlist_move", graz.pk), {"direction": "up"})
    assert response["Location"] == f"/workspace/torino/shortlist/#entry-{graz.pk}"
    client.post(ws(torino, "workspace_shortlist_note", plymouth.pk), {"note": "Energy peers"})
    client.post(ws(torino, "workspace_shortlist_remove", girona.pk))

    assert list(
        ShortlistEntry.objects.filter(mission_city=torino)
        .order_by("rank")
        .values_list("rank", "application__official_name", "note", "added_by")
    ) == [
        (1, "Plymouth", "Energy peers", torino_member.pk),
        (2, "Graz", "Good fit", torino_member.pk),
    ]

    page = client.get(ws(torino, "workspace_shortlist"))
    html = page.content.decode()
    assert re.findall(r"data-rank>(\d)</span>\s*<a[^>]*\s*data-name>(\w+)</a>", html) == [
        ("1", "Plymouth"),
        ("2", "Graz"),
    ]
    listing = client.get(ws(torino)).content.decode()
    assert re.search(r"No. 1 on your shortlist", listing)


def test_shortlist_refuses_what_the_city_cannot_see(client, open_call, torino, torino_member):
    draft = submitted_application(open_call, "Bergen", country="NO", submit=False)
    client.force_login(torino_member)

    assert (
        client.post(ws(torino, "workspace_shortlist_add"), {"application": draft.pk}).status_code
        == 404
    )
    assert (
        client.post(
            ws(torino, "workspace_shortlist_move", draft.pk), {"direction": "up"}
        ).status_code
        == 404
    )
    assert ShortlistEntry.objects.count() == 0


def test_shortlist_actions_need_post(client, torino, torino_member, applicants):
    client.force_login(torino_member)
    assert client.get(ws(torino, "workspace_shortlist_add")).status_code == 405


def test_shortlist_shows_entries_no_longer_available(
    client, torino, torino_member, applicants, staff
):
    services.shortlist_add(city=torino, application=applicants["Plymouth"], by=torino_member)
    app_services.application_withdraw(application=applicants["Plymouth"], by=staff)
    client.force_login(torino_member)

    html = client.get(ws(torino, "workspace_shortlist")).content.decode()

    assert re.search(
        r"<span data-name>Plymouth</span>\s*"
        r'<span class="badge text-bg-warning">no longer available',
        html,
    )


@pytest.mark.parametrize("n", [1, 3])
def test_shortlist_query_count_does_not_grow(
    client, torino, torino_member, applicants, django_assert_num_queries, n
):
    for name in ["Plymouth", "Girona", "Graz"][:n]:
        services.shortlist_add(city=torino, application=applicants[name], by=torino_member)
    client.force_login(torino_member)
    # session, user, memberships, the call, the user's cities, the shortlist
    with django_assert_num_queries(6):
        response = client.get(ws(torino, "workspace_shortlist"))
    assert len(response.context["entries"]) == n


# Pairings ---------------------------------------------------------------------------------


def make_run(call, proposals, *, published=False):
    run = MatchingRun.objects.create(
        call=call,
        status=MatchingRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        published_at=timezone.now() if published else None,
    )
    for application, city, decision, override in proposals:
        Proposal.objects.create(
            run=run,
            application=application,
            mission_city=city,
            score=0.5,
            explanation="x",
            decision=decision,
            override_city=override,
        )
    return run


def test_pairings_page_lists_published_and_proposed(
    client, open_call, torino, sofia, torino_member, applicants, staff
):
    a = applicants
    published_pairing(a["Plymouth"], torino, by=staff)
    make_run(open_call, [(a["Brno"], torino, "pending", None)])  # an older run
    make_run(
        open_call,
        [
            (a["Girona"], torino, "approved", None),
            (a["Graz"], sofia, "overridden", torino),
            (a["Ghent"], torino, "rejected", None),
            (a["Brno"], torino, "overridden", sofia),
        ],
    )
    client.force_login(torino_member)

    response = client.get(ws(torino, "workspace_pairings"))

    assert [p.application.official_name for p in response.context["published"]] == ["Plymouth"]
    assert [p.application.official_name for p in response.context["proposed"]] == [
        "Girona",
        "Graz",
    ]
    html = response.content.decode()
    assert html.count(">proposed, not final</span>") == 2
    assert "Proposed, not final: these come from the latest matching run" in html
    assert 'href="mailto:contact@plymouth.example"' in html
    assert "Do you confirm the pairing with Plymouth?" in html


def test_published_run_proposes_nothing_more(client, open_call, torino, torino_member, applicants):
    make_run(open_call, [(applicants["Girona"], torino, "approved", None)], published=True)
    client.force_login(torino_member)
    assert client.get(ws(torino, "workspace_pairings")).context["proposed"] == []


@pytest.mark.parametrize("n", [1, 3])
def test_pairings_query_count_does_not_grow(
    client, open_call, torino, torino_member, applicants, django_assert_num_queries, n
):
    names = ["Plymouth", "Girona", "Graz"][:n]
    torino.__class__.objects.filter(pk=torino.pk).update(capacity=3)
    for name in names:
        published_pairing(applicants[name], torino)
    make_run(open_call, [(applicants[name], torino, "pending", None) for name in names])
    client.force_login(torino_member)
    # session, user, memberships, the call, the user's cities, the pairings, their
    # representatives, the latest run, its proposals
    with django_assert_num_queries(9):
        response = client.get(ws(torino, "workspace_pairings"))
    assert (len(response.context["published"]), len(response.context["proposed"])) == (n, n)


def test_member_confirms_a_published_pairing(
    client, torino, torino_member, applicants, django_capture_on_commit_callbacks
):
    pairing = published_pairing(applicants["Plymouth"], torino)
    client.force_login(torino_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ws(torino, "workspace_pairing_answer", pairing.pk),
            {"decision": "confirmed", "reason": ""},
            follow=True,
        )

    pairing.refresh_from_db()
    assert (pairing.host_confirmation, pairing.twin_confirmation) == ("confirmed", "pending")
    assert [str(m) for m in response.context["messages"]] == [
        "Thank you: you confirmed the pairing. The programme team has been told."
    ]
    html = response.content.decode()
    assert re.search(r"data-host-confirmation>Confirmed</dd>", html)
    assert "Do you confirm the pairing" not in html
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["twinning@localhost"], "[Twinning] Torino confirmed the pairing with Plymouth")
    ]


def test_declining_without_a_reason_is_summarised_and_saves_nothing(
    client, torino, torino_member, applicants
):
    pairing = published_pairing(applicants["Plymouth"], torino)
    client.force_login(torino_member)

    response = client.post(
        ws(torino, "workspace_pairing_answer", pairing.pk), {"decision": "declined"}
    )

    assert response.status_code == 200
    assert response.context["errors"] == [
        (
            f"pairing-{pairing.pk}-reason",
            "Reason or comment for the programme team: Say why you decline the pairing.",
        )
    ]
    assert f'href="#pairing-{pairing.pk}-reason"' in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.host_confirmation == "pending"


def test_answering_twice_changes_nothing(client, torino, torino_member, applicants):
    pairing = published_pairing(applicants["Plymouth"], torino)
    services.pairing_answer_as_host(pairing=pairing, decision="confirmed", by=torino_member)
    client.force_login(torino_member)

    response = client.post(
        ws(torino, "workspace_pairing_answer", pairing.pk),
        {"decision": "declined", "reason": "changed"},
    )

    assert response["Location"] == "/workspace/torino/pairings/"
    pairing.refresh_from_db()
    assert (pairing.host_confirmation, pairing.host_reason) == ("confirmed", "")


def test_twin_city_sees_and_confirms_its_pairing_on_its_application_page(
    client, torino, applicants, django_capture_on_commit_callbacks
):
    plymouth = applicants["Plymouth"]
    pairing = published_pairing(plymouth, torino)
    applicant = plymouth.organisation.members.get().user
    client.force_login(applicant)

    page = client.get(reverse("application_detail", args=[plymouth.pk])).content.decode()
    assert "Your Mission City: Torino" in page
    assert f'action="/applications/{plymouth.pk}/pairing/"' in page
    panel = page[page.index("data-twin-pairing") :]
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', panel)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("application_pairing", args=[plymouth.pk]),
            {"decision": "confirmed", "reason": "Ready to start"},
        )

    assert response["Location"] == f"/applications/{plymouth.pk}/"
    pairing.refresh_from_db()
    assert (pairing.twin_confirmation, pairing.twin_reason) == ("confirmed", "Ready to start")
    page = client.get(reverse("application_detail", args=[plymouth.pk])).content.decode()
    assert re.search(r"data-twin-confirmation>Confirmed</dd>", page)
    assert f'action="/applications/{plymouth.pk}/pairing/"' not in page
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["twinning@localhost"], "[Twinning] Plymouth confirmed the pairing with Torino")
    ]


def test_twin_decline_without_reason_shows_the_error_summary(client, torino, applicants):
    plymouth = applicants["Plymouth"]
    published_pairing(plymouth, torino)
    client.force_login(plymouth.organisation.members.get().user)

    response = client.post(
        reverse("application_pairing", args=[plymouth.pk]), {"decision": "declined"}
    )

    assert response.status_code == 200
    assert response.context["errors"] == [
        (
            "twin-reason",
            "Reason or comment for the programme team: Say why you decline the pairing.",
        )
    ]
    assert Pairing.objects.get().twin_confirmation == "pending"


def test_application_page_without_pairing_shows_no_panel(client, applicants):
    plymouth = applicants["Plymouth"]
    client.force_login(plymouth.organisation.members.get().user)
    page = client.get(reverse("application_detail", args=[plymouth.pk])).content.decode()
    assert "data-twin-pairing" not in page


# Invitations ------------------------------------------------------------------------------


@pytest.fixture
def invitation(torino, staff):
    return services.invitation_create(
        mission_city=torino.mission_city, email="Anna@Torino.example", by=staff
    )


def test_invitation_page_sends_anonymous_visitors_to_sign_up_or_in_and_back(client, invitation):
    url = f"/workspace/invitations/{invitation.token}/"
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/accounts/signup/?next={url}"' in html
    assert f'href="/accounts/login/?next={url}"' in html
    assert "Anna@Torino.example" in html


def test_invited_user_accepts_and_lands_in_the_workspace(client, invitation, torino):
    user = UserFactory(email="anna@torino.example")
    client.force_login(user)
    url = f"/workspace/invitations/{invitation.token}/"

    assert "Accept the invitation" in client.get(url).content.decode()
    response = client.post(url, follow=True)

    assert response.redirect_chain == [("/workspace/torino/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"Welcome to the workspace of {torino.mission_city.name}."
    ]
    assert re.search(r'href="/workspace/">Workspace</a>', response.content.decode())
    assert MissionCityMembership.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    # Opening the link again goes straight to the workspace.
    assert client.get(url)["Location"] == "/workspace/torino/"


def test_invitation_for_another_address_is_explained_not_accepted(client, invitation):
    client.force_login(UserFactory(email="eve@example.org"))
    url = f"/workspace/invitations/{invitation.token}/"

    html = client.get(url).content.decode()
    assert (
        "This invitation was sent to Anna@Torino.example, but you are signed in as eve@example.org."
        in html
    )
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This invitation was sent to another e-mail address."
    ]
    assert MissionCityMembership.objects.count() == 0


def test_revoked_or_unknown_invitation(client, invitation, staff):
    services.invitation_revoke(invitation=invitation, by=staff)
    url = f"/workspace/invitations/{invitation.token}/"
    assert 'data-invitation-state="revoked"' in client.get(url).content.decode()
    assert (
        client.get("/workspace/invitations/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )
    assert MissionCityInvitation.objects.get().state == "revoked"


def test_anonymous_post_to_an_invitation_goes_to_sign_in(client, invitation):
    url = f"/workspace/invitations/{invitation.token}/"
    assert client.post(url)["Location"] == f"/accounts/login/?next={url}"


def test_mission_city_fixture_sanity(torino):
    assert MissionCity.objects.filter(pk=torino.mission_city_id, slug="torino").exists()


def test_answer_without_a_choice_links_the_summary_to_the_first_option(
    client, torino, torino_member, applicants
):
    pairing = published_pairing(applicants["Plymouth"], torino)
    client.force_login(torino_member)

    response = client.post(ws(torino, "workspace_pairing_answer", pairing.pk), {"reason": ""})

    assert response.context["errors"] == [
        (f"pairing-{pairing.pk}-decision_0", "Your answer: This field is required.")
    ]
    assert f'id="pairing-{pairing.pk}-decision_0"' in response.content.decode()
