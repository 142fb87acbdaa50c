"""Every admin action declares the permission it needs, so a staff member who may only look
cannot run it: Django offers an action without `permissions` to anyone who sees the list."""

from django.contrib import admin


def all_actions():
    for model, model_admin in admin.site._registry.items():
        for func, name, _description in model_admin._get_base_actions():
            yield f"{model._meta.label}.{name}", model_admin, func


def test_every_admin_action_declares_a_permission():
    undeclared = sorted(
        label
        for label, _admin, func in all_actions()
        if not getattr(func, "allowed_permissions", ())
    )
    assert undeclared == []


def test_every_declared_permission_has_its_check():
    missing = sorted(
        f"{label}: has_{permission}_permission"
        for label, model_admin, func in all_actions()
        for permission in getattr(func, "allowed_permissions", ())
        if not callable(getattr(model_admin, f"has_{permission}_permission", None))
    )
    assert missing == []


def test_the_walk_sees_the_actions_of_every_app():
    """Guard the guard: the walk finds our actions and allauth's, not an empty list."""
    labels = {label for label, _admin, _func in all_actions()}
    assert {
        "workspace.MissionCityInvitation.resend",
        "workspace.MissionCityInvitation.revoke",
        "cities.MissionCityMembership.revoke",
        "account.EmailAddress.make_verified",
        "pairs.Milestone.reopen",
        "applications.Application.export_csv",
    } <= labels
