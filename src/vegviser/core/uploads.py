"""Uploaded documents (signed consents, a referral's attachments): PDF or an image, checked by what the file
holds rather than by its name, stored under a name that carries no personal data, and served inline."""

from __future__ import annotations

import mimetypes
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = ["pdf", "png", "jpg", "jpeg"]
# What the file input offers to pick; the server checks the content whatever is picked.
DOCUMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg"
# How each kind of file begins. The name's extension is only what the uploader says it is.
DOCUMENT_SIGNATURES = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
}
# Pillow's name for the format of each image extension.
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def anonymous_name(folder: str, key: uuid.UUID, filename: str) -> str:
    """Where a document is stored: the name the uploader chose may carry personal data (a name, a number),
    so only its extension is kept, after the id of the row that holds it."""
    return f"{folder}/{key}.{extension_of(filename) or 'bin'}"


def check_size(file: Any, limit: int = MAX_DOCUMENT_BYTES) -> None:
    if file.size > limit:
        raise ValidationError(
            _("The file is too large. The limit is %(megabytes)d MB."),
            params={"megabytes": limit // (1024 * 1024)},
            code="too_large",
        )


def is_what_its_name_says(file: Any) -> bool:
    """A PDF begins as one, and an image opens and verifies as its kind. Anything else (a web page named
    .pdf) is not, since the document is later downloaded and opened by staff. An extension that is not
    accepted at all is FileExtensionValidator's to refuse, so it passes here."""
    extension = extension_of(file.name)
    signature = DOCUMENT_SIGNATURES.get(extension)
    if signature is None:
        return True
    file.seek(0)
    matches = file.read(len(signature)) == signature
    if matches and extension in IMAGE_FORMATS:
        file.seek(0)
        try:
            with Image.open(file) as image:
                matches = image.format == IMAGE_FORMATS[extension]
                image.verify()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            matches = False
    file.seek(0)
    return matches


def validate_document_size(file: Any) -> None:
    check_size(file, MAX_DOCUMENT_BYTES)


def validate_document_content(file: Any) -> None:
    if not is_what_its_name_says(file):
        raise ValidationError(
            _("The file is not a PDF, PNG or JPEG file as its name says. Upload it as one."), code="content"
        )


def document_response(file: FieldFile) -> FileResponse:
    """The stored document, shown in the browser rather than saved under a name of its own: the response
    carries no file name, and the session's no-store rule keeps it out of caches."""
    content_type = mimetypes.guess_type(file.name or "")[0] or "application/octet-stream"
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    return response
