"""A referral's attachments: added by the unit's clerk, checked by content, stored under a name without
personal data, and opened only by whoever may see the referral, each opening logged."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.core.uploads import MAX_DOCUMENT_BYTES
from vegviser.referrals.models import Referral, ReferralAttachment
from vegviser.registry.models import MembershipRole, OrganisationKind

from ..conftest import World, client_as
from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    ReferralAttachmentFactory,
    ReferralFactory,
    habilitation_unit,
)

PDF = b"%PDF-1.4 epikrise"


def clerk() -> User:
    return MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


def _add(user: User, referral: Referral, name: str, content: bytes, title: str = "Epikrise") -> Any:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    url = reverse("referrals:attachment_add", args=[referral.pk])
    return client_as(user).post(url, {"title": title, "file": upload})


def test_the_clerk_attaches_a_pdf_stored_without_its_name(world: World) -> None:
    user = clerk()
    referral = ReferralFactory(person=world.patient)
    response = _add(user, referral, "Per Andersen 01017012345.pdf", PDF, title="Epikrise fra barneavdelingen")
    assert response.status_code == 302
    attachment = ReferralAttachment.objects.get()
    assert attachment.file.name == f"referrals/{attachment.pk}.pdf"
    assert "Andersen" not in attachment.file.name and "0101" not in attachment.file.name
    assert (attachment.size, attachment.content_type, attachment.uploaded_by) == (
        len(PDF),
        "application/pdf",
        user,
    )
    change = AuditRecord.objects.get(action="referral.attachment.add")
    assert change.person_id == world.patient.pk
    page = client_as(user).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "Epikrise fra barneavdelingen" in page
    assert reverse("referrals:attachment_file", args=[referral.pk, attachment.pk]) in page


def test_an_image_is_accepted(world: World) -> None:
    referral = ReferralFactory(person=world.patient)
    assert _add(clerk(), referral, "funksjon.png", _png()).status_code == 302
    assert ReferralAttachment.objects.get().file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("epikrise.pdf", b"<!doctype html><script>alert(1)</script>", "is not a PDF, PNG or JPEG file"),
        ("epikrise.png", b"%PDF-1.4 not an image", "is not a PDF, PNG or JPEG file"),
        ("epikrise.html", b"<html></html>", "not allowed"),
        ("epikrise.pdf", b"", "empty"),
        ("epikrise.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES, "too large. The limit is 10 MB"),
    ],
)
def test_a_wrong_file_is_refused_and_the_title_kept(
    world: World, name: str, content: bytes, message: str
) -> None:
    referral = ReferralFactory(person=world.patient)
    response = _add(clerk(), referral, name, content, title="Rapport fra logoped")
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert 'value="Rapport fra logoped"' in response.content.decode()
    assert not ReferralAttachment.objects.exists()


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_refusal_is_in_the_clerks_language(world: World, language: str) -> None:
    referral = ReferralFactory(person=world.patient)
    upload = SimpleUploadedFile("epikrise.pdf", b"<html></html>", content_type="application/pdf")
    response = client_as(clerk(), language=language).post(
        reverse("referrals:attachment_add", args=[referral.pk]), {"title": "Epikrise", "file": upload}
    )
    errors = " ".join(response.context["form"].errors["file"])
    assert "PDF" in errors and "name says" not in errors


def test_opening_an_attachment_is_logged_and_not_cached(world: World) -> None:
    user = clerk()
    attachment = ReferralAttachmentFactory(referral=ReferralFactory(person=world.patient))
    before = AccessRecord.objects.count()
    response = client_as(user).get(
        reverse("referrals:attachment_file", args=[attachment.referral_id, attachment.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "inline"
    assert "no-store" in response["Cache-Control"]
    record = AccessRecord.objects.order_by("id")[before:].get()
    assert (record.person_id, record.actor_id, record.purpose, record.object_id) == (
        world.patient.pk,
        user.pk,
        "referral-attachment",
        str(attachment.pk),
    )


def test_nobody_else_sees_or_adds_an_attachment(world: World) -> None:
    other_unit = OrganisationFactory(
        name="Rehabiliteringsavdelingen", kind=OrganisationKind.REHABILITATION_UNIT
    )
    other_clerk = MembershipFactory(organisation=other_unit, role=MembershipRole.REFERRAL_CLERK).user
    attachment = ReferralAttachmentFactory(referral=ReferralFactory(person=world.patient))
    referral = attachment.referral
    file_url = reverse("referrals:attachment_file", args=[referral.pk, attachment.pk])
    before = AccessRecord.objects.count()
    for user in [other_clerk, world.ke_officer, world.coordinator, world.patient_user]:
        client = client_as(user)
        assert client.get(file_url).status_code == 404
        assert _add(user, referral, "epikrise.pdf", PDF).status_code == 404
    assert AccessRecord.objects.count() == before
    assert ReferralAttachment.objects.count() == 1


def test_an_attachment_is_found_only_under_its_own_referral(world: World) -> None:
    attachment = ReferralAttachmentFactory(referral=ReferralFactory(person=world.patient))
    other = ReferralFactory(person=world.patient)
    url = reverse("referrals:attachment_file", args=[other.pk, attachment.pk])
    assert client_as(clerk()).get(url).status_code == 404
