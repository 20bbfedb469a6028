"""Meetings of the responsibility group: scheduling, editing with the minutes, and decisions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from vegviser.accounts.models import User
from vegviser.core.forms import DateTimeLocalInput, VersionedForm

from ..models import MESSAGE_LIMIT, Goal, IndividualPlan, Measure, Meeting, MeetingMessage, PlanParticipant
from ..services import MEETING_FIELDS


class MeetingForm(VersionedForm):
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited"),
        queryset=PlanParticipant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = [*MEETING_FIELDS, "invited"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "place": _("For example the room and the address."),
            "video_link": _("If some or all take part by video."),
        }

    def __init__(self, *args: Any, plan: IndividualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invited = cast(forms.ModelMultipleChoiceField, self.fields["invited"])
        # Someone invited before they left the plan stays ticked: saving must not quietly uninvite them.
        # A new meeting has its key before it is saved: whether it is new is told by its state.
        adding = self.instance._state.adding
        current = Q(active=True)
        if not adding:
            current |= Q(pk__in=self.instance.invited.values("pk"))
        participants: QuerySet[PlanParticipant] = plan.participants.filter(current).order_by("kind", "name")
        invited.queryset = participants
        if not adding:
            invited.initial = list(self.instance.invited.all())
        else:
            # The whole responsibility group is usually invited; the coordinator unticks who is not. Set on
            # the form: a model form's own initial (no one invited yet) would hide the field's.
            self.initial["invited"] = [p for p in participants if p.active]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if (
            not (data.get("place") or "").strip()
            and not data.get("video_link")
            and "video_link" not in self.errors
        ):
            self.add_error("place", _("Give a place or a video link."))
        return data


class MeetingEditForm(MeetingForm):
    """Also the minutes. Once approved they are shown but cannot be changed."""

    class Meta(MeetingForm.Meta):
        fields = [*MEETING_FIELDS, "invited", "minutes"]
        widgets = {**MeetingForm.Meta.widgets, "minutes": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            **MeetingForm.Meta.help_texts,
            "minutes": _("Approved by the coordinator after the meeting; after that they cannot be changed."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.minutes_approved_at is not None:
            minutes = self.fields["minutes"]
            minutes.disabled = True
            minutes.help_text = _("The minutes are approved and can no longer be changed.")


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it concerns"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.ModelMultipleChoiceField(
        label=_("Measures it concerns"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, plan: IndividualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goals = cast(forms.ModelMultipleChoiceField, self.fields["goals"])
        goals.queryset = plan.goals.order_by("position", "created_at")
        goals.label_from_instance = lambda goal: goal.text  # type: ignore[method-assign,assignment]
        measures = cast(forms.ModelMultipleChoiceField, self.fields["measures"])
        measures.queryset = plan.measures.order_by("starts_on", "created_at")
        measures.label_from_instance = lambda measure: measure.title  # type: ignore[method-assign,assignment]


class AnswerForm(forms.Form):
    """The coordinator's answer to an invitee who wrote about the meeting."""

    invitee = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Answer"),
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a message before sending it.")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invitee = cast(forms.ModelChoiceField, self.fields["invitee"])
        # Only someone who wrote about this meeting is answered here.
        invitee.queryset = User.objects.filter(
            pk__in=MeetingMessage.objects.filter(meeting=meeting, author=F("invitee")).values("invitee")
        )
