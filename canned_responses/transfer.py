"""Import and export of shared canned responses as CSV or JSON (the admin's buttons)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from canned_responses import services
from canned_responses.models import CannedResponse
from tickets.models import Queue

FIELDS = ["title", "shortcut", "body", "kinds", "queues", "is_active", "suggested_status", "suggested_next_update"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _row(response: CannedResponse) -> dict[str, Any]:
    return {
        "title": response.title,
        "shortcut": response.shortcut,
        "body": response.body,
        "kinds": list(response.kinds),
        "queues": sorted(queue.slug for queue in response.queues.all()),
        "is_active": response.is_active,
        "suggested_status": response.suggested_status,
        "suggested_next_update": response.suggested_next_update,
        "usage_count": response.usage_count,
    }


def export_json(responses: Iterable[CannedResponse]) -> str:
    return json.dumps([_row(r) for r in responses], indent=2, ensure_ascii=False)


def _cell(value: str) -> str:
    """Spreadsheets run cells starting with "=" etc. as formulas: a leading quote keeps them text."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def export_csv(responses: Iterable[CannedResponse]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*FIELDS, "usage_count"])
    writer.writeheader()
    for response in responses:
        row = _row(response)
        row["kinds"] = " ".join(row["kinds"])
        row["queues"] = " ".join(row["queues"])
        row["is_active"] = "yes" if row["is_active"] else "no"
        writer.writerow({key: _cell(str(value)) for key, value in row.items()})
    return out.getvalue()


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def parse(content: bytes, filename: str) -> list[dict[str, Any]]:
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationError(f"This file is {len(content):,} bytes; the limit is {IMPORT_MAX_BYTES:,}.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("The file isn't UTF-8 text: export it again as CSV (UTF-8) or JSON.") from None
    if filename.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"The JSON can't be read (line {exc.lineno}): {exc.msg}.") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValidationError("The JSON should be a list of responses, as Export makes it.")
        return rows
    reader = csv.DictReader(io.StringIO(text))
    missing = {"title", "body"} - set(reader.fieldnames or [])
    if missing:
        raise ValidationError(f"The CSV needs the columns {', '.join(sorted(missing))} (see an export).")
    rows = []
    for raw in reader:
        row: dict[str, Any] = {key: _uncell(value or "") for key, value in raw.items() if key}
        row["kinds"] = row.get("kinds", "").replace(",", " ").split()
        row["queues"] = row.get("queues", "").replace(",", " ").split()
        row["is_active"] = row.get("is_active", "yes").strip().lower() not in {"no", "false", "0"}
        rows.append(row)
    return rows


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key, "")
    return value if isinstance(value, str) else str(value)


def _list(row: dict[str, Any], key: str) -> list[str]:
    value = row.get(key) or []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [str(item) for item in value] if isinstance(value, list) else []


def import_rows(*, rows: list[dict[str, Any]], actor: User) -> tuple[int, int]:
    """Create or update shared responses (matched by shortcut, else title); all rows or none.

    Returns (created, updated); raises ``ValidationError`` naming each bad row.
    """
    queues = {queue.slug: queue for queue in Queue.objects.all()}
    created = updated = 0
    errors: list[str] = []
    with transaction.atomic():
        for number, row in enumerate(rows, start=1):
            unknown = [slug for slug in _list(row, "queues") if slug not in queues]
            fields: dict[str, Any] = {
                "title": _text(row, "title"),
                "body": _text(row, "body"),
                "shortcut": _text(row, "shortcut"),
                "kinds": _list(row, "kinds"),
                "queues": [queues[slug] for slug in _list(row, "queues") if slug in queues],
                "is_active": bool(row.get("is_active", True)),
                "suggested_status": _text(row, "suggested_status"),
                "suggested_next_update": _text(row, "suggested_next_update"),
            }
            if unknown:
                errors.append(f"Row {number}: no queue with slug {', '.join(unknown)}.")
                continue
            shortcut = services.shortcut_normalise(fields["shortcut"])
            shared = CannedResponse.objects.shared()
            existing = (shared.filter(shortcut=shortcut) if shortcut else shared.filter(title=fields["title"])).first()
            try:
                if existing is None:
                    services.canned_response_create(actor=actor, shared=True, **fields)
                    created += 1
                else:
                    services.canned_response_update(response=existing, actor=actor, **fields)
                    updated += 1
            except ValidationError as exc:
                detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                errors.append(f"Row {number} ({fields['title'] or 'no title'}): {detail}")
        if errors:  # raising inside the block rolls every row back
            raise ValidationError(errors)
    return created, updated
