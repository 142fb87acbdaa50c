"""factory_boy factories, free of surprises: every value is explicit or sequential. One factory
per concrete model of our apps (checked by `tests/test_factories.py`), one module per app.

Factories make rows. An object as a person leaves it through the services (a complete, submitted
application; a published pairing) comes from the builders in `tests.builders`.
"""

from .applications import (
    ActionInterestFactory,
    ApplicationFactory,
    DeadlineReminderFactory,
    DocumentFactory,
    LearningNeedFactory,
    OrganisationFactory,
    OrganisationInvitationFactory,
    OrganisationMemberFactory,
    PreferenceFactory,
    RepresentativeFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ReviewFactory,
    ReviewScoreFactory,
    ReviewSettingsFactory,
    ShareOfferFactory,
    ShortlistEntryFactory,
    StatusChangeFactory,
)
from .audit import (
    AuditEntryFactory,
)
from .cities import (
    CallFactory,
    CallMissionCityFactory,
    CityItemFactory,
    EligibleCountryFactory,
    FormerParticipantFactory,
    MissionCityFactory,
    MissionCityMembershipFactory,
    TopicFactory,
)
from .matching import (
    MatchingRunFactory,
    MatchingSettingsFactory,
    PairConstraintFactory,
    PairingFactory,
    ProposalFactory,
    UnmatchedApplicationFactory,
)
from .outbox import (
    EmailFactory,
)
from .pairs import (
    LearningAgendaItemFactory,
    MeetingFactory,
    MessageFactory,
    MilestoneFactory,
    MilestoneTemplateFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    OutcomeSurveyFactory,
    PairDocumentFactory,
    PairEventFactory,
    PairFactory,
    PlanFeedbackFactory,
    PlanTemplateFactory,
    PlanVersionFactory,
    ReminderFactory,
)
from .privacy import (
    AnonymisedApplicationFactory,
    ErasureRequestFactory,
    RetentionPolicyFactory,
    RetentionRunFactory,
)
from .users import (
    ConsentRecordFactory,
    NoticeFactory,
    UserFactory,
)
from .workspace import (
    MissionCityInvitationFactory,
)

__all__ = [
    "ActionInterestFactory",
    "AnonymisedApplicationFactory",
    "ApplicationFactory",
    "AuditEntryFactory",
    "CallFactory",
    "CallMissionCityFactory",
    "CityItemFactory",
    "ConsentRecordFactory",
    "DeadlineReminderFactory",
    "DocumentFactory",
    "EligibleCountryFactory",
    "EmailFactory",
    "ErasureRequestFactory",
    "FormerParticipantFactory",
    "LearningAgendaItemFactory",
    "LearningNeedFactory",
    "MatchingRunFactory",
    "MatchingSettingsFactory",
    "MeetingFactory",
    "MessageFactory",
    "MilestoneFactory",
    "MilestoneTemplateFactory",
    "MissionCityFactory",
    "MissionCityInvitationFactory",
    "MissionCityMembershipFactory",
    "NoticeFactory",
    "NotificationFactory",
    "NotificationPreferenceFactory",
    "OrganisationFactory",
    "OrganisationInvitationFactory",
    "OrganisationMemberFactory",
    "OutcomeSurveyFactory",
    "PairConstraintFactory",
    "PairDocumentFactory",
    "PairEventFactory",
    "PairFactory",
    "PairingFactory",
    "PlanFeedbackFactory",
    "PlanTemplateFactory",
    "PlanVersionFactory",
    "PreferenceFactory",
    "ProposalFactory",
    "ReminderFactory",
    "RepresentativeFactory",
    "RetentionPolicyFactory",
    "RetentionRunFactory",
    "ReviewAssignmentFactory",
    "ReviewCriterionFactory",
    "ReviewFactory",
    "ReviewScoreFactory",
    "ReviewSettingsFactory",
    "ShareOfferFactory",
    "ShortlistEntryFactory",
    "StatusChangeFactory",
    "TopicFactory",
    "UnmatchedApplicationFactory",
    "UserFactory",
]
