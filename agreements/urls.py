from django.urls import path

from agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("neu/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.agreement_edit, name="edit"),
    path("<int:pk>/kopieren/", views.agreement_copy, name="copy"),
    path("<int:pk>/status/", views.agreement_status, name="status"),
    path("<int:pk>/loeschen/", views.agreement_delete, name="delete"),
    path("<int:pk>/umsetzungsstand/", views.step_report, name="steps"),
    path("<int:pk>/verlauf/", views.history, name="history"),
    path("<int:pk>/vereinbarung.pdf", views.agreement_pdf, name="pdf"),
]
