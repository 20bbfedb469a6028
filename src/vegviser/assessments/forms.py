"""The form for recording an instrument, built from its Questionnaire in the user's language.

Every answer is taken as typed (text fields, even for numbers) and judged by the instrument's scoring
function, so the messages are the library's and nothing typed is lost: a bad answer comes back in its field
with the message beside it. A repeating group (the activities of the PSFS) is shown as numbered rows; a row
left empty is not an answer.

EQ-5D-5L's descriptive system is licensed: the professional types the five-digit profile the person gave on
the licensed form, and the VAS, as the library's note says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vegviser.core.forms import DateInput
from vegviser.episodes.models import Episode
from vegviser.plans.models import Measure

from .library import Instrument, instruments, translated
from .scoring import MISSING, ScoreError, eq5d_5l_profile

MIN_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
MIN_VALUE = "minValue"
MAX_VALUE = "maxValue"
# Where the library lets a professional type a code instead of the licensed items: EQ-5D-5L's profile.
PROFILE_INSTRUMENT = "eq5d-5l"
PROFILE_ITEMS = ("MO", "SC", "UA", "PD", "AD")
PROFILE = "profile"
_IN_GROUP = re.compile(r"^(?P<group>[\w-]+)\[(?P<index>\d+)\]\.(?P<item>[\w-]+)$")


def _extension(item: dict[str, Any], url: str) -> Any:
    for extension in item.get("extension", []):
        if extension.get("url") == url:
            return next((value for key, value in extension.items() if key.startswith("value")), None)
    return None


def _field_name(group: str, index: int, link_id: str) -> str:
    return f"{group}__{index}__{link_id}"


@dataclass
class Row:
    legend: str
    fields: list[forms.BoundField]


@dataclass
class Section:
    """One question, or one repeating group with its rows, in the order of the questionnaire."""

    link_id: str
    label: str
    field: forms.BoundField | None = None
    rows: list[Row] = dataclass_field(default_factory=list)
    errors: list[str] = dataclass_field(default_factory=list)


class EpisodeChoiceField(forms.ModelChoiceField):
    """An episode by its unit and admission date: the person is the plan's."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name} {timezone.localtime(obj.admitted_at):%d.%m.%Y}"


