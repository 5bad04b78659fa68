from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("portal/help/", views.help_index, name="help"),
    path("portal/help/<slug:slug>/", views.help_article, name="help_article"),
    path("console/knowledge/", views.kb_index, name="index"),
    path("console/knowledge/articles/<int:pk>/", views.kb_article, name="article"),
    path("console/knowledge/references/", views.kb_references, name="references"),
    path("console/knowledge/cases/<str:number>/scripts/", views.case_scripts, name="case_scripts"),
    path("console/knowledge/cases/<str:number>/reference/", views.case_reference, name="case_reference"),
]
