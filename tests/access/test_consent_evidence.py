"""The signed consent uploaded as evidence is checked by its content, not only by its name."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from vegviser.access.models import Consent, validate_evidence_content

from ..conftest import World, english
from ..intake.test_consent_and_coordinator import consent_form


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("consent.pdf", b"<!doctype html><script>alert(1)</script>", False),
        ("consent.png", b"%PDF-1.4 not an image", False),
        ("consent.png", b"\x89PNG\r\n\x1a\n" + b"garbage after the signature", False),
        ("consent.jpg", _image("PNG"), False),
        ("consent.png", _image("PNG"), True),
        ("consent.jpeg", _image("JPEG"), True),
        ("consent.PDF", b"%PDF-1.7 signed", True),
    ],
)
def test_the_evidence_must_be_what_its_name_says(
    world: World, settings: Any, tmp_path: Any, name: str, content: bytes, accepted: bool
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("access:consent_create", kwargs={"pk": world.patient.pk})
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = english(world).post(url, consent_form(world, evidence="paper", evidence_file=upload))
    if accepted:
        assert response.status_code == 302
        assert Consent.objects.get().evidence_file.read() == content
    else:
        errors = " ".join(response.context["form"].errors["evidence_file"])
        assert "is not a PDF, PNG or JPEG file as its name says" in errors
        assert not Consent.objects.exists()


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_message_is_in_the_users_language(language: str) -> None:
    upload = SimpleUploadedFile("consent.pdf", b"<html></html>")
    with pytest.raises(ValidationError) as refused:
        validate_evidence_content(upload)
    with translation.override(language):
        message = " ".join(refused.value.messages)
    assert "PDF" in message and "name says" not in message
