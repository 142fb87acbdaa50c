from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("mission-cities/", views.catalogue, name="catalogue"),
    path("mission-cities/<slug:slug>/", views.city_detail, name="city_detail"),
]
