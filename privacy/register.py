"""The register of personal data: for every table that holds some, which fields, why, for how long
and who can see them.

It is the one source of the staff page "Personal data register", of the export ("Download my
data") and of what erasure and retention clear. `tests/privacy/test_register.py` checks it against
the models: every text, e-mail, file or JSON field and every link to a user, on every model of the
portal, is classified here either as personal data or as not personal (with the reason), so a new
field cannot slip in unnoticed.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _

# Who can see what (the same words on the register page and in the privacy notice).
STAFF = _("NetZeroCities staff")
SELF = _("the person")
ORG = _("the members of the applicant organisation")
HOSTS = _(
    "Mission Cities the applicant agreed to share with (contacts only after a published pairing)"
)
HOST_MEMBERS = _("the members of the same Mission City")
PAIR = _("the members of both sides of the pair")

APPLICANT_RETENTION = _(
    "Until the call's retention period ends: for applicants not paired, the call's 'unpaired' "
    "period "
    "after the call closes; for pairs, the call's 'pairs' period after the programme ends"
)
ACCOUNT_RETENTION = _("As long as the account exists; erased when the person deletes it")


@dataclass(frozen=True)
class Holding:
    model: str  # app_label.ModelName
    purpose: str
    retention: str
    visible_to: tuple
    personal: dict = field(default_factory=dict)  # field name -> what it is
    not_personal: dict = field(default_factory=dict)  # field name -> why it is not personal data

    @property
    def model_class(self):
        return apps.get_model(self.model)


def _reference(model: str, *fields: str) -> Holding:
    """A table of the call's or the programme's own data: nothing about people."""
    return Holding(
        model,
        _("Reference data of the programme and its calls"),
        _("Kept"),
        (),
        not_personal={name: _("published facts about cities and calls") for name in fields},
    )


REGISTER: tuple[Holding, ...] = (
    _reference("cities.Topic", "name", "description"),
    _reference("cities.EligibleCountry", "note"),
    _reference("cities.MissionCity", "name", "aliases"),
    _reference("cities.Call", "title", "summary", "timezone"),
    _reference("cities.CallMissionCity", "display_name", "intro", "motivation"),
    _reference("cities.CityItem", "group", "title", "description"),
    _reference(
        "cities.FormerParticipant", "name", "cohort", "paired_with", "source_url", "source_note"
    ),
    Holding(
        "account.EmailConfirmation",
        _("Confirming an e-mail address"),
        _("Deleted with the e-mail address"),
        (),
        not_personal={"key": _("a random key")},
    ),
    Holding(
        "users.User",
        _("Sign-in and contact about the programme"),
        ACCOUNT_RETENTION,
        (SELF, STAFF),
        personal={
            "name": _("full name"),
            "email": _("e-mail address"),
            "password": _("password hash"),
        },
    ),
    Holding(
        "account.EmailAddress",
        _("Sign-in, verification of e-mail addresses"),
        ACCOUNT_RETENTION,
        (SELF, STAFF),
        personal={"email": _("e-mail address"), "user": _("the account")},
    ),
    Holding(
        "mfa.Authenticator",
        _("Two-factor sign-in: the authenticator app's secret and the recovery codes"),
        _("As long as the account exists; deleted with it, or by its owner or an admin"),
        (SELF, STAFF),
        personal={
            "user": _("the account"),
            "data": _("the secret of the authenticator app, or of the recovery codes"),
        },
    ),
    Holding(
        "users.ConsentRecord",
        _("Proof of which version of a notice a person accepted"),
        _("As long as the account exists; then kept without the person's identity"),
        (SELF, STAFF),
        personal={"user": _("the account"), "context": _("the form where it was accepted")},
    ),
    Holding(
        "users.Notice",
        _("The texts people accept"),
        _("Kept"),
        (STAFF,),
        not_personal={
            "title": _("a published text"),
            "body": _("a published text"),
            "changes": _("a published text"),
        },
    ),
    Holding(
        "applications.Organisation",
        _("The applicant local authority"),
        APPLICANT_RETENTION,
        (ORG, STAFF),
        not_personal={"name": _("the name of a public authority")},
    ),
    Holding(
        "applications.OrganisationMember",
        _("Who may edit the organisation's applications"),
        APPLICANT_RETENTION,
        (ORG, STAFF),
        personal={"user": _("the account"), "role": _("role in the organisation's team")},
    ),
    Holding(
        "applications.OrganisationInvitation",
        _("Inviting a colleague to co-edit"),
        APPLICANT_RETENTION,
        (ORG, STAFF),
        personal={"email": _("invited e-mail address"), "invited_by": _("who invited")},
    ),
    Holding(
        "applications.Application",
        _("Assessing the application, matching and running the programme"),
        APPLICANT_RETENTION,
        (ORG, STAFF, HOSTS),
        personal={"staff_message": _("staff's message to the applicant (free text)")},
        not_personal={
            "official_name": _("the name of a public authority"),
            "website": _("the authority's website"),
            "plan_title": _("a public plan"),
            "plan_url": _("a public plan"),
            "climate_plans": _("public plans"),
            "climate_plans_other": _("a public plan"),
            "verdict_reasons": _("eligibility reasons about the authority"),
            "verdict_resembles": _("eligibility reasons about the authority"),
            "verdict_override_reason": _(
                "staff's reason about the authority (scrubbed of names on erasure)"
            ),
            "rules_version": _("a version number"),
        },
    ),
    Holding(
        "applications.DeadlineReminder",
        _("Deadline reminders sent once per draft"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={"recipients": _("e-mail addresses the reminder went to")},
    ),
    Holding(
        "applications.Representative",
        _("The city's contact people for the programme"),
        APPLICANT_RETENTION,
        (ORG, STAFF, HOSTS),
        personal={
            "name": _("full name"),
            "role": _("job title"),
            "email": _("e-mail address"),
            "english_level": _("English level"),
        },
    ),
    Holding(
        "applications.LearningNeed",
        _("Matching: what the city wants to learn"),
        APPLICANT_RETENTION,
        (ORG, STAFF, HOSTS),
        not_personal={
            "text": _("the authority's answer (scrubbed of the person's name on erasure)")
        },
    ),
    Holding(
        "applications.ShareOffer",
        _("Matching: what the city can share"),
        APPLICANT_RETENTION,
        (ORG, STAFF, HOSTS),
        not_personal={
            "text": _("the authority's answer (scrubbed of the person's name on erasure)")
        },
    ),
    Holding(
        "applications.Preference",
        _("Matching: the Mission Cities the applicant ranked"),
        APPLICANT_RETENTION,
        (ORG, STAFF),
        not_personal={
            "reason": _("the authority's answer (scrubbed of the person's name on erasure)")
        },
    ),
    Holding(
        "applications.Document",
        _("Evidence for eligibility: climate plan, endorsement letter"),
        APPLICANT_RETENTION,
        (ORG, STAFF, HOSTS),
        personal={
            "file": _("an uploaded PDF (may contain signatures and names)"),
            "original_name": _("file name"),
            "uploaded_by": _("who uploaded it"),
        },
        not_personal={"sha256": _("a checksum")},
    ),
    Holding(
        "applications.StatusChange",
        _("Audit trail of an application"),
        APPLICANT_RETENTION,
        (ORG, STAFF),
        personal={"by": _("who made the change"), "note": _("a note (free text)")},
    ),
    Holding(
        "applications.ShortlistEntry",
        _("A Mission City's shortlist of applicants"),
        APPLICANT_RETENTION,
        (HOST_MEMBERS, STAFF),
        personal={
            "added_by": _("who shortlisted"),
            "note": _("the Mission City's note (free text)"),
        },
    ),
    Holding(
        "applications.ReviewCriterion",
        _("Review criteria of a call"),
        _("Kept"),
        (STAFF,),
        not_personal={
            "name": _("a criterion"),
            "description": _("a criterion"),
            "levels": _("what each score of a criterion means"),
        },
    ),
    Holding(
        "applications.ReviewAssignment",
        _("Who reviews which application, conflicts of interest"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={
            "reviewer": _("the reviewer"),
            "conflict_reason": _("conflict of interest (free text)"),
        },
    ),
    Holding(
        "applications.Review",
        _("Staff reviews of applications"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={
            "reviewer": _("the reviewer"),
            "comment": _("the reviewer's comment (free text)"),
        },
    ),
    Holding(
        "matching.PairConstraint",
        _("Staff decisions pinning or forbidding a pair"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={"created_by": _("who decided"), "reason": _("reason (free text)")},
    ),
    Holding(
        "matching.MatchingRun",
        _("Matching runs"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={"started_by": _("who started it")},
        not_personal={
            "progress_message": _("progress text"),
            "parameters": _("weights and settings"),
            "inputs": _("scores of authorities"),
            "stats": _("figures"),
            "warnings": _("messages about authorities"),
            "error": _("a technical error"),
            "timings": _("figures"),
        },
    ),
    Holding(
        "matching.Proposal",
        _("Proposed pairings"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={"decided_by": _("who decided"), "decision_reason": _("reason (free text)")},
        not_personal={
            "details": _("the evidence behind the score, about authorities and actions"),
            "components": _("scores"),
            "reasons": _("reasons about authorities"),
            "explanation": _("reasons about authorities"),
        },
    ),
    Holding(
        "matching.UnmatchedApplication",
        _("Applicants a run left unmatched, with reasons"),
        APPLICANT_RETENTION,
        (STAFF,),
        not_personal={"reasons": _("reasons about authorities")},
    ),
    Holding(
        "matching.Pairing",
        _("Published pairings and both sides' answers"),
        APPLICANT_RETENTION,
        (ORG, HOST_MEMBERS, STAFF),
        personal={
            "published_by": _("who published"),
            "host_reason": _("the Mission City's reason (free text)"),
            "twin_reason": _("the Twin City's reason (free text)"),
        },
        not_personal={
            "explanation": _("reasons about authorities"),
            "details": _("the evidence behind the score, about authorities and actions"),
        },
    ),
    Holding(
        "cities.MissionCityMembership",
        _("Who may act for a Mission City in the workspace"),
        ACCOUNT_RETENTION,
        (HOST_MEMBERS, STAFF),
        personal={"user": _("the account")},
    ),
    Holding(
        "workspace.MissionCityInvitation",
        _("Inviting people to a Mission City's workspace"),
        ACCOUNT_RETENTION,
        (STAFF,),
        personal={
            "email": _("invited e-mail address"),
            "invited_by": _("who invited"),
            "accepted_by": _("who accepted"),
        },
    ),
    Holding(
        "pairs.PlanTemplate",
        _("The programme plan a call defines"),
        _("Kept"),
        (STAFF,),
        not_personal={"note": _("staff's description of the plan")},
    ),
    Holding(
        "pairs.MilestoneTemplate",
        _("The programme plan a call defines"),
        _("Kept"),
        (STAFF,),
        not_personal={"title": _("a milestone"), "description": _("a milestone")},
    ),
    Holding(
        "pairs.PairDocument",
        _("Documents a pair shares during the programme"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={
            "file": _("an uploaded PDF (may name people)"),
            "title": _("title given by the uploader"),
            "original_name": _("file name"),
            "uploaded_by": _("who uploaded it"),
        },
        not_personal={"sha256": _("a checksum")},
    ),
    Holding(
        "pairs.Milestone",
        _("The pair's programme plan and its progress"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={"done_by": _("who marked it done"), "evidence_note": _("evidence (free text)")},
        not_personal={"title": _("a milestone"), "description": _("a milestone")},
    ),
    Holding(
        "pairs.LearningAgendaItem",
        _("What the pair works on"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={"added_by": _("who added it")},
    ),
    Holding(
        "pairs.Meeting",
        _("Meetings and site visits of a pair"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={
            "participants": _("who took part (names)"),
            "record": _("a short record (free text)"),
            "travel_plan": _("a site visit's travel plan (free text)"),
            "created_by": _("who recorded it"),
        },
        not_personal={"city": _("where it took place")},
    ),
    Holding(
        "pairs.Message",
        _("The pair's message thread"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={"author": _("who wrote it"), "body": _("the message (free text)")},
    ),
    Holding(
        "pairs.PlanVersion",
        _("The Twin City's replication plan, versioned"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={"submitted_by": _("who submitted it"), "summary": _("summary (free text)")},
    ),
    Holding(
        "pairs.PlanFeedback",
        _("The Mission City's feedback on a plan version"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={"author": _("who wrote it"), "body": _("the feedback (free text)")},
    ),
    Holding(
        "pairs.PairEvent",
        _("What happened in a pair space (activity, digests)"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={"actor": _("who did it"), "summary": _("what happened (may name people)")},
        not_personal={"from_status": _("a status"), "to_status": _("a status")},
    ),
    Holding(
        "pairs.NotificationPreference",
        _("How a person wants to hear of pair activity"),
        ACCOUNT_RETENTION,
        (SELF, STAFF),
        personal={"user": _("the account")},
    ),
    Holding(
        "pairs.Notification",
        _("Pair activity waiting for a person's digest"),
        ACCOUNT_RETENTION,
        (SELF, STAFF),
        personal={"user": _("the account")},
    ),
    Holding(
        "pairs.Reminder",
        _("Reminders sent once (milestones, inactive pairs)"),
        APPLICANT_RETENTION,
        (STAFF,),
        personal={"recipients": _("e-mail addresses the reminder went to")},
        not_personal={"key": _("what the reminder was about (ids and dates)")},
    ),
    Holding(
        "pairs.OutcomeSurvey",
        _("The closing survey of each side of a pair"),
        APPLICANT_RETENTION,
        (PAIR, STAFF),
        personal={
            "respondent": _("who answered"),
            "gained": _("what the Mission City gained (free text)"),
            "comment": _("a comment (free text)"),
        },
    ),
    Holding(
        "privacy.ErasureRequest",
        _("Requests to delete an account, and their outcome"),
        _("Kept without the person's identity, as the record of the erasure"),
        (STAFF,),
        personal={
            "user": _("the account"),
            "decided_by": _("staff who decided"),
            "note": _("staff's note"),
        },
        not_personal={
            "reason": _("why staff must confirm"),
            "user_label": _("an account number, never a name"),
        },
    ),
    Holding(
        "outbox.Email",
        _("Outgoing e-mails: sent by the worker, retried, kept to show what was sent"),
        _("Kept with the programme's record, like the audit log"),
        (STAFF,),
        personal={
            "to": _("recipients' e-mail addresses"),
            "subject": _("subject (may name a city or a person)"),
            "body": _("the message (may name a person)"),
            "html": _("the message as HTML"),
        },
        not_personal={
            "template": _("the name of the e-mail's template"),
            "last_error": _("the mail server's last error"),
        },
    ),
    Holding(
        "audit.AuditEntry",
        _("Audit log: who changed what, when"),
        _("Kept for the programme's record; names and e-mails scrubbed on erasure"),
        (STAFF,),
        personal={
            "actor": _("who made the change"),
            "actor_label": _("who made the change (e-mail, as recorded)"),
            "target_label": _("the changed object's name (may be a person)"),
            "note": _("a note (free text)"),
            "data": _("details of the change (may include an invited e-mail address)"),
        },
        not_personal={"action": _("the kind of change"), "target_id": _("a row id")},
    ),
    Holding(
        "admin.LogEntry",
        _("Django admin's change history"),
        _("Kept; names and e-mails scrubbed on erasure"),
        (STAFF,),
        personal={
            "user": _("staff who made the change"),
            "object_repr": _("the changed object's name"),
            "change_message": _("what changed"),
        },
        not_personal={"object_id": _("a row id")},
    ),
    Holding(
        "sessions.Session",
        _("Being signed in"),
        _("Until sign-out or expiry"),
        (),
        personal={"session_data": _("signed session data (account id)")},
        not_personal={"session_key": _("a random key")},
    ),
)


def holdings_by_model() -> dict[str, Holding]:
    return {h.model: h for h in REGISTER if installed_model(h.model) is not None}


def installed_model(label: str):
    """The model of `label`, or None when its app is not installed."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None
