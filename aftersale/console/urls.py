from django.urls import path

from . import actions, inbox, intake, otp, views, warehouse

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("intake/", intake.case_intake, name="intake"),
    path("tabs/", views.queue_tabs, name="tabs"),
    path("search/", views.queue_search, name="search"),
    path("approvals/", inbox.approvals, name="approvals"),
    path("returns/", warehouse.returns_desk, name="returns"),
    path("returns/receive/", warehouse.return_receive_view, name="return_receive"),
    path("returns/<str:number>/inspect/", warehouse.return_inspect_view, name="inspect"),
    path("work-orders/", inbox.work_orders, name="work_orders"),
    path("work-orders/<str:number>/<str:action>/", inbox.work_order_action, name="work_order_action"),
    path(
        "compensation/<int:offer_id>/<str:decision>/",
        actions.compensation_decide_view,
        name="compensation_decide",
    ),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("otp/", otp.second_factor, name="otp"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/timeline/", views.case_timeline_poll, name="timeline"),
    path("cases/<str:number>/transition/", views.case_transition_view, name="transition"),
    path("cases/<str:number>/reply/", views.case_reply, name="reply"),
    path("cases/<str:number>/assign/", actions.case_assign_view, name="assign"),
    path("cases/<str:number>/update/", actions.case_update_view, name="update"),
    path("cases/<str:number>/red-ticket/", actions.case_red_ticket_view, name="red_ticket"),
    path("cases/<str:number>/evidence/", actions.case_evidence_view, name="evidence"),
    path("cases/<str:number>/compensation/", actions.case_compensation_view, name="compensation"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/badge/", views.alerts_badge, name="alerts_badge"),
    path("alerts/read/", views.alerts_read, name="alerts_read"),
]
