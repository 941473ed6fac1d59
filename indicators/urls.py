from django.urls import path

from indicators import views

app_name = "indicators"
urlpatterns = [
    path("lieferungen/", views.delivery_list, name="delivery_list"),
    path("lieferungen/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("hochladen/", views.upload, name="upload"),
    path("hochladen/bestaetigen/", views.upload_confirm, name="upload_confirm"),
    path("hochladen/vorlage.xlsx", views.upload_template, name="upload_template"),
]
