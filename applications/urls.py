from django.urls import path

from . import views

urlpatterns = [
    path("eligibility/", views.eligibility_check, name="eligibility_check"),
    path("apply/", views.apply, name="apply"),
    path("my-applications/", views.my_applications, name="my_applications"),
    path("my-applications/invite/", views.organisation_invite, name="organisation_invite"),
    path("invitations/<uuid:token>/", views.invitation_accept, name="invitation_accept"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/print/", views.application_print, name="application_print"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("applications/<int:pk>/restore/", views.application_restore, name="application_restore"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/step/<slug:step>/",
        views.application_step,
        name="application_step",
    ),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path(
        "actions/<int:action_id>/interest/",
        views.action_interest_toggle,
        name="action_interest_toggle",
    ),
]
