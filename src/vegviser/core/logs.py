"""A log filter that keeps identity numbers out of log lines (DESIGN §3: never in a log).

A request line can carry one in its query string (a FHIR search by identifier, `identifier=system|number`),
percent-encoded or not. The filter masks every run of eleven digits standing alone, as the screen does: the
birth date part stays, the rest is starred. It does not ask whether the digits pass the check: a line is
better masked once too often than once too few, and the check belongs to the registry, above this layer.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

# Eleven digits, possibly written 6 + space + 5, not part of a longer run of digits.
_ELEVEN_DIGITS = re.compile(r"(?<!\d)(\d{6})( ?)\d{5}(?!\d)")
# A percent-encoded separator right before the number (`%7C` for `|`, `%3D` for `=`): decoded first, so the
# digits are found whatever encoded them.
_ENCODED = re.compile(r"%[0-9A-Fa-f]{2}")


def mask_identity_numbers(text: str) -> str:
    if _ENCODED.search(text):
        text = unquote(text)
    return _ELEVEN_DIGITS.sub(lambda match: f"{match.group(1)}{match.group(2)}*****", text)


class IdentityNumberMask(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