class InstrumentForm(forms.Form):
    administered_on = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    measure = forms.ModelChoiceField(
        label=gettext_lazy("Measure in the plan"),
        queryset=Measure.objects.none(),
        required=False,
        help_text=gettext_lazy("The measure the result belongs to, if any."),
    )
    episode = EpisodeChoiceField(
        label=gettext_lazy("Episode of care"), queryset=Episode.objects.none(), required=False
    )

    def __init__(
        self,
        data: Any = None,
        *,
        instrument: Instrument,
        language: str,
        measures: Any,
        episodes: list[Episode],
        measure_required: bool,
    ) -> None:
        super().__init__(data, initial={"administered_on": timezone.localdate()})
        self.instrument = instrument
        self.language = language
        self.group_errors: dict[str, list[str]] = {}
        self.labels: dict[str, str] = {}
        measure_field = self.fields["measure"]
        assert isinstance(measure_field, forms.ModelChoiceField)
        measure_field.queryset = measures
        if measure_required:
            measure_field.required = True
            measure_field.help_text = _("The measure you are responsible for that the result belongs to.")
        if episodes:
            episode_field = self.fields["episode"]
            assert isinstance(episode_field, forms.ModelChoiceField)
            episode_field.queryset = Episode.objects.filter(
                pk__in=[episode.pk for episode in episodes]
            ).select_related("unit")
        else:
            del self.fields["episode"]
        self._items: list[dict[str, Any]] = instrument.questionnaire["item"]
        for item in self._items:
            if instrument.code == PROFILE_INSTRUMENT and item["linkId"] in PROFILE_ITEMS:
                if item["linkId"] == PROFILE_ITEMS[0]:
                    self._add_profile()
                continue
            if item["type"] == "group":
                for index in range(self._rows(item)):
                    for inner in item["item"]:
                        name = _field_name(item["linkId"], index, inner["linkId"])
                        self.fields[name] = self._answer_field(inner, in_group=True)
                self.labels[item["linkId"]] = translated(item, "text", language)
            else:
                self.fields[item["linkId"]] = self._answer_field(item, in_group=False)

    @staticmethod
    def _rows(group: dict[str, Any]) -> int:
        return int(_extension(group, MAX_OCCURS) or _extension(group, MIN_OCCURS) or 1)

    def _add_profile(self) -> None:
        self.fields[PROFILE] = forms.CharField(
            label=_("EQ-5D-5L profile"),
            required=False,
            max_length=20,
            help_text=_(
                "The five digits the person marked on the EQ-5D-5L form, each from 1 to 5, in the order "
                "mobility, self-care, usual activities, pain/discomfort, anxiety/depression (such as 21132)."
            ),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        self.fields[PROFILE].sometimes_required = True  # type: ignore[attr-defined]
        self.labels[PROFILE] = str(self.fields[PROFILE].label)

    def _answer_field(self, item: dict[str, Any], *, in_group: bool) -> forms.Field:
        answer = self._answer_field_of(item, in_group=in_group)
        # Not optional, though the form field is: the scoring function, not Django, says what is missing,
        # and an empty row of a group is left out rather than refused.
        answer.sometimes_required = bool(item.get("required"))  # type: ignore[attr-defined]
        return answer

    def _answer_field_of(self, item: dict[str, Any], *, in_group: bool) -> forms.Field:
        label = translated(item, "text", self.language)
        self.labels[item["linkId"]] = label
        if item["type"] == "choice":
            choices = [
                (
                    option["valueCoding"]["code"],
                    translated(option["valueCoding"], "display", self.language),
                )
                for option in item["answerOption"]
            ]
            if in_group:
                return forms.ChoiceField(label=label, required=False, choices=[("", "—"), *choices])
            return forms.ChoiceField(label=label, required=False, choices=choices, widget=forms.RadioSelect)
        attrs: dict[str, str] = {"autocomplete": "off"}
        help_text = ""
        if item["type"] in ("integer", "decimal"):
            attrs["inputmode"] = "numeric" if item["type"] == "integer" else "decimal"
            low, high = _extension(item, MIN_VALUE), _extension(item, MAX_VALUE)
            if low is not None and high is not None:
                help_text = _("From %(minimum)s to %(maximum)s.") % {"minimum": low, "maximum": high}
        return forms.CharField(
            label=label,
            required=False,
            max_length=200,
            help_text=help_text,
            widget=forms.TextInput(attrs=attrs),
        )

    # What the template shows, in the questionnaire's order.

    def sections(self) -> list[Section]:
        found = []
        for item in self._items:
            link_id = item["linkId"]
            if self.instrument.code == PROFILE_INSTRUMENT and link_id in PROFILE_ITEMS:
                if link_id == PROFILE_ITEMS[0]:
                    found.append(Section(PROFILE, self.labels[PROFILE], field=self[PROFILE]))
                continue
            if item["type"] != "group":
                found.append(Section(link_id, self.labels[link_id], field=self[link_id]))
                continue
            section = Section(link_id, self.labels[link_id], errors=self.group_errors.get(link_id, []))
            for index in range(self._rows(item)):
                section.rows.append(
                    Row(
                        legend=_("%(group)s, number %(number)s")
                        % {"group": self.labels[link_id], "number": index + 1},
                        fields=[self[_field_name(link_id, index, inner["linkId"])] for inner in item["item"]],
                    )
                )
            found.append(section)
        return found

    # Checking the answers with the scoring function.

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        self._answers, self._rows_used = self._collect(cleaned)
        if self.errors:
            return cleaned
        try:
            self.scores = self.instrument.score(self._answers)
        except ScoreError as error:
            self._place(error)
        return cleaned

    def _text(self, cleaned: dict[str, Any], name: str) -> str:
        return str(cleaned.get(name) or "").strip()

    def _missing(self, name: str, label: str) -> None:
        self.add_error(name, str(MISSING) % {"item": label})

    def _collect(self, cleaned: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[int]]]:
        """The answers as the scoring function reads them; every required answer left empty is marked."""
        answers: dict[str, Any] = {}
        rows_used: dict[str, list[int]] = {}
        for item in self._items:
            link_id = item["linkId"]
            if self.instrument.code == PROFILE_INSTRUMENT and link_id in PROFILE_ITEMS:
                if link_id == PROFILE_ITEMS[0]:
                    self._profile(cleaned, answers)
                continue
            if item["type"] != "group":
                value = self._text(cleaned, link_id)
                if value:
                    answers[link_id] = value
                elif item.get("required"):
                    self._missing(link_id, self.labels[link_id])
                continue
            entries = []
            rows_used[link_id] = []
            for index in range(self._rows(item)):
                names = {
                    inner["linkId"]: _field_name(link_id, index, inner["linkId"]) for inner in item["item"]
                }
                values = {inner: self._text(cleaned, name) for inner, name in names.items()}
                if not any(values.values()):
                    continue  # an empty row is not an answer
                for inner in item["item"]:
                    if inner.get("required") and not values[inner["linkId"]]:
                        self._missing(names[inner["linkId"]], self.labels[inner["linkId"]])
                entries.append({inner: value for inner, value in values.items() if value})
                rows_used[link_id].append(index)
            answers[link_id] = entries
        return answers, rows_used

    def _profile(self, cleaned: dict[str, Any], answers: dict[str, Any]) -> None:
        profile = self._text(cleaned, PROFILE)
        if not profile:
            self._missing(PROFILE, self.labels[PROFILE])
            return
        try:
            levels = eq5d_5l_profile(profile)
        except ScoreError as error:
            self.add_error(PROFILE, str(error))
            return
        answers.update(zip(PROFILE_ITEMS, levels, strict=True))

    def _place(self, error: ScoreError) -> None:
        """The scoring function's message beside the field it names, with the field's own words for it."""
        match = _IN_GROUP.match(error.item)
        if match:
            group, item = match["group"], match["item"]
            index = self._rows_used[group][int(match["index"])]
            name = _field_name(group, index, item)
        else:
            name = error.item
        if name in PROFILE_ITEMS:
            name = PROFILE
        label = self.labels.get(item if match else name, error.item)
        message = str(error.message) % {**error.params, "item": label}
        if name in self.fields:
            self.add_error(name, message)
        else:
            # A count of rows (too few activities): beside the group, and in the summary.
            self.group_errors.setdefault(name, []).append(message)
            self.add_error(None, message)

    # The answers as a FHIR R4 QuestionnaireResponse.

    def questionnaire_response(self) -> dict[str, Any]:
        assert self.is_valid()
        items = []
        for item in self._items:
            link_id = item["linkId"]
            if item["type"] == "group":
                for entry in self._answers[link_id]:
                    inner_items = [
                        self._answered(inner, entry[inner["linkId"]])
                        for inner in item["item"]
                        if inner["linkId"] in entry
                    ]
                    items.append({"linkId": link_id, "item": inner_items})
            elif link_id in self._answers:
                items.append(self._answered(item, self._answers[link_id]))
        return {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": f"Questionnaire/{self.instrument.code}",
            "status": "completed",
            "language": self.language,
            "authored": timezone.now().isoformat(),
            "item": items,
        }

    def _answered(self, item: dict[str, Any], value: Any) -> dict[str, Any]:
        kind = item["type"]
        text = str(value).strip().replace(",", ".")
        answer: dict[str, Any]
        if kind == "choice":
            option = next(o["valueCoding"] for o in item["answerOption"] if o["valueCoding"]["code"] == text)
            coding = {key: option[key] for key in ("system", "code") if key in option}
            answer = {"valueCoding": {**coding, "display": translated(option, "display", self.language)}}
        elif kind == "integer":
            answer = {"valueInteger": int(float(text))}
        elif kind == "decimal":
            answer = {"valueDecimal": float(text)}
        else:
            answer = {"valueString": str(value).strip()}
        return {"linkId": item["linkId"], "answer": [answer]}

    @property
    def administered_on_value(self) -> date:
        value = self.cleaned_data["administered_on"]
        assert isinstance(value, date)
        return value


