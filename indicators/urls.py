from django.urls import path

from indicators import upload_steps, views

app_name = "indicators"
urlpatterns = [
    path("lieferungen/", views.delivery_list, name="delivery_list"),
    path("lieferungen/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("hochladen/", views.upload, name="upload"),
    path("hochladen/bestaetigen/", views.upload_confirm, name="upload_confirm"),
    path("hochladen/zuordnung/", upload_steps.upload_mapping, name="upload_mapping"),
    path("hochladen/datenstand/", upload_steps.upload_titles, name="upload_titles"),
    path("hochladen/status/<str:token>/", views.upload_status, name="upload_status"),
    path("hochladen/status/<str:token>.json", views.upload_status_json, name="upload_status_json"),
    path("hochladen/vorlage.xlsx", views.upload_template, name="upload_template"),
]
