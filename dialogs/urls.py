from django.urls import path

from dialogs import completeness, reminders, views

app_name = "dialogs"
urlpatterns = [
    path("", views.dialog_list, name="list"),
    path("vereinbarung/<int:agreement_pk>/neu/", views.dialog_create, name="create"),
    path("vereinbarung/<int:agreement_pk>/massnahmen/", views.agreement_measures, name="measures"),
    path("massnahmen/<int:pk>/stand/", views.measure_status, name="measure_status"),
    path("<int:pk>/", views.dialog_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.dialog_edit, name="edit"),
    path("<int:pk>/versenden/", views.dialog_send, name="send"),
    path("<int:pk>/zurueckholen/", views.dialog_withdraw, name="withdraw"),
    path("<int:pk>/anmerkungen/", views.dialog_comment, name="comment"),
    path("<int:pk>/aenderungen-erbitten/", views.dialog_request_changes, name="request_changes"),
    path("<int:pk>/freigeben/", views.dialog_approve, name="approve"),
    path("<int:pk>/korrektur/", views.dialog_correct, name="correct"),
    path("<int:pk>/loeschen/", views.dialog_delete, name="delete"),
    path("<int:pk>/verlauf/", views.dialog_history_view, name="history"),
    path("<int:pk>/protokoll.pdf", views.dialog_pdf, name="pdf"),
    path("<int:pk>/dialogmappe.pdf", views.dialog_folder, name="folder"),
    path("vollstaendigkeit/", completeness.board, name="completeness"),
    path("vollstaendigkeit/liefertermin/", completeness.deadline, name="deadline"),
    path("benachrichtigungen/", reminders.notifications, name="notifications"),
]
