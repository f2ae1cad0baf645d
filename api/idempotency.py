"""``Idempotency-Key``: the same key from the same agent within 24 hours gets the first answer again.

The first request inserts its (actor, key) row and does its work in one transaction, then keeps
its answer on the row. A retry finds the row and gets the kept answer (201 and the same body),
never a second ticket. Two requests with one key at the same moment: the second INSERT waits on
the unique index until the first commits, then fails, and the second request answers with the
first one's row. A request refused with an error keeps nothing, so the caller can correct it and
send it again under the same key. A key reused with another body is refused (422).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotentRequest
from api.selectors import IDEMPOTENCY_WINDOW, idempotent_answer

HEADER = "Idempotency-Key"
KEY_MAX = 200


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _replay(kept: IdempotentRequest, request_hash: str) -> Response:
    if kept.request_hash != request_hash:
        detail = "This Idempotency-Key was already used for a different request."
        return Response({"detail": detail}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    return Response(kept.body, status=kept.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(request: Request, make: Callable[[], Response]) -> Response:
    """``make()``'s response, made at most once per (agent, key); without the header, just ``make()``."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return make()
    if len(key) > KEY_MAX:
        return Response({HEADER: [f"Keep the key under {KEY_MAX} characters."]}, status=status.HTTP_400_BAD_REQUEST)
    actor: User = request.user  # type: ignore[assignment]  # an agent: the permission checked it
    request_hash = hashlib.sha256(request.body).hexdigest()
    kept = idempotent_answer(actor=actor, key=key)
    if kept is not None:
        return _replay(kept, request_hash)
    now = timezone.now()
    try:
        with transaction.atomic():
            # The agent's answers past the window go (this key's among them): rows stay few, on the (actor, key) index.
            IdempotentRequest.objects.filter(actor=actor, created_at__lt=now - IDEMPOTENCY_WINDOW).delete()
            row = IdempotentRequest.objects.create(
                actor=actor, key=key, request_hash=request_hash, status_code=0, body={}, created_at=now
            )
            response = make()
            if response.status_code >= 400:
                raise _Refused(response)
            row.status_code, row.body = response.status_code, response.data
            row.save(update_fields=["status_code", "body"])
    except _Refused as refused:
        return refused.response
    except IntegrityError:
        kept = idempotent_answer(actor=actor, key=key)
        if kept is None:
            raise
        return _replay(kept, request_hash)
    return response
