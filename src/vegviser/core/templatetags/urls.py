"""Django's `{% url %}` tag, remembering the URLs it has reversed.

Django reverses the URL anew each time the tag is rendered, 30–50 µs each (the namespaces, the pattern's
candidates, a regular expression), and a page renders dozens: the menu in base.html alone has sixteen, the
plan page a dozen more (docs/benchmarks.md). A URL depends only on the view's name, its arguments, the
current app, the URLconf, the script prefix and, with translated patterns, the language, so it is remembered
by those. Installed as a builtin in place of Django's tag (settings.TEMPLATES), so templates keep writing
`{% url %}` and behave as before, errors included."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from django import template
from django.conf import settings
from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@register.tag
def url(parser: Parser, token: Token) -> RememberedURLNode:
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context: Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        # The current app as Django's tag finds it.
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = _reversed(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _reversed(view_name: str, args: tuple[Any, ...], kwargs: dict[str, Any], current_app: Any) -> str:
    # Only values whose printed form follows from their type and value are remembered; others are reversed
    # every time, as Django does: a list cannot be a key, and a model object is equal to another of the same
    # primary key however each prints.
    if not all(isinstance(value, (str, int, UUID)) for value in (*args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    # Each value with its type: 1 and True are equal as keys, not as URLs.
    key_args = tuple((type(value), value) for value in args)
    key_kwargs = tuple((name, type(value), value) for name, value in kwargs.items())
    return _remembered(
        view_name,
        key_args,
        key_kwargs,
        current_app,
        get_urlconf(),
        settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )


# Bounded: a URL with a plan's id in it is remembered per plan, and the least used are forgotten first.
@lru_cache(maxsize=8192)
def _remembered(
    view_name: str,
    key_args: tuple[tuple[type, Any], ...],
    key_kwargs: tuple[tuple[str, type, Any], ...],
    current_app: Any,
    urlconf: Any,
    root_urlconf: str,
    script_prefix: str,
    language: str | None,
) -> str:
    # The last three are there for the key only: `reverse` reads them itself.
    return reverse(
        view_name,
        args=[value for _type, value in key_args],
        kwargs={name: value for name, _type, value in key_kwargs},
        current_app=current_app,
        urlconf=urlconf,
    )
