"""The applications app's models, one module per sub-domain, all with the app label
`applications`."""

from .applications import (
    MAX_REPRESENTATIVES,
    MAX_TOPIC_ROWS,
    ActionInterest,
    Application,
    AuthorityType,
    HttpsURLField,
    LearningNeed,
    Preference,
    Representative,
    ShareOffer,
    ShortlistEntry,
    StatusChange,
)
from .documents import Document, _document_path
from .organisations import Organisation, OrganisationInvitation, OrganisationMember
from .reminders import DeadlineReminder
from .reviews import Review, ReviewAssignment, ReviewCriterion, ReviewScore, ReviewSettings

__all__ = [
    "MAX_REPRESENTATIVES",
    "MAX_TOPIC_ROWS",
    "ActionInterest",
    "Application",
    "AuthorityType",
    "DeadlineReminder",
    "Document",
    "HttpsURLField",
    "LearningNeed",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMember",
    "Preference",
    "Representative",
    "Review",
    "ReviewAssignment",
    "ReviewCriterion",
    "ReviewScore",
    "ReviewSettings",
    "ShareOffer",
    "ShortlistEntry",
    "StatusChange",
    "_document_path",
]
