"""Editing a versioned row in a form: the one way every edit page handles a conflict."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from .forms import add_service_error
from .http import posted
from .services import ConflictError

# A merge that is saved can meet yet another change; after that many the user decides.
MERGE_ATTEMPTS = 3


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
    """Edit a versioned row (its form a `VersionedForm`). When someone else saved since the form was opened,
    the two edits are merged field by field against what the form showed then: a field only one of them
    changed takes that change, and if no field was changed by both the merge is saved. A field both changed
    is the user's to decide: the page shows it with what is saved now, the form holds the merge, and saving
    again is a deliberate choice, never a silent overwrite. Returns None when saved."""
    form_kwargs = form_kwargs or {}
    model = type(instance)
    form = form_class(posted(request), instance=instance, **form_kwargs)
    current = None
    conflict: list[tuple[str, Any, Any]] = []
    merged = False
    if request.method == "POST" and form.is_valid():
        for _attempt in range(MERGE_ATTEMPTS):
            try:
                save(form.cleaned_data, form.cleaned_data.get("version") or 0)
            except ConflictError:
                current = model.objects.get(pk=instance.pk)
                form, both_changed, nothing_of_mine = _merge(form, current, form_class, form_kwargs)
                valid = form.is_valid()
                if both_changed:
                    conflict = _conflict_rows(form, current, both_changed)
                    form.add_error(None, ConflictError.message)
                if both_changed or not valid:
                    break
                if nothing_of_mine:
                    # What the user saved is what is stored now: a save would only move the version.
                    messages.success(request, _("The changes were saved."))
                    return None
                merged = True
            except ValidationError as error:
                add_service_error(form, error)
                break
            else:
                messages.success(request, _("The changes were saved."))
                if merged:
                    messages.info(
                        request, _("Someone else saved other fields meanwhile; their changes were kept.")
                    )
                return None
        else:
            form.add_error(None, ConflictError.message)
    return render(request, template, {**context, "form": form, "current": current, "conflict": conflict})


def _merge(
    form: Any, current: Any, form_class: type[Any], form_kwargs: dict[str, Any]
) -> tuple[Any, list[str], bool]:
    """The user's form merged with the row as stored now, bound to the current version; the fields both
    changed (which keep what the user wrote); and whether the merge is simply the stored row.

    Compared as posted values: what the form showed when it was opened (carried in the form), what the user
    wrote, and what a form opened now would show. Without what it showed (a post from elsewhere), every field
    that differs from the stored value counts as changed by both."""
    stored = form_class(instance=current, **form_kwargs).shown_values()
    original = form.original_values()
    written = form.written_values()
    data = QueryDict(mutable=True)
    both_changed = []
    for name, theirs in stored.items():
        mine = written.get(name, theirs)
        if mine == theirs or original.get(name) == mine:
            data.setlist(name, theirs)
        else:
            data.setlist(name, mine)
            if original.get(name) != theirs:
                both_changed.append(name)
    data["version"] = str(current.version)
    # The next save starts from what is stored now.
    data["original"] = json.dumps(stored, ensure_ascii=False, sort_keys=True)
    nothing_of_mine = all(data.getlist(name) == theirs for name, theirs in stored.items())
    # A bound model form puts its values on its instance: `current` stays the row as stored, for the table.
    return (
        form_class(data, instance=type(current).objects.get(pk=current.pk), **form_kwargs),
        both_changed,
        nothing_of_mine,
    )


def _shown(field: forms.Field, value: Any) -> Any:
    """A value as the conflict table shows it: choices by their label, related rows by their name."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        items = value.all() if hasattr(value, "all") else value or []
        return ", ".join(field.label_from_instance(item) for item in items)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value) if value not in (None, "") else ""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ChoiceField):
        return _choice_labels(field.choices).get(str(value), value)
    return value


def _choice_labels(choices: Any) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for key, label in choices:
        if isinstance(label, list | tuple):
            labels.update(_choice_labels(label))
        else:
            labels[str(key)] = label
    return labels


def _conflict_rows(form: Any, current: Any, names: list[str]) -> list[tuple[str, Any, Any]]:
    """Field by field: what is saved now and what the user wrote, for the fields both changed."""
    rows = []
    for name in names:
        field = form.fields[name]
        saved = getattr(current, name, None)
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        rows.append((str(field.label), _shown(field, saved), _shown(field, mine)))
    return rows
