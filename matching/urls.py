from django.urls import path

from . import views

urlpatterns = [
    path("staff/dashboard/", views.dashboard, name="staff_dashboard"),
]
