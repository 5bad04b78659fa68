from django.urls import path

from . import views

app_name = "privacy"

# Mounted at the site's root: the staff's pages under /console/privacy/, the customer's under /portal/.
urlpatterns = [
    path("console/privacy/requests/", views.requests_page, name="requests"),
    path("console/privacy/requests/<int:pk>/<str:action>/", views.request_decide, name="decide"),
    path("console/privacy/holds/", views.holds_page, name="holds"),
    path("console/privacy/holds/place/", views.hold_place, name="hold_customer"),
    path("console/privacy/holds/<int:pk>/release/", views.hold_release, name="release"),
    path("console/privacy/cases/<str:number>/hold/", views.hold_place, name="hold_case"),
    path("portal/privacy/", views.portal_deletion, name="portal_deletion"),
]
