from django.urls import path

from . import views

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/invitations/<uuid:token>/", views.invitation, name="workspace_invitation"),
    path("workspace/<slug:city_slug>/", views.workspace, name="workspace_city"),
    path(
        "workspace/<slug:city_slug>/applications/<int:pk>/",
        views.applicant_detail,
        name="workspace_application",
    ),
    path("workspace/<slug:city_slug>/shortlist/", views.shortlist, name="workspace_shortlist"),
    path(
        "workspace/<slug:city_slug>/shortlist/add/",
        views.shortlist_add,
        name="workspace_shortlist_add",
    ),
    path(
        "workspace/<slug:city_slug>/shortlist/<int:pk>/move/",
        views.shortlist_move,
        name="workspace_shortlist_move",
    ),
    path(
        "workspace/<slug:city_slug>/shortlist/<int:pk>/remove/",
        views.shortlist_remove,
        name="workspace_shortlist_remove",
    ),
    path(
        "workspace/<slug:city_slug>/shortlist/<int:pk>/note/",
        views.shortlist_note,
        name="workspace_shortlist_note",
    ),
    path("workspace/<slug:city_slug>/pairings/", views.pairings, name="workspace_pairings"),
    path(
        "workspace/<slug:city_slug>/pairings/<int:pk>/answer/",
        views.pairing_answer,
        name="workspace_pairing_answer",
    ),
    path("applications/<int:pk>/pairing/", views.twin_pairing, name="application_pairing"),
]
