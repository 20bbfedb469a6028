"""Editing a versioned row in a form: the one way every edit page handles a conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .forms import add_service_error
from .http import posted
from .services import ConflictError


def versioned_edit(
    request: HttpRequest,
    *,
    form_class: type[Any],
    instance: Any,
    save: Callable[[dict[str, Any], int], Any],
    template: str,
    context: dict[str, Any],
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse | None:
    """Edit a versioned row. On a conflict the form keeps what the user wrote and the page shows what is
    saved now: saving again is a deliberate choice, never a silent overwrite. Returns None when saved."""
    form_kwargs = form_kwargs or {}
    form = form_class(posted(request), instance=instance, **form_kwargs)
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data, form.cleaned_data.get("version") or 0)
        except ConflictError:
            current = type(instance).objects.get(pk=instance.pk)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = form_class(data, instance=type(instance).objects.get(pk=instance.pk), **form_kwargs)
            form.is_valid()
            form.add_error(None, ConflictError.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return None
    conflict = _conflict_rows(form, current) if current is not None else []
    return render(request, template, {**context, "form": form, "current": current, "conflict": conflict})


def _conflict_rows(form: Any, current: Any) -> list[tuple[str, Any, Any]]:
    """Field by field: what is saved now and what the user wrote, for the fields that differ."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        saved = getattr(current, name, None)
        if saved is not None and hasattr(saved, "all"):
            saved = ", ".join(str(item) for item in saved.all())
            mine = ", ".join(str(item) for item in form.cleaned_data[name] or [])
        else:
            mine = form.cleaned_data[name]
        if (saved or "") != (mine or ""):
            rows.append((str(field.label), saved, mine))
    return rows
