"""factory_boy factories, free of surprises: every value is explicit or sequential. One factory
per concrete model of our apps (checked by `tests/test_factories.py`), one module per app.

Factories make rows. An object as a person leaves it through the services (a complete, submitted
application; a published pairing) comes from the builders in `tests.builders`.
"""

from .applications import (
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
    "ErasureRequestFactory",
    "LearningNeedFactory",
    "MatchingRunFactory",
    "MatchingSettingsFactory",
    "MissionCityFactory",
    "MissionCityInvitationFactory",
    "MissionCityMembershipFactory",
    "NoticeFactory",
    "OrganisationFactory",
    "OrganisationInvitationFactory",
    "OrganisationMemberFactory",
    "PairConstraintFactory",
    "PairingFactory",
    "PreferenceFactory",
    "ProposalFactory",
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
