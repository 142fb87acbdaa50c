"""One matrix for the whole portal: every URL of the URL configuration × every role, with the
expected status. Foreign objects give 404 (never 403), anonymous visitors on private pages are
sent to sign in, and staff pages send everyone else to the admin login.

A URL name missing from ROWS (or from the documented exclusions) fails
`test_every_url_has_a_row`, so a new view cannot ship without its permissions being decided.
"""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import get_resolver, reverse

from applications import services as app_services
from applications.models import Document, Review
from matching import services as matching_services
from tests.builders import city, member, published_pairing, submitted_application
from tests.factories import UserFactory
from workspace import services as workspace_services

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant_a",
    "applicant_b",
    "coeditor_a",
    "member_x",
    "member_y",
    "reviewer",
    "viewer",
    "staff_noperm",
    "superuser",
]
LOGIN = "login"  # 302 to the site's sign-in page
# A reviewer is staff with every permission of the apps they review in (and no other): they see
# those changelists and get 403 on the others (users, workspace invitations, the audit log, …).
REVIEWER_APPS = ["applications", "matching", "cities", "pairs"]
# A viewer is staff with every view permission and no other: they read every staff page and
# list and write nothing (403). Staff without permissions see nothing but the admin's index.
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page
OK, REDIRECT, NOT_FOUND, NOT_ALLOWED = 200, 302, 404, 405

PUBLIC = dict.fromkeys(ROLES, OK)


def private(**by_role):
    """Anonymous → sign in; every other role as given (default 404)."""
    return {"anonymous": LOGIN} | dict.fromkeys(ROLES[1:], NOT_FOUND) | by_role


def staff_only(reviewer=OK, superuser=OK, viewer=OK, staff_noperm=403):
    return dict.fromkeys(ROLES, ADMIN_LOGIN) | {
        "reviewer": reviewer,
        "superuser": superuser,
        "viewer": viewer,
        "staff_noperm": staff_noperm,
    }


def staff_write(**by_role):
    """A staff page that writes: reviewer and superuser as given, the viewer 403."""
    return staff_only(**{"viewer": 403} | by_role)


APPLICANT_A_PAGE = private(applicant_a=OK, coeditor_a=OK)
WORKSPACE_X_PAGE = private(member_x=OK)
WORKSPACE_X_POST = private(member_x=REDIRECT)
# Pair A ↔ Torino (X): its Twin City's team, Torino's members and staff; 404 for everyone else.
# Staff without permissions are outside the pair (404); the viewer reads but may not write (403).
PAIR_A_PAGE = private(
    applicant_a=OK, coeditor_a=OK, member_x=OK, reviewer=OK, viewer=OK, superuser=OK
)
PAIR_A_POST = private(
    applicant_a=REDIRECT,
    coeditor_a=REDIRECT,
    member_x=REDIRECT,
    reviewer=REDIRECT,
    viewer=403,
    superuser=REDIRECT,
)
SIGNED_IN = private(**dict.fromkeys(ROLES[1:], OK))

