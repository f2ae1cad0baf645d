"""POST /mail/inbound/<mailbox>/: one raw message from an inbound-mail service.

Machine to machine, so CSRF-exempt; what stands in for it is the mailbox's bearer token
(``mail.tokens``), checked before the body is read. The answers are made for a sender that
retries: 202 when the message is stored (new, reply, duplicate or quarantined: the JSON says
which), 503 when the database failed or the mailbox is switched off (try again later; a retry of
a message that did commit is a duplicate), 401 for a missing or wrong token and for an unknown
mailbox alike, 413 over ``MAIL_INBOUND_MAX_BYTES``.

The body is the raw message (Content-Type message/rfc822, or any non-form type), or a
multipart/form-data upload whose file field is named ``message``. A raw body is read from the
stream, not through ``request.body``, so the 2.5 MB form limit (DATA_UPLOAD_MAX_MEMORY_SIZE)
does not apply to it; this view's own limit does.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mail.models import Mailbox
from mail.services import email_ingest
from mail.tokens import inbound_token_matches


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _raw(request: HttpRequest, limit: int) -> bytes | None:
    """The message's bytes, or None when it is larger than ``limit`` (or has no message at all: b"")."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("message")
        if upload is None:
            return b""
        return None if (upload.size or 0) > limit else upload.read()
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


def _answer(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


@csrf_exempt  # a machine posts here, authenticated by the mailbox's token instead
@require_POST
def inbound(request: HttpRequest, name: str) -> JsonResponse:
    limit = settings.MAIL_INBOUND_MAX_BYTES
    try:
        mailbox = Mailbox.objects.filter(name=name).first()
        if not inbound_token_matches(mailbox, _bearer(request)) or mailbox is None:
            return _answer(401, "unknown mailbox or wrong token")
        if not mailbox.is_active:
            return _answer(503, "mailbox switched off; try again later")
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:  # room for form framing
            return _answer(413, f"larger than {limit} bytes")
        raw = _raw(request, limit)
        if raw is None:
            return _answer(413, f"larger than {limit} bytes")
        if not raw:
            return _answer(400, "no message: send the raw bytes, or a form file named 'message'")
        result = email_ingest(mailbox=mailbox, raw=raw)
    except RequestDataTooBig:
        return _answer(413, f"larger than {limit} bytes")
    except DatabaseError:
        return _answer(503, "database unavailable; try again later")
    inbound = result.inbound
    return JsonResponse(
        {
            "status": inbound.status,
            "duplicate": result.duplicate,
            "ticket": inbound.ticket.reference if inbound.ticket else None,
        },
        status=202,
    )