class PortalInstrumentForm(InstrumentForm):
    """The same questions, answered by the person in the portal: today, in the context of the questionnaire
    that was sent, so no date, measure or episode to choose. What was typed before (a draft) fills the
    fields when the person comes back."""

    def __init__(
        self, data: Any = None, *, instrument: Instrument, language: str, draft: dict[str, str]
    ) -> None:
        super().__init__(
            data,
            instrument=instrument,
            language=language,
            measures=Measure.objects.none(),
            episodes=[],
            measure_required=False,
        )
        del self.fields["administered_on"]
        del self.fields["measure"]
        self.initial = {name: value for name, value in draft.items() if name in self.fields}

    def typed(self) -> dict[str, str]:
        """The answers as typed, to keep as a draft: whatever they are, valid or not."""
        return {
            name: str(self.data.get(name, "")).strip()
            for name in self.fields
            if str(self.data.get(name, "")).strip()
        }


def _sendable_choices(language: str) -> list[tuple[str, str]]:
    # Only instruments whose own words are shipped: the person must be able to read the questions.
    return [
        (found.code, found.title(language)) for found in instruments().values() if not found.licensed_text
    ]


class SendForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    due_on = forms.DateField(
        label=gettext_lazy("Answer by"),
        widget=DateInput(),
        help_text=gettext_lazy("The person is reminded once on this day if they have not answered."),
    )

    def __init__(self, data: Any = None, *, language: str) -> None:
        super().__init__(data, initial={"due_on": timezone.localdate() + timedelta(days=7)})
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ChoiceField)
        instrument.choices = _sendable_choices(language)


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    every_weeks = forms.IntegerField(
        label=gettext_lazy("Every how many weeks"),
        min_value=1,
        max_value=52,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    starts_on = forms.DateField(label=gettext_lazy("First time"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=DateInput())

    def __init__(self, data: Any = None, *, language: str) -> None:
        super().__init__(data, initial={"every_weeks": 4, "starts_on": timezone.localdate()})
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ChoiceField)
        instrument.choices = _sendable_choices(language)