# url name → (method, args builder key, expected status per role)
ROWS = {
    "home": ("get", None, PUBLIC),
    "healthz": ("get", None, PUBLIC),
    "catalogue": ("get", None, PUBLIC),
    "city_detail": ("get", "city_x", PUBLIC),
    "privacy": ("get", None, PUBLIC),
    "eligibility_check": ("get", None, PUBLIC),
    "account_login": ("get", None, {"anonymous": OK} | dict.fromkeys(ROLES[1:], REDIRECT)),
    "account_signup": ("get", None, {"anonymous": OK} | dict.fromkeys(ROLES[1:], REDIRECT)),
    "account_reset_password": ("get", None, PUBLIC),
    "mfa_index": ("get", None, SIGNED_IN),
    "apply": (
        "get",
        None,
        private(
            applicant_a=REDIRECT,  # to its (paired) application
            applicant_b=REDIRECT,
            coeditor_a=REDIRECT,
            member_x=403,  # a Mission City's member may not apply as a Twin City
            member_y=403,
            reviewer=OK,  # no organisation yet: the start form
            viewer=OK,
            staff_noperm=OK,
            superuser=OK,
        ),
    ),
    "my_applications": ("get", None, private(**dict.fromkeys(ROLES[1:], OK))),
    "organisation_invite": (
        "post",
        None,
        private(applicant_a=REDIRECT, applicant_b=REDIRECT, coeditor_a=REDIRECT),
    ),
    "invitation_accept": ("get", "invitation_a", private(**dict.fromkeys(ROLES[1:], OK))),
    "application_detail": ("get", "application_a", APPLICANT_A_PAGE),
    "application_print": ("get", "application_a", APPLICANT_A_PAGE),
    "application_withdraw": (
        "get",
        "application_a",
        private(applicant_a=REDIRECT, coeditor_a=REDIRECT),  # paired: cannot withdraw
    ),
    "application_restore": (
        "get",
        "application_a",
        private(applicant_a=REDIRECT, coeditor_a=REDIRECT),  # paired, not withdrawn
    ),
    "application_submit": (
        "post",
        "application_a",
        private(applicant_a=REDIRECT, coeditor_a=REDIRECT),
    ),
    "application_step": (
        "get",
        "application_a_step",
        private(applicant_a=REDIRECT, coeditor_a=REDIRECT),  # submitted: read-only page
    ),
    "document_download": (
        "get",
        "document_a",
        # Torino (X) was ranked by A, which consented to share: its members may read. Staff
        # need the permission to view documents.
        private(applicant_a=OK, coeditor_a=OK, member_x=OK, reviewer=OK, viewer=OK, superuser=OK),
    ),
    "application_pairing": ("get", "application_a", APPLICANT_A_PAGE),
    # No role here has a draft to the call: signed-in users are sent to start one.
    "action_interest_toggle": ("post", "action_x", private(**dict.fromkeys(ROLES[1:], REDIRECT))),
    "workspace": ("get", None, private(member_x=OK, member_y=OK)),
    "workspace_city": ("get", "city_x", WORKSPACE_X_PAGE),
    "workspace_application": ("get", "city_x_application_a", WORKSPACE_X_PAGE),
    "workspace_shortlist": ("get", "city_x", WORKSPACE_X_PAGE),
    "workspace_pairings": ("get", "city_x", WORKSPACE_X_PAGE),
    "workspace_shortlist_add": ("post", "city_x", WORKSPACE_X_POST),
    "workspace_shortlist_move": ("post", "city_x_application_a", WORKSPACE_X_POST),
    "workspace_shortlist_note": ("post", "city_x_application_a", WORKSPACE_X_POST),
    "workspace_shortlist_remove": ("post", "city_x_application_a", WORKSPACE_X_POST),
    "workspace_pairing_answer": ("post", "city_x_pairing_a", WORKSPACE_X_POST),
    "workspace_invitation": (
        "get",
        "workspace_invitation_x",
        {"anonymous": OK} | dict.fromkeys(ROLES[1:], OK),  # shows sign-in / accept choices
    ),
    "staff_dashboard": ("get", None, staff_only()),
    "pair_list": ("get", None, SIGNED_IN),
    "pair_notifications": ("get", None, SIGNED_IN),
    "pair_detail": ("get", "pair_a", PAIR_A_PAGE),
    "pair_milestone_done": ("post", "pair_a_milestone", PAIR_A_POST),
    "pair_agenda": ("post", "pair_a", PAIR_A_POST),
    "pair_messages": ("get", "pair_a", PAIR_A_PAGE),
    "pair_meetings": ("get", "pair_a", PAIR_A_PAGE),
    "pair_documents": ("get", "pair_a", PAIR_A_PAGE),
    "pair_document_download": ("get", "pair_a_document", PAIR_A_PAGE),
    "pair_plan": ("get", "pair_a", PAIR_A_PAGE),
    # The Mission City (and staff) comment; the Twin City's own team may not: 404.
    "pair_plan_feedback": (
        "post",
        "pair_a_version",
        private(member_x=REDIRECT, reviewer=REDIRECT, viewer=403, superuser=REDIRECT),
    ),
    "pair_survey": ("get", "pair_a", PAIR_A_PAGE),
    "pairs_cohort": ("get", None, staff_only()),
    "pairs_cohort_export": ("get", "csv", staff_only()),
    "pairs_outcomes": ("get", None, staff_only()),
    "admin:index": ("get", None, staff_only(staff_noperm=OK)),  # "nothing to see"
    "admin:applications_application_changelist": ("get", None, staff_only()),
    "admin:applications_application_change": ("get", "application_a", staff_only()),
    "admin:applications_application_request_info": ("get", "application_a", staff_write()),
    "admin:applications_application_review": ("get", "application_a", staff_only()),
    "admin:matching_matchingrun_changelist": ("get", None, staff_only()),
    "admin:matching_matchingrun_start": ("get", None, staff_write()),
    "admin:matching_matchingrun_change": ("get", "run", staff_only()),
    "admin:matching_matchingrun_compare": ("get", "run_compare", staff_only()),
    # A what-if run: for whoever may start a run (add permission), not a view-only viewer.
    "admin:matching_matchingrun_preview": ("get", "run", staff_write()),
    "admin:matching_matchingrun_publish": (
        "post",
        "run",
        staff_write(reviewer=REDIRECT, superuser=REDIRECT),
    ),
    "admin:matching_matchingrun_restart": (
        "post",
        "run",
        staff_write(reviewer=REDIRECT, superuser=REDIRECT),
    ),
    "admin:matching_matchingrun_decide": (
        "post",
        "run_proposal",
        staff_write(reviewer=REDIRECT, superuser=REDIRECT),
    ),
    # A person's own data: only ever their own (the view takes no id).
    "account_data": ("get", None, private(**dict.fromkeys(ROLES[1:], OK))),
    "account_export": ("post", None, private(**dict.fromkeys(ROLES[1:], OK))),
    "account_delete": ("get", None, private(**dict.fromkeys(ROLES[1:], OK))),
    # Nothing to accept (no newer notice): straight on to the home page.
    "notice_accept": ("get", None, private(**dict.fromkeys(ROLES[1:], REDIRECT))),
    # Staff pages of personal data need their own permissions, which the reviewer lacks.
    "privacy_register": ("get", None, staff_only(reviewer=403)),  # a view_ permission
    "privacy_staff_export": ("get", None, staff_only(reviewer=403, viewer=403)),
    "privacy_retention": ("get", None, staff_only(reviewer=403)),
    "admin:matching_matchingrun_approve": (
        "post",
        "run",
        staff_write(reviewer=REDIRECT, superuser=REDIRECT),
    ),
    "admin:cities_formerparticipant_import": ("get", None, staff_write()),
}

