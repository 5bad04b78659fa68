from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.requests_page, name="requests"),
    path("requests/<int:pk>/<str:action>/", views.request_decide, name="decide"),
    path("holds/", views.holds_page, name="holds"),
    path("holds/place/", views.hold_place, name="hold_customer"),
    path("holds/<int:pk>/release/", views.hold_release, name="release"),
    path("cases/<str:number>/hold/", views.hold_place, name="hold_case"),
]
