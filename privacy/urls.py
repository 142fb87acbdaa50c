from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("account/notices/", views.notice_accept, name="notice_accept"),
    path("account/", views.account, name="account_data"),
    path("account/data/", views.account_export, name="account_export"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("staff/privacy/", views.register, name="privacy_register"),
    path("staff/privacy/export/", views.staff_export, name="privacy_staff_export"),
    path("staff/privacy/retention/", views.retention, name="privacy_retention"),
]
