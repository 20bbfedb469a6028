"""Who changed what (AuditRecord) and who read whose data (AccessRecord).

Both keep a text snapshot of the actor, so a record still says who acted after the user is deleted.
Neither is ever updated or deleted by the application.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    EXPORT = "export", _("Export")
    PRINT = "print", _("Print")


class ReadPurpose(models.TextChoices):
    """What a read of a person's data was for: each page or export that reads one logs it with its purpose."""

    REGISTRY = "registry", _("Person page")
    REGISTRY_EDIT = "registry-edit", _("Editing the person")
    SEARCH = "search", _("Search in the person registry")
    NEED_REPORT = "need-report", _("Report of need")
    NEED_REPORT_QUEUE = "need-report-queue", _("The coordinating unit's queue")
    CONSENT = "consent", _("Consent")
    CONSENT_EVIDENCE = "consent-evidence", _("Signed consent")
    COORDINATOR = "coordinator", _("Appointing a coordinator")
    AUDIT_SEARCH = "audit-search", _("Log search")
    OWN_DATA = "own-data", _("The person's own copy")
    PLAN = "plan", _("Individual plan")
    PLAN_PRINT = "plan-print", _("The plan printed or as PDF")
    PLAN_TIMELINE = "plan-timeline", _("Who does what by when")
    MY_PLANS = "my-plans", _("A professional's list of plans")
    RECORD_NOTICE = "record-notice", _("Notice for the patient record")
    PLAN_OVERVIEW = "plan-overview", _("The coordinating unit's overview")
    MEETING = "meeting", _("Meeting of the responsibility group")
    MEETING_INVITATION = "meeting-invitation", _("Meeting invitation")
    PLAN_EVALUATION = "plan-evaluation", _("Evaluation of the plan")
    PLAN_VERSIONS = "plan-versions", _("Versions of the plan")
    PLAN_VERSION = "plan-version", _("A version of the plan")
    PLAN_VERSION_COMPARE = "plan-version-compare", _("Versions of the plan compared")
    PLAN_ACCESS_LOG = "plan-access-log", _("Who has seen the plan")
    EMERGENCY_REVIEW = "emergency-review", _("Review of emergency access")
    PLAN_MESSAGES = "plan-messages", _("Messages about the plan")
    PORTAL = "portal", _("The person's own page")
    PORTAL_PLAN = "portal-plan", _("The plan on the person's own page")
    PORTAL_CONSENT = "portal-consent", _("Consents on the person's own page")
    PORTAL_MESSAGES = "portal-messages", _("Messages on the person's own page")
    REFERRAL = "referral", _("Referral")
    REFERRAL_WORK_LIST = "referral-work-list", _("The unit's referrals")
    REFERRAL_ATTACHMENT = "referral-attachment", _("Attachment to a referral")
    REFERRAL_WAITING_LIST = "referral-waiting-list", _("The unit's waiting list")
    BREACH_LETTER = "breach-letter", _("Letter on a breach of the deadline")
    EPISODE = "episode", _("Episode of care")
    EPISODE_LIST = "episode-list", _("The unit's episodes of care")
    DISCHARGE_SUMMARY = "discharge-summary", _("Discharge summary")
    PLAN_STATUS_FOR_SPECIALIST = (
        "plan-status-specialist",
        _("Whether there is a plan, for the specialist service"),
    )
    TRUST_OVERVIEW = "trust-overview", _("The health trust's coordinating unit's overview")
    ASSESSMENT_RECORD = "assessment-record", _("Recording an instrument")
    ASSESSMENT_RESULTS = "assessment-results", _("Results of instruments")
    QUESTIONNAIRE_SEND = "questionnaire-send", _("Sending a questionnaire to the portal")
    PORTAL_QUESTIONNAIRE = "portal-questionnaire", _("Questionnaires in the portal")
    FOLLOW_UP = "follow-up", _("The follow-up list")
    # Reads by another system through the FHIR API, for the user who signed in to it.
    API_READ = "api-read", _("Read through the FHIR API")
    API_SEARCH = "api-search", _("Search through the FHIR API")


class LoginMethod(models.TextChoices):
    """How the reader logged in, as the access record keeps it: the way in, and the level where it has one."""

    PASSWORD = "password", _("user name and password")
    IDPORTEN_HIGH = "idporten-loa-high", _("ID-porten, level high")
    IDPORTEN_SUBSTANTIAL = "idporten-loa-substantial", _("ID-porten, level substantial")
    HELSEID_4 = "helseid-4", _("HelseID, security level 4")
    HELSEID_3 = "helseid-3", _("HelseID, security level 3")


