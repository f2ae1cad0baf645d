"""Checks on uploaded files: size, count, and a type allow-list judged by content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("GIF image", "image/gif", (".gif",))
WEBP = FileType("WebP image", "image/webp", (".webp",))
PDF = FileType("PDF document", "application/pdf", (".pdf",))
TEXT = FileType("text file", "text/plain", (".txt", ".log", ".csv", ".md"))
OFFICE = FileType(
    "office document",
    "application/octet-stream",
    (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip"),
)
ALLOWED_DESCRIPTION = "images (PNG, JPEG, GIF, WebP), PDF, text, CSV, logs, Office documents and ZIP files"
_SNIFF_BYTES = 8192


def _sniff(head: bytes) -> FileType | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return OFFICE
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start < len(head) - 4:
                return None
        return TEXT
    return None


NAME_MAX_CHARS = 120  # what we store and show; the model's column holds 255
_EXTENSION_MAX_CHARS = 10  # longer than any allowed extension (".jpeg", ".docx")


def _clean_name(name: str) -> str:
    """The last path part without control or markup characters (uploads may carry a client path)."""
    base = PurePath(name.replace("\\", "/")).name.strip()
    return "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*').strip()


def extension(name: str) -> str:
    """The lowercase extension of the whole name: the type check never looks at a shortened name."""
    return PurePath(_clean_name(name)).suffix.lower()


def safe_filename(name: str) -> str:
    """A name safe to store and show, at most ``NAME_MAX_CHARS`` long, keeping its extension.

    A long name is cut in its middle part, never at the end: "report-...-final.pdf" stays a
    ".pdf" so the person who downloads it can still open it.
    """
    cleaned = _clean_name(name) or "file"
    if len(cleaned) <= NAME_MAX_CHARS:
        return cleaned
    suffix = PurePath(cleaned).suffix
    if not suffix or len(suffix) > _EXTENSION_MAX_CHARS:
        suffix = ""
    stem = cleaned[: len(cleaned) - len(suffix)]
    return stem[: NAME_MAX_CHARS - len(suffix) - 1].rstrip() + "…" + suffix


def check_upload(upload: UploadedFile[bytes]) -> FileType:
    """The file's type, or a ValidationError saying what to do instead."""
    name = safe_filename(upload.name or "file")
    limit = settings.ATTACHMENT_MAX_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            f"“{name}” is {filesizeformat(size)}; the limit is {filesizeformat(limit)}. "
            "Try a smaller file or share a link instead."
        )
    if size == 0:
        raise ValidationError(f"“{name}” is empty.")
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = _sniff(head)
    if kind is None or extension(upload.name or "") not in kind.extensions:
        raise ValidationError(
            f"We can't accept “{name}”: its content or name is not an allowed type. Allowed: {ALLOWED_DESCRIPTION}."
        )
    return kind


def check_uploads(uploads: list[UploadedFile[bytes]]) -> list[FileType]:
    if len(uploads) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(f"Attach at most {settings.ATTACHMENT_MAX_FILES} files at a time.")
    errors: list[ValidationError] = []
    kinds: list[FileType] = []
    for upload in uploads:
        try:
            kinds.append(check_upload(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return kinds


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, each checked for size and type by content."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attachments")
        kwargs.setdefault("help_text", "Optional. Up to 5 files, 10 MB each: images, PDF, text or Office files.")
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        check_uploads(files)
        return files
