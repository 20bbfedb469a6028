"""The professionals' side of the conversation with the person and their family."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vegviser.access.policy import Action
from vegviser.accounts.models import Notification
from vegviser.core.forms import add_service_error
from vegviser.core.http import AuthenticatedRequest, posted

from .. import selectors, services
from ..forms.plan import MessageForm
from ..models import PlanMessage


@login_required
def conversation(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(user=request.user, pk=pk, action=Action.PLAN_MESSAGES, purpose="plan-messages")
    form = MessageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.send_message(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("plans:messages", pk=plan.pk)
    thread = selectors.conversation(plan)
    mark_read(request, thread)
    return render(request, "plans/messages.html", {"plan": plan, "thread": thread, "form": form})


def mark_read(request: AuthenticatedRequest, thread: list[PlanMessage]) -> None:
    """Opening the conversation reads the notices of its messages."""
    keys = [f"message:{message.pk}" for message in thread]
    Notification.objects.filter(user=request.user, key__in=keys, read_at__isnull=True).update(
        read_at=timezone.now()
    )
