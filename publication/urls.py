from django.urls import path

from publication import views

app_name = "publication"
urlpatterns = [
    path("oeffentlich/", views.public_index, name="index"),
    path("oeffentlich/<int:year>/", views.public_year, name="year"),
    path("veroeffentlichung/", views.manage, name="manage"),
]