class AuditAction(models.TextChoices):
    """What a change did: each service records its changes with one of these."""

    PERSON_CREATE = "person.create", _("Person registered")
    PERSON_UPDATE = "person.update", _("Person changed")
    RELATION_CREATE = "relation.create", _("Relative added")
    RELATION_END = "relation.end", _("Relation ended")
    NEED_REPORT_CREATE = "need_report.create", _("Need reported")
    NEED_REPORT_ASSIGN = "need_report.assign", _("Report assigned")
    NEED_REPORT_DECIDE = "need_report.decide", _("Decision made")
    NEED_REPORT_CLOSE = "need_report.close", _("Report closed")
    NEED_REPORT_INTERIM_REPLY = "need_report.interim_reply", _("Interim reply sent")
    CONSENT_RECORD = "consent.record", _("Consent recorded")
    CONSENT_WITHDRAW = "consent.withdraw", _("Consent withdrawn")
    COORDINATOR_APPOINT = "coordinator.appoint", _("Coordinator appointed")
    COORDINATOR_END = "coordinator.end", _("Coordinator ended")
    PLAN_CREATE = "plan.create", _("Plan started")
    PLAN_UPDATE = "plan.update", _("Plan changed")
    PLAN_ACTIVE = "plan.active", _("Plan made active")
    PLAN_PAUSED = "plan.paused", _("Plan paused")
    PLAN_CLOSED = "plan.closed", _("Plan closed")
    PLAN_VERSION = "plan.version", _("Version of the plan saved")
    PLAN_PARTICIPANT_ADD = "plan.participant.add", _("Participant added")
    PLAN_PARTICIPANT_UPDATE = "plan.participant.update", _("Participant changed")
    PLAN_PARTICIPANT_END = "plan.participant.end", _("Participation ended")
    PLAN_GOAL_ADD = "plan.goal.add", _("Goal added")
    PLAN_GOAL_UPDATE = "plan.goal.update", _("Goal changed")
    PLAN_MEASURE_ADD = "plan.measure.add", _("Measure added")
    PLAN_MEASURE_UPDATE = "plan.measure.update", _("Measure changed")
    PLAN_MEASURE_GOALS = "plan.measure.goals", _("Goals of a measure changed")
    PLAN_SUBPLAN_LINK = "plan.subplan.link", _("Plan linked")
    PLAN_SUBPLAN_UNLINK = "plan.subplan.unlink", _("Linked plan removed")
    PLAN_NOTE_ADD = "plan.note.add", _("Note written in the plan log")
    PLAN_MEETING_SCHEDULE = "plan.meeting.schedule", _("Meeting scheduled")
    PLAN_MEETING_UPDATE = "plan.meeting.update", _("Meeting changed")
    PLAN_MEETING_APPROVE_MINUTES = "plan.meeting.approve_minutes", _("Minutes approved")
    PLAN_MEETING_CANCEL = "plan.meeting.cancel", _("Meeting cancelled")
    PLAN_MEETING_DECISION = "plan.meeting.decision", _("Decision recorded")
    PLAN_EVALUATE = "plan.evaluate", _("Plan evaluated")
    EMERGENCY_OPEN = "emergency.open", _("Emergency access opened")
    EMERGENCY_REVIEW = "emergency.review", _("Emergency access reviewed")
    CONSENT_RENEW = "consent.renew", _("Consent given again")
    CONSENT_WITHDRAW_ORGANISATION = (
        "consent.withdraw_organisation",
        _("Consent withdrawn for one organisation"),
    )
    NEED_REPORT_ASK_FOR_HELP = "need_report.ask_for_help", _("Help asked for on the person's own page")
    PLAN_WHAT_MATTERS_UPDATE = "plan.what_matters.update", _("What matters changed by the person")
    PLAN_GOAL_PROPOSE = "plan.goal.propose", _("Goal proposed by the person")
    PLAN_GOAL_UPDATE_OWN = "plan.goal.update_own", _("Goal changed by the person")
    PLAN_GOAL_RATE = "plan.goal.rate", _("Progress rated by the person")
    PLAN_MESSAGE_SEND = "plan.message.send", _("Message sent")
    PLAN_AGREE = "plan.agree", _("Plan confirmed as read and agreed to")
    MEMBERSHIP_CREATE = "membership.create", _("Role given")
    MEMBERSHIP_END = "membership.end", _("Role ended")
    ORGANISATION_CREATE = "organisation.create", _("Organisation registered")
    ORGANISATION_UPDATE = "organisation.update", _("Organisation changed")
    USER_CREATE = "user.create", _("User created")
    USER_UPDATE = "user.update", _("User changed")
    USER_TWO_FACTOR_ENABLE = "user.two_factor_enable", _("Two-factor sign-in turned on")
    USER_TWO_FACTOR_ADD = "user.two_factor.add", _("Authenticator app added")
    USER_LANGUAGE = "user.language", _("Language chosen")
    REFERRAL_REGISTER = "referral.register", _("Referral registered")
    REFERRAL_ASK_REFERRER = "referral.ask_referrer", _("More asked of the referrer")
    REFERRAL_REFERRER_ANSWERED = "referral.referrer_answered", _("The referrer answered")
    REFERRAL_ATTACHMENT_ADD = "referral.attachment.add", _("Attachment added to a referral")
    REFERRAL_ASSESS = "referral.assess", _("Referral assessed")
    WAIT_HELFO_NOTIFIED = "wait.helfo_notified", _("Helfo notified of a breach of the deadline")
    WAIT_BREACH_LETTER_SENT = "wait.breach_letter_sent", _("Letter on a breach of the deadline sent")
    WAIT_APPOINTMENT = "wait.appointment", _("Appointment set")
    WAIT_POSTPONED = "wait.postponed", _("Postponed at the person's wish")
    WAIT_ENDED = "wait.ended", _("Wait ended")
    OWN_COPY_REQUEST = "own_copy.request", _("Copy of all own data asked for")
    EPISODE_START = "episode.start", _("Episode of care started")
    EPISODE_UPDATE = "episode.update", _("Episode of care changed")
    EPISODE_DISCHARGE = "episode.discharge", _("Discharged")
    EPISODE_HANDOVER = "episode.handover", _("Need reported to the municipality at discharge")
    PLAN_JOIN_ASK = "plan.join.ask", _("Asked to take part in the plan")
    PLAN_JOIN_ACCEPT = "plan.join.accept", _("Request to take part accepted")
    PLAN_JOIN_DECLINE = "plan.join.decline", _("Request to take part declined")
    AGREEMENT_REGISTER = "agreement.register", _("Collaboration agreement registered")
    AGREEMENT_UPDATE = "agreement.update", _("Collaboration agreement changed")
    ASSESSMENT_RECORD = "assessment.record", _("Instrument recorded")
    QUESTIONNAIRE_SEND = "questionnaire.send", _("Questionnaire sent to the portal")
    QUESTIONNAIRE_DRAFT = "questionnaire.draft", _("Questionnaire answers saved to continue later")
    QUESTIONNAIRE_CLOSE = "questionnaire.close", _("Questionnaire closed by a newer one")
    SCHEDULE_SET = "schedule.set", _("Questionnaire schedule set")
    SCHEDULE_STOP = "schedule.stop", _("Questionnaire schedule stopped")