# URL names without a row, and why. The standard admin views (add, change, delete, history of
# every registered model) are covered by `test_every_admin_changelist_is_staff_only` below.
EXCLUDED = {
    "account_logout": "allauth: signs out; no private data",
    "account_inactive": "allauth: static notice",
    "account_reauthenticate": "allauth: asks a signed-in user for the password again",
    "account_request_reauthentication_code": "allauth: login by code is not enabled",
    "account_confirm_reauthentication_code": "allauth: login by code is not enabled",
    "account_email": "allauth: the signed-in user's own addresses",
    "account_email_verification_sent": "allauth: static notice",
    "account_change_password": "allauth: the signed-in user's own password",
    "account_set_password": "allauth: the signed-in user's own password",
    "account_confirm_login_code": "allauth: login by code is not enabled",
    "account_confirm_email": "allauth: needs a signed key, tested in the journey test",
    "account_reset_password_from_key_done": "allauth: static notice",
    "account_reset_password_from_key": "allauth: needs a signed key",
    "account_reset_password_done": "allauth: static notice",
    "mfa_authenticate": "allauth: the second sign-in step, only during a sign-in (tests/users)",
    "mfa_reauthenticate": "allauth: asks a signed-in user for a code again",
    "mfa_activate_totp": "allauth: the signed-in user's own authenticator (tests/users)",
    "mfa_deactivate_totp": "allauth: the signed-in user's own authenticator (tests/users)",
    "mfa_view_recovery_codes": "allauth: the signed-in user's own codes (tests/users)",
    "mfa_generate_recovery_codes": "allauth: the signed-in user's own codes",
    "mfa_download_recovery_codes": "allauth: the signed-in user's own codes",
}


def all_url_names():
    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(
                    pattern, prefix + (f"{pattern.namespace}:" if pattern.namespace else "")
                )
            elif pattern.name:
                yield prefix + pattern.name

    return set(walk(get_resolver()))


def standard_admin_names():
    names = {
        "admin:login",
        "admin:logout",
        "admin:password_change",
        "admin:password_change_done",
        "admin:jsi18n",
        "admin:auth_user_password_change",
        "admin:autocomplete",
        "admin:view_on_site",
        "admin:app_list",
    }
    for model in admin.site._registry:
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        names |= {f"{base}_{view}" for view in ("changelist", "add", "change", "delete", "history")}
    return names


def test_every_url_has_a_row():
    missing = all_url_names() - set(ROWS) - set(EXCLUDED) - standard_admin_names()
    assert sorted(missing) == []


