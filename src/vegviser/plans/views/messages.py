"""The professionals' side of the conversation with the person and their family."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from vegviser.access.policy import Action
from vegviser.accounts.http import AuthenticatedRequest
from vegviser.audit.models import ReadPurpose
from vegviser.core.forms import add_service_error
from vegviser.core.http import posted
from vegviser.core.once import submitted_once

from .. import notices, selectors, services
from ..forms.plan import MessageForm


@login_required
@submitted_once
def conversation(request: AuthenticatedRequest, pk: uuid.UUID) -> HttpResponse:
    plan = selectors.get_plan(
        user=request.user, pk=pk, action=Action.PLAN_MESSAGES, purpose=ReadPurpose.PLAN_MESSAGES
    )
    form = MessageForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.send_message(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("plans:messages", pk=plan.pk)
    thread = selectors.conversation(user=request.user, plan=plan)
    notices.mark_read(user=request.user, url=reverse("plans:messages", kwargs={"pk": plan.pk}))
    return render(request, "plans/messages.html", {"plan": plan, "thread": thread, "form": form})
