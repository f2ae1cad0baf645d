from django.urls import path

from desk.views import auth, availability, customers, me, notices, queue, reports, search, tickets

app_name = "desk"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("login/", auth.DeskLoginView.as_view(), name="login"),
    path("logout/", auth.DeskLogoutView.as_view(), name="logout"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.notices_read, name="notices_read"),
    path("reports/", reports.reports, name="reports"),
    path("availability/", availability.availability, name="availability"),
    path("me/", me.me, name="me"),
    path("search/", search.search, name="search"),
    path("customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path("customers/<int:customer_id>/name/", customers.customer_name, name="customer_name"),
    path("customers/<int:customer_id>/merge/", customers.customer_merge_view, name="customer_merge"),
    path("t/<str:reference>/", tickets.ticket_detail, name="ticket"),
    path("t/<str:reference>/reply/", tickets.ticket_reply, name="reply"),
    path("t/<str:reference>/update/", tickets.ticket_update, name="update"),
    path("t/<str:reference>/files/<int:attachment_id>/", tickets.attachment_download, name="file"),
]