def label_of(choices: type[models.TextChoices], code: str) -> str:
    """The code's words in the reader's language; a code no longer in use (an old record's) as it is."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


class AuditRecord(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=200)
    actor_role = models.CharField(_("actor role"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    person_id = models.UUIDField(_("person"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"


class AccessRecord(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=200)
    actor_role = models.CharField(_("actor role"), max_length=200, blank=True)
    actor_organisation = models.CharField(_("actor organisation"), max_length=200, blank=True)
    person_id = models.UUIDField(_("person"), db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    purpose = models.CharField(_("purpose"), max_length=64, choices=ReadPurpose.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # The registered application that read through the API on the actor's behalf, by its name: the person sees
    # which system looked, not only who signed in to it.
    client = models.CharField(_("client"), max_length=255, blank=True)
    # How the reader logged in (blank for reads through the API and by the system, and in records from before
    # it was kept): the person sees whether a password or an eID opened their data.
    login_method = models.CharField(_("login method"), max_length=32, choices=LoginMethod.choices, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person_id", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.purpose} {self.object_type}"


class RefusalRecord(models.Model):
    """A request the access policy refused: who asked for what, and when. Someone trying the ids of objects
    they may not see leaves these behind for the privacy officer's review (audit.selectors). The object is
    kept by type and id, and the person it concerns by id, never by identity number."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=200)
    actor_role = models.CharField(_("actor role"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    person_id = models.UUIDField(_("person"), null=True, blank=True, db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("refused request")
        verbose_name_plural = _("refused requests")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"
