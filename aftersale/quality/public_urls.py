"""Public pages of the quality app (no sign-in)."""

from django.urls import path

from . import views

app_name = "quality_public"

urlpatterns = [
    path("", views.public_statistics_page, name="statistics"),
]
