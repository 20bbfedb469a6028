"""The ReHabilitation hotline, written once, and telephone links for organisations' numbers."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

HOTLINE_NUMBER = "800 300 61"
HOTLINE_TEL = "+4780030061"


@register.simple_tag
def hotline_link() -> SafeString:
    return format_html('<a class="ds-link" href="tel:{}">{}</a>', HOTLINE_TEL, HOTLINE_NUMBER)


@register.filter
def tel_href(phone: str) -> str:
    """A tel: address in international form: "75 55 50 00" becomes "tel:+4775555000"."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif not digits.startswith("+") and len(digits) == 8:
        digits = "+47" + digits
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}"
