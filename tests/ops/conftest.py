from tests.applications.conftest import applicant, draft, open_call  # noqa: F401 (fixtures)
