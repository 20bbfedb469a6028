"""The public information pages: their addresses, titles and one-line summaries.

Short texts (titles, summaries, labels) go through gettext like the rest of the UI. The long prose of each
page is written once per language, as ``public/pages/<slug>.<language>.html``, because paragraphs of law and
advice read better, and are easier to keep right, as whole texts than as hundreds of gettext fragments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The languages the prose is written in; any other active language falls back to Bokmål, the default.
PAGE_LANGUAGES = ("nb", "nn", "en")
DEFAULT_PAGE_LANGUAGE = "nb"


@dataclass(frozen=True)
class InfoPage:
    slug: str
    title: str | Promise
    summary: str | Promise

    def template_for(self, language: str | None) -> str:
        code = (language or DEFAULT_PAGE_LANGUAGE).split("-")[0].lower()
        if code not in PAGE_LANGUAGES:
            code = DEFAULT_PAGE_LANGUAGE
        return f"public/pages/{self.slug}.{code}.html"

    @property
    def template(self) -> str:
        return self.template_for(get_language())


PAGES: tuple[InfoPage, ...] = (
    InfoPage(
        "habilitation-and-rehabilitation",
        _("What habilitation and rehabilitation are"),
        _("Planned help, built on your own goals, to function and cope as well as possible."),
    ),
    InfoPage(
        "rights",
        _("Coordinator, individual plan and child coordinator"),
        _("Your rights when you need long-term services from several providers."),
    ),
    InfoPage(
        "how-to-ask",
        _("How to ask for a coordinator or an individual plan"),
        _("Whom to contact in the municipality, and what happens next."),
    ),
    InfoPage(
        "help-and-advice",
        _("The ReHabilitation hotline and the ombudsman"),
        _("Where to get advice, and help with questions and complaints."),
    ),
    InfoPage(
        "complaints",
        _("Complaints and your records"),
        _("How to complain about a decision, and how to see your own records."),
    ),
    InfoPage(
        "accessibility",
        _("Accessibility statement"),
        _("How Vegviser meets the accessibility requirements, and how to report a problem."),
    ),
)
PAGES_BY_SLUG = {page.slug: page for page in PAGES}
# The pages about rights and help, in the order the front page and the side menu list them.
INFORMATION_PAGES = tuple(page for page in PAGES if page.slug != "accessibility")
