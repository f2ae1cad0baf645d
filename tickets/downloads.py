"""Serving attachments: always as a download, with a safe name and no sniffing."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse

from tickets.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    content_type = attachment.content_type
    if content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(attachment.filename)[0] or content_type
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
