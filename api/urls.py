"""The REST API, /api/v1/ (one view per operation), and its OpenAPI document and pages under /api/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import customers as customer_views
from api.views import kb as kb_views
from api.views import reference, ticket_actions, tickets

app_name = "api"

v1 = [
    path("tickets/", tickets.TicketListCreate.as_view(), name="tickets"),
    path("tickets/<str:reference>/", tickets.TicketDetail.as_view(), name="ticket"),
    path("tickets/<str:reference>/replies/", ticket_actions.ReplyCreate.as_view(), name="replies"),
    path("tickets/<str:reference>/notes/", ticket_actions.NoteCreate.as_view(), name="notes"),
    path("tickets/<str:reference>/tags/", ticket_actions.TagsChange.as_view(), name="tags"),
    path("tickets/<str:reference>/promise/", ticket_actions.PromiseSet.as_view(), name="promise"),
    path(
        "tickets/<str:reference>/attachments/<int:attachment_id>/",
        ticket_actions.AttachmentDownload.as_view(),
        name="attachment",
    ),
    path("customers/", customer_views.CustomerList.as_view(), name="customers"),
    path("customers/<int:pk>/", customer_views.CustomerDetail.as_view(), name="customer"),
    path("customers/<int:pk>/tickets/", customer_views.CustomerTickets.as_view(), name="customer_tickets"),
    path("queues/", reference.QueueList.as_view(), name="queues"),
    path("agents/", reference.AgentList.as_view(), name="agents"),
    path("canned-responses/", reference.CannedList.as_view(), name="canned"),
    path("canned-responses/<int:pk>/render/", reference.CannedRender.as_view(), name="canned_render"),
    path("sla-policies/", reference.PolicyList.as_view(), name="policies"),
    path("calendars/", reference.CalendarList.as_view(), name="calendars"),
    path("notices/", reference.NoticeList.as_view(), name="notices"),
    path("kb/articles/", kb_views.ArticleList.as_view(), name="kb_articles"),
    path("kb/articles/<slug:slug>/", kb_views.ArticleDetail.as_view(), name="kb_article"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from this server (drf-spectacular-sidecar), its script from a URL: CSP allows nothing inline.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
