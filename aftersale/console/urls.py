from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tabs/", views.queue_tabs, name="tabs"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/timeline/", views.case_timeline_poll, name="timeline"),
    path("cases/<str:number>/transition/", views.case_transition_view, name="transition"),
    path("cases/<str:number>/reply/", views.case_reply, name="reply"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/badge/", views.alerts_badge, name="alerts_badge"),
    path("alerts/read/", views.alerts_read, name="alerts_read"),
]
