"""A meeting as an iCalendar event (RFC 5545), written out here: a handful of properties does not warrant a
dependency.

Two forms: the file a reader downloads from the meeting page, and the invitation emailed to each invitee
(iTIP, RFC 5546). A calendar is shared, synchronised and shown on locked screens, and an email travels outside
the service, so neither names the person or says anything about their health; the emailed one also leaves out
the place, which is free text and may tell whom the meeting is about.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting

ICS_LINE_OCTETS = 75
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def ics_text(value: str) -> str:
    """A TEXT value (§3.3.11): backslash, semicolon, comma and line breaks escaped, other control characters
    left out (they are not allowed in a value)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(char for char in value if char in "\n\t" or (ord(char) >= 32 and ord(char) != 127))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """§3.1: at most 75 octets a line; a longer one goes on in lines that begin with a space. Counted in UTF-8
    octets, and never inside a character, since clients join the octets back before decoding them."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > ICS_LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _param(value: str) -> str:
    """A quoted parameter value, which may hold anything but double quotes and control characters."""
    return '"' + "".join(c for c in value if c != '"' and ord(c) >= 32 and ord(c) != 127) + '"'


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _calendar(
    meeting: Meeting, *, method: str, cancelled: bool, event: list[str], now: datetime | None
) -> str:
    # A calendar client replaces the event it has with the same UID and a higher SEQUENCE; the version grows
    # with every change, the cancellation included.
    lines: list[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vegviser//Individual plan//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{meeting.pk}",
        f"SEQUENCE:{meeting.version}",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"CREATED:{_utc(meeting.created_at)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        *event,
        # Shared calendars show the time as busy, nothing more.
        "CLASS:PRIVATE",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(f"{ics_fold(line)}\r\n" for line in lines)


def invitation(meeting: Meeting, *, url: str, now: datetime | None = None) -> str:
    """The meeting as a VEVENT, for a reader to download. Its summary is the same for every meeting and the
    person is not named; the meeting page holds the rest."""
    described = [_("Agenda, invitations and minutes (log in to read them): %(url)s") % {"url": url}]
    if meeting.place and meeting.video_link:
        described.insert(0, _("Video link: %(link)s") % {"link": meeting.video_link})
    event = [
        f"SUMMARY:{ics_text(_('Meeting of the responsibility group'))}",
        f"LOCATION:{ics_text(meeting.place or meeting.video_link)}",
        f"DESCRIPTION:{ics_text(chr(10).join(described))}",
        f"URL:{url}",
    ]
    organiser = meeting.created_by
    if organiser is not None and organiser.email:
        event.append(f"ORGANIZER;CN={_param(organiser.display_name)}:mailto:{organiser.email}")
    # PUBLISH, not REQUEST: replies are not collected, and attendees are not listed (their names would tell
    # whose meeting it is).
    method = CANCEL if meeting.cancelled else "PUBLISH"
    return _calendar(meeting, method=method, cancelled=meeting.cancelled, event=event, now=now)


def emailed_invitation(
    meeting: Meeting, *, method: str, attendee: str, url: str, now: datetime | None = None
) -> str:
    """The invitation, change or cancellation (`method` REQUEST or CANCEL) sent to one invitee by email: the
    time and a link to the meeting (none where the site's address is not set), nothing else. The service is
    the organiser and the invitee the one attendee, both by address only; replies are not asked for, since
    the email's sender takes none."""
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    summary = _("Meeting in Vegviser")
    if url:
        described = _("Log in to Vegviser to see the place and the agenda: %(url)s") % {"url": url}
    else:
        described = _("Log in to Vegviser to see the place and the agenda.")
    event = [
        f"SUMMARY:{ics_text(summary)}",
        f"DESCRIPTION:{ics_text(described)}",
        *([f"URL:{url}"] if url else []),
        f"ORGANIZER;CN=Vegviser:mailto:{sender}",
        f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{attendee}",
    ]
    return _calendar(meeting, method=method, cancelled=method == CANCEL, event=event, now=now)