@pytest.fixture
def world(open_call):
    torino, sofia = city(open_call, "Torino"), city(open_call, "Sofia")
    a = submitted_application(open_call, "Plymouth", email="a@plymouth.example", prefs=("Torino",))
    b = submitted_application(
        open_call, "Girona", country="ES", email="b@girona.example", prefs=("Sofia",)
    )
    owner_a = a.organisation.members.get().user
    coeditor = UserFactory(email="c@plymouth.example")
    invitation = app_services.invitation_create(
        organisation=a.organisation, email=coeditor.email, by=owner_a
    )
    app_services.invitation_accept(invitation=invitation, user=coeditor)
    pending = app_services.invitation_create(
        organisation=a.organisation, email="later@plymouth.example", by=owner_a
    )
    member_x = member("x@torino.example", torino)
    member_y = member("y@sofia.example", sofia)
    reviewer = UserFactory(email="reviewer@nzc.example", is_staff=True)
    reviewer.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=REVIEWER_APPS)
    )
    viewer = UserFactory(email="viewer@nzc.example", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    staff_noperm = UserFactory(email="noperm@nzc.example", is_staff=True)
    superuser = UserFactory(email="root@nzc.example", is_staff=True, is_superuser=True)
    run = matching_services.run_execute(
        run_id=matching_services.run_start(call=open_call, enqueue=False).pk
    )
    other_run = matching_services.run_execute(
        run_id=matching_services.run_start(call=open_call, enqueue=False).pk
    )
    workspace_services.shortlist_add(city=torino, application=a, by=member_x)
    pairing = published_pairing(a, torino)
    ws_invitation = workspace_services.invitation_create(
        mission_city=torino.mission_city, email="new@torino.example", by=superuser
    )
    pair = pair_space(pairing)
    args = {
        None: [],
        "pair_a": [pair["pair"].pk],
        "pair_a_milestone": [pair["pair"].pk, pair["milestone"].pk],
        "pair_a_document": [pair["pair"].pk, pair["document"].pk],
        "pair_a_version": [pair["pair"].pk, pair["version"].pk],
        "csv": ["csv"],
        "city_x": [torino.mission_city.slug],
        "action_x": [torino.items.filter(kind="action").order_by("position").first().pk],
        "invitation_a": [pending.token],
        "application_a": [a.pk],
        "application_a_step": [a.pk, "organisation"],
        "document_a": [Document.objects.get(application=a).pk],
        "city_x_application_a": [torino.mission_city.slug, a.pk],
        "city_x_pairing_a": [torino.mission_city.slug, pairing.pk],
        "workspace_invitation_x": [ws_invitation.token],
        "run": [run.pk],
        "run_compare": [run.pk],
        "run_proposal": [run.pk, run.proposals.first().pk],
    }
    users = {
        "anonymous": None,
        "applicant_a": owner_a,
        "applicant_b": b.organisation.members.get().user,
        "coeditor_a": coeditor,
        "member_x": member_x,
        "member_y": member_y,
        "reviewer": reviewer,
        "viewer": viewer,
        "staff_noperm": staff_noperm,
        "superuser": superuser,
    }
    return {"args": args, "users": users, "other_run": other_run, "a": a}


def pair_space(pairing):
    """Pair A ↔ Torino with a milestone, a document and a plan version, made directly: the
    pairing stays unanswered so the pairing pages above keep their statuses."""
    from django.utils import timezone

    from applications.documents import inspect_pdf
    from pairs.models import Milestone, Pair, PairDocument, PlanVersion
    from tests.applications.pdfs import pdf_upload

    pair = Pair.objects.create(pairing=pairing, call=pairing.call, last_activity_at=timezone.now())
    milestone = Milestone.objects.create(
        pair=pair,
        title="Kick-off",
        due_date=timezone.localdate(),
        owner_side="both",
        evidence_kind="note",
    )
    upload = pdf_upload()
    info = inspect_pdf(upload)
    document = PairDocument(
        pair=pair,
        title="Notes",
        original_name=info.original_name,
        size=info.size,
        pages=info.pages,
        sha256=info.sha256,
        side="twin",
    )
    document.file.save("notes.pdf", upload, save=True)
    version = PlanVersion.objects.create(pair=pair, number=1, summary="Draft")
    return {"pair": pair, "milestone": milestone, "document": document, "version": version}


def outcome(response, url):
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(f"/accounts/login/?next={quote(url)}"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    actual, expected = {}, {}
    for name, (method, arg_key, by_role) in ROWS.items():
        url = reverse(name, args=world["args"][arg_key])
        if name == "admin:matching_matchingrun_compare":
            url += f"?other={world['other_run'].pk}"
        data = (
            {
                "application": world["a"].pk,
                "decision": "confirmed",
                "direction": "down",
                "note": "n",
                "email": "someone@example.org",
                "body": "b",
            }
            if method == "post"
            else {}
        )
        response = getattr(client, method)(url, data)
        if response.streaming:
            b"".join(response.streaming_content)  # read it all, so the file is closed
        actual[name] = outcome(response, url.split("?")[0] if "compare" not in name else url)
        expected[name] = by_role[role]
    assert actual == expected


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_changelist_is_staff_only(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    results, expected = {}, {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        results[url] = outcome(client.get(url), url)
        if role in ("superuser", "viewer"):
            expected[url] = OK
        elif role == "staff_noperm":
            expected[url] = OK if model._meta.label_lower == OWN_ROWS_LIST else 403
        elif role == "reviewer":
            expected[url] = OK if model._meta.app_label in REVIEWER_APPS else 403
        else:
            expected[url] = ADMIN_LOGIN
    assert results == expected
    if role == "reviewer":  # both outcomes occur: the test tells them apart
        assert set(expected.values()) == {OK, 403}


@pytest.mark.parametrize("role", ["anonymous", "applicant_b", "member_y", "coeditor_a"])
def test_nothing_private_leaks_through_exports(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    url = reverse("admin:applications_application_changelist")
    response = client.post(
        url,
        {
            "action": "export_csv",
            "select_across": "1",
            "index": "0",
            "_selected_action": [world["a"].pk],
        },
    )
    assert outcome(response, url) == ADMIN_LOGIN
    assert b"Plymouth" not in response.content
    assert Review.objects.count() == 0


def admin_actions():
    """(model, action name, the permissions it declares) for every action of every admin."""
    for model, model_admin in admin.site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            yield model, name, tuple(func.allowed_permissions)


# What each staff role gets when it runs an action on the first row of a list. Permissionless
# staff: 403 (they may not even see the list). The viewer: every action but the exports is
# withheld, so the list comes back unchanged (200) or, on the applications list, where the
# exports remain, with "No action selected" (302); the exports answer the file (200).
VIEW_ACTIONS = {"applications.application.export_csv", "applications.application.export_xlsx"}
# Every staff member sees their own review assignments and may withdraw their own declarations
# of a conflict (the service checks each row): that list answers them all, and its other actions
# are refused with "No action selected" (302).
OWN_ROWS_LIST = "applications.reviewassignment"
OFFERED_TO_EVERY_STAFF = {"applications.reviewassignment.withdraw_conflicts"}
VIEWER_REFUSED = 200
VIEWER_REFUSED_ON_A_LIST_WITH_EXPORTS = REDIRECT


def expected_action_outcome(role, model, name):
    label = f"{model._meta.label_lower}.{name}"
    if label in OFFERED_TO_EVERY_STAFF:
        return OK
    if model._meta.label_lower == OWN_ROWS_LIST:
        return REDIRECT
    if role == "staff_noperm":
        return 403
    if label in VIEW_ACTIONS:
        return OK
    if model._meta.label_lower == "applications.application":
        return VIEWER_REFUSED_ON_A_LIST_WITH_EXPORTS
    return VIEWER_REFUSED


@pytest.mark.parametrize("role", ["viewer", "staff_noperm"])
def test_every_admin_action_refused_without_its_permission(client, world, role):
    """Every action of every admin, posted by view-only and permissionless staff, on the first
    row of its list: nothing is written (the audit log stays as it was) and the status is the
    expected one."""
    from audit.models import AuditEntry

    client.force_login(world["users"][role])
    entries = AuditEntry.objects.count()
    actual, expected = {}, {}
    for model, name, _permissions in admin_actions():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        response = client.post(
            url, {"action": name, "index": "0", "_selected_action": [first or 0]}
        )
        label = f"{model._meta.label_lower}.{name}"
        actual[label] = response.status_code
        expected[label] = expected_action_outcome(role, model, name)
        if response.status_code == REDIRECT:
            assert response["Location"] == url, label
    assert actual == expected
    assert AuditEntry.objects.count() == entries
    assert len(actual) > 15  # the walk covered the actions (delete_selected of every list, …)


def test_the_viewer_is_offered_only_the_view_actions(rf, world):
    """Seen from the admin itself: of all actions, the view-only staff member is offered the
    exports and nothing else."""
    request = rf.get("/admin/")
    request.user = world["users"]["viewer"]
    offered = {
        f"{model._meta.label_lower}.{name}"
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
    }
    assert offered == VIEW_ACTIONS | OFFERED_TO_EVERY_STAFF
