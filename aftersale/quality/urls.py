from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.drill, name="drill"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("report/", views.monthly_report, name="report"),
    path("process/", views.process, name="process"),
    path("qa/", views.qa, name="qa"),
]
