from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy"),
    path("account/notices/", views.notice_accept, name="notice_accept"),
]
