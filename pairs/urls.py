from django.urls import path

from . import views

urlpatterns = [
    path("pairs/", views.pair_list, name="pair_list"),
    path("pairs/notifications/", views.notifications, name="pair_notifications"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path(
        "pairs/<int:pk>/milestones/<int:milestone_pk>/done/",
        views.milestone_done,
        name="pair_milestone_done",
    ),
    path("pairs/<int:pk>/agenda/", views.agenda_edit, name="pair_agenda"),
    path("pairs/<int:pk>/messages/", views.messages_page, name="pair_messages"),
    path("pairs/<int:pk>/meetings/", views.meetings_page, name="pair_meetings"),
    path("pairs/<int:pk>/documents/", views.documents_page, name="pair_documents"),
    path(
        "pairs/<int:pk>/documents/<int:document_pk>/",
        views.document_download,
        name="pair_document_download",
    ),
    path("pairs/<int:pk>/plan/", views.plan_page, name="pair_plan"),
    path(
        "pairs/<int:pk>/plan/<int:version_pk>/feedback/",
        views.plan_feedback,
        name="pair_plan_feedback",
    ),
    path("pairs/<int:pk>/survey/", views.survey_page, name="pair_survey"),
    path("staff/pairs/", views.cohort, name="pairs_cohort"),
    path("staff/pairs/export.<str:fmt>", views.cohort_export, name="pairs_cohort_export"),
    path("staff/pairs/outcomes/", views.outcomes, name="pairs_outcomes"),
]
