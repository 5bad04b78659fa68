from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("badge", views.notification_badge, name="badge"),
]
