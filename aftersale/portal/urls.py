from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", views.logout, name="logout"),
    path("l/<str:token>/", views.link, name="link"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/progress/", views.case_progress, name="progress"),
    path("cases/<str:number>/messages/", views.case_message, name="message"),
    path("cases/<str:number>/evidence/", views.case_evidence, name="evidence"),
    path("cases/<str:number>/action/", views.case_action, name="action"),
    path("cases/<str:number>/tracking/", views.case_tracking, name="tracking"),
    path("cases/<str:number>/rate/", views.case_rate, name="rate"),
    path("cases/<str:number>/offer/", views.case_offer_answer, name="offer"),
    path("orders/<str:order_no>/request/", views.request_new, name="request"),
    path("orders/<str:order_no>/request/options/", views.request_options, name="request_options"),
]
