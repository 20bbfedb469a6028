"""Where the municipality and the health trust meet: the collaboration agreement between Bodø and
Nordlandssykehuset HF, and the rehabilitation ward asking to take part in Per's plan.

The system administrator (`admin`) registered the agreement, on habilitation and rehabilitation, in force from
the start of last year; it shows on Per's and Emil's plans, where the hospital's units take part. Per has been
referred to the rehabilitation ward for a day-rehabilitation stay; the ward's nurse (`avdeling`) sees from the
referral that Per has a plan and who coordinates it, and has asked to take part. The request waits for the
coordinator's (`koordinator`) answer on the plan page; Per's consent names the ward, so it can be accepted.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from vegviser.accounts.models import User
from vegviser.demo.story import Story
from vegviser.demo.world import BODO, HOSPITAL, World
from vegviser.plans import services as plans
from vegviser.plans.models import IndividualPlan
from vegviser.referrals import services as referrals
from vegviser.referrals.models import Referral, ReferralConsent
from vegviser.registry import services as registry
from vegviser.registry.models import Municipality, Organisation, OrganisationKind


def meet(world: World, story: Story) -> None:
    _agreement(world)
    _request_to_take_part(world, story)


def agreement_pdf(title: str, lines: list[str]) -> bytes:
    """A small one-page PDF of the agreement's title and terms: enough to open in a browser."""

    def text(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return escaped.encode("cp1252", "replace").decode("latin-1")

    rows = [f"BT /F1 16 Tf 72 770 Td ({text(title)}) Tj ET"]
    rows += [f"BT /F1 11 Tf 72 {740 - 18 * n} Td ({text(line)}) Tj ET" for n, line in enumerate(lines)]
    stream = "\n".join(rows)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    start = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n"
    return out.encode("latin-1")


def _agreement(world: World) -> None:
    title = "Delavtale om habilitering og rehabilitering"
    start = date(world.today.year - 1, 1, 1)
    document = agreement_pdf(
        title,
        [
            "Partene: Bodø kommune og Nordlandssykehuset HF.",
            "Avtalen gjelder habilitering og rehabilitering for barn, unge og voksne.",
            "Kommunen leder arbeidet med individuell plan; spesialisthelsetjenesten deltar.",
            "Helseforetaket melder behov for individuell plan og koordinator til kommunen.",
            f"Avtalen gjelder fra {start:%d.%m.%Y} til den sies opp.",
            "Demonstrasjonsdata: avtalen er oppdiktet.",
        ],
    )
    registry.register_agreement(
        actor=User.objects.get(username="admin"),
        data={
            "title": title,
            "municipality": Municipality.objects.get(number=BODO),
            "health_trust": Organisation.objects.get(name=HOSPITAL, kind=OrganisationKind.HEALTH_TRUST),
            "covers_habilitation": True,
            "covers_rehabilitation": True,
            "valid_from": start,
            "valid_to": None,
        },
        document=SimpleUploadedFile("delavtale.pdf", document, "application/pdf"),
    )


def _request_to_take_part(world: World, story: Story) -> None:
    per = world.people["per"]
    ward = world.organisations[OrganisationKind.REHABILITATION_UNIT]
    received_on = story.workday(-3)
    referral = referrals.register_referral(
        actor=None,
        person=per,
        unit=ward,
        data={
            "named_as": per.full_name,
            "received_on": received_on,
            "consent": ReferralConsent.YES,
            "referrer_name": "Sofie Strand",
            "referrer_organisation": "Sentrum legekontor, Bodø",
            "reason": "Dagrehabilitering to uker for gangfunksjon og utholdenhet, før retur til arbeid.",
            "diagnosis_codes": ["I63.9", "Z50.1"],
        },
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=story.at(received_on, 9))
    plan = IndividualPlan.objects.get(person=per, status__in=["active", "draft", "paused"])
    plans.ask_to_join(
        actor=world.users["avdeling"],
        plan=plan,
        organisation=ward,
        message="Per kommer til dagrehabilitering hos oss. Vi vil gjerne delta i ansvarsgruppen i "
        "oppholdet og ved overgangen hjem.",
    )
