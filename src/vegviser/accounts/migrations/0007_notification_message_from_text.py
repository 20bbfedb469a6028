"""Notices from before messages were kept: where a notice's text is one of the messages Vegviser wrote then, in
any of its languages, its message and values are recovered from the text, so it too is read in the reader's
language of the day. Any other text is left as written, and shown so."""

import re
from datetime import datetime

from django.conf import settings
from django.db import migrations
from django.utils import translation

# The notices Vegviser wrote before this migration, by the start of their key.
MESSAGES = {
    "revision:": [
        "The revision of the plan for %(name)s was due on %(date)s.",
        "The plan for %(name)s is due for revision on %(date)s.",
    ],
    "meeting:": ["The responsibility group for %(name)s meets tomorrow, %(date)s at %(time)s."],
    "report-waiting:": ["The report of need for %(name)s has waited %(days)s days for a decision."],
    "what-matters:": ["%(name)s changed “what matters to me” in the plan for %(person)s."],
    "goal-proposed:": ["%(name)s proposed a new goal in the plan for %(person)s."],
    "goal-changed:": ["%(name)s changed a goal in the plan for %(person)s."],
    "goal-rated:": ["%(name)s rated the progress on a goal in the plan for %(person)s."],
    "message:": ["New message from %(name)s about the plan for %(person)s."],
    "coordinator-appointed-": ["You have been appointed coordinator for %(person)s."],
}


def _date(printed):
    return {"kind": "date", "value": datetime.strptime(printed, "%d.%m.%Y").date().isoformat()}


def _time(printed):
    return {"kind": "time", "value": printed}


# Values that were printed, not named: what they look like in the text, and how they are kept.
PRINTED = {"date": (r"\d{2}\.\d{2}\.\d{4}", _date), "time": (r"\d{2}:\d{2}", _time), "days": (r"\d+", int)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(translated):
    parts, seen, position = [], set(), 0
    for found in PLACEHOLDER.finditer(translated):
        parts.append(re.escape(translated[position : found.start()]))
        name = found.group(1)
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            parts.append(f"(?P<{name}>{PRINTED[name][0] if name in PRINTED else '.+?'})")
            seen.add(name)
        position = found.end()
    parts.append(re.escape(translated[position:]))
    return re.compile("".join(parts), re.DOTALL)


def _patterns():
    found = {}
    for prefix, messages in MESSAGES.items():
        found[prefix] = []
        for message in messages:
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    found[prefix].append((message, _pattern(translation.gettext(message))))
    return found


def recover(apps, schema_editor):
    Notification = apps.get_model("accounts", "Notification")
    patterns = _patterns()
    for notification in Notification.objects.only("key", "text", "message").iterator():
        prefix = next((p for p in patterns if notification.key.startswith(p)), None)
        if notification.message or prefix is None:
            continue
        for message, pattern in patterns[prefix]:
            match = pattern.fullmatch(notification.text)
            if match is None:
                continue
            try:
                params = {
                    name: PRINTED[name][1](value) if name in PRINTED else value
                    for name, value in match.groupdict().items()
                }
            except ValueError:  # not a date after all: the text stays as written
                break
            Notification.objects.filter(pk=notification.pk).update(message={"id": message}, params=params)
            break


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_notification_message_kept"),
    ]

    operations = [migrations.RunPython(recover, migrations.RunPython.noop)]
