"""WTForms of the bureau desk (case review, conflicts, quiet days, draws, complaints). They
check shape and CSRF only; the services own the rules and name the fields they refuse."""

from __future__ import annotations

from datetime import tzinfo
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..domain import GATE_LABELS

# "Two cuts, three clears" (两断三清) of a closure, in the engine's checklist keys.
CHECKLIST_LABELS = {
    "water_cut": _l("Water cut"),
    "power_cut": _l("Power cut"),
    "materials_cleared": _l("Raw materials cleared"),
    "equipment_cleared": _l("Equipment cleared"),
    "products_cleared": _l("Products cleared"),
}

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]

# Which inputs each desk event needs (docs/workflows.md); the rest of EventForm is not shown.
EVENT_FIELDS = {
    "verify": ("compliant", "visit_id"),
    "extend": ("months", "approved_by"),
    "execute": tuple(f"check_{k}" for k in CHECKLIST_LABELS),
    "rebound": ("visit_id",),
    "decide": ("amount_yuan", "hearing_waived", "received_on"),
    "pay": ("amount_yuan", "payment_ref"),
    "appeal": ("kind",),
    "appeal_decided": ("result", "amount_yuan"),
    "gate": ("gate", "gate_status"),
    "report_monitoring": ("period_end",),
    "declare_tax": ("period_end",),
    "renew_permit": ("permit_expires",),
    # Issue #15: closure approval by the people's government (EPL Art. 60), the filing that lifts
    # a stop measure (MEP Order No. 30 Art. 17), a seal-up's handling decision (ACL Art. 27), the
    # hearing and its notice (APL Art. 64), a forced execution's time and urgency (ACL Art. 43).
    "approve_close": ("approved_by", "approved_on"),
    "decline_close": ("note",),
    "report_completed": ("disclosure_ref",),
    "handle": ("decision",),
    "hearing": ("requested_on", "notified_on", "held_on"),
    "notify_hearing": ("hearing_on",),
    "extend_decision": ("days", "approved_by", "collective"),
    "suspend": ("suspend_reason",),
}
EVENT_FIELDS["execute"] = (*EVENT_FIELDS["execute"], "started_at", "urgency")
# Where one event type needs other inputs in one action.
ACTION_EVENT_FIELDS = {"seal": {"extend": ("days", "approved_by"), "release": ("reason",)}}
DATE_FIELDS = (
    "period_end",
    "permit_expires",
    "approved_on",
    "requested_on",
    "notified_on",
    "held_on",
    "received_on",
    "hearing_on",
)


def event_fields(action: str) -> dict:
    return {**EVENT_FIELDS, **ACTION_EVENT_FIELDS.get(action, {})}


class EventForm(FlaskForm):
    type = HiddenField(validators=[DataRequired()])
    on = DateField(_l("Date"), validators=[DataRequired()])
    compliant = SelectField(_l("Compliant"), choices=YES_NO, default="yes", validate_choice=False)
    visit_id = SelectField(_l("Visit"), choices=[], validate_choice=False)
    months = IntegerField(_l("Months of extension"), validators=[Optional(), NumberRange(1, 3)])
    approved_by = StringField(_l("Approved by"), validators=[Optional(), Length(max=80)])
    amount_yuan = DecimalField(
        _l("Amount (yuan)"), places=2, validators=[Optional(), NumberRange(min=Decimal("0.01"))]
    )
    hearing_waived = BooleanField(_l("The party waived the hearing"))
    payment_ref = StringField(_l("Payment reference"), validators=[Optional(), Length(max=60)])
    kind = SelectField(
        _l("Appeal"),
        choices=[
            ("reconsideration", _l("Administrative reconsideration")),
            ("litigation", _l("Administrative litigation")),
        ],
        validate_choice=False,
    )
    result = SelectField(
        _l("Result"),
        choices=[("upheld", _l("Upheld")), ("varied", _l("Varied")), ("revoked", _l("Revoked"))],
        validate_choice=False,
    )
    gate = SelectField(
        _l("Gate"), choices=[(k, v[1]) for k, v in GATE_LABELS.items()], validate_choice=False
    )
    gate_status = SelectField(
        _l("Gate status"),
        choices=[("ok", _l("OK")), ("missing", _l("Missing")), ("expired", _l("Expired"))],
        validate_choice=False,
    )
    period_end = DateField(_l("Period ending"), validators=[Optional()])
    days = IntegerField(
        _l("Days of extension"), validators=[Optional(), NumberRange(min=1)]
    )  # the limits are the law's: refused by the engine with the article
    approved_on = DateField(_l("Approved on"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    disclosure_ref = StringField(
        _l("Public disclosure record"), validators=[Optional(), Length(max=200)]
    )
    decision = StringField(_l("Handling decision"), validators=[Optional(), Length(max=500)])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    requested_on = DateField(_l("Hearing requested on"), validators=[Optional()])
    notified_on = DateField(_l("Party notified on"), validators=[Optional()])
    held_on = DateField(_l("Hearing held on"), validators=[Optional()])
    started_at = StringField(_l("Started at (HH:MM)"), validators=[Optional(), Length(max=5)])
    urgency = StringField(
        _l("Urgency reason (holiday or night)"), validators=[Optional(), Length(max=500)]
    )
    permit_expires = DateField(_l("New permit expires"), validators=[Optional()])
    received_on = DateField(_l("Received by the party on"), validators=[Optional()])
    hearing_on = DateField(_l("Hearing held on"), validators=[Optional()])
    collective = BooleanField(_l("Decided collectively by the bureau's heads"))
    suspend_reason = SelectField(
        _l("Reason"),
        choices=[
            ("hearing", _l("Hearing")),
            ("testing", _l("Testing or monitoring")),
            ("service", _l("Service of papers")),
            ("announcement", _l("Public announcement")),
            ("evaluation", _l("Evaluation or appraisal")),
            ("suspension", _l("Suspension of the case")),
        ],
        validate_choice=False,
    )
    check_water_cut = BooleanField(CHECKLIST_LABELS["water_cut"])
    check_power_cut = BooleanField(CHECKLIST_LABELS["power_cut"])
    check_materials_cleared = BooleanField(CHECKLIST_LABELS["materials_cleared"])
    check_equipment_cleared = BooleanField(CHECKLIST_LABELS["equipment_cleared"])
    check_products_cleared = BooleanField(CHECKLIST_LABELS["products_cleared"])

    def payload(self, action: str = "") -> dict:
        """The event as services.cases.apply_event takes it."""
        kind = self.type.data
        data = {"type": kind, "on": self.on.data}
        wanted = event_fields(action).get(kind, ())
        if "compliant" in wanted:
            data["compliant"] = self.compliant.data == "yes"
        if "visit_id" in wanted and self.visit_id.data:
            try:
                data["visit_id"] = int(self.visit_id.data)
            except (TypeError, ValueError):
                data["visit_id"] = self.visit_id.data
        if "months" in wanted:
            data["months"] = self.months.data
        if "approved_by" in wanted:
            data["approved_by"] = (self.approved_by.data or "").strip()
        if "amount_yuan" in wanted and self.amount_yuan.data is not None:
            data["amount_fen"] = int((self.amount_yuan.data * 100).to_integral_value())
        if "hearing_waived" in wanted and self.hearing_waived.data:
            data["hearing_waived"] = True
        if "payment_ref" in wanted and self.payment_ref.data:
            data["payment_ref"] = self.payment_ref.data.strip()
        if "kind" in wanted:
            data["kind"] = self.kind.data
        if "result" in wanted:
            data["result"] = self.result.data
        if "gate" in wanted:
            data["gate"], data["status"] = self.gate.data, self.gate_status.data
        if "period_end" in wanted and self.period_end.data:
            data["period_end"] = self.period_end.data
        if "permit_expires" in wanted:
            data["permit_expires"] = self.permit_expires.data
        if "days" in wanted:
            data["days"] = self.days.data
        for name in ("approved_on", "requested_on", "notified_on", "held_on", "received_on"):
            if name in wanted and getattr(self, name).data:
                data[name] = getattr(self, name).data
        for name in ("note", "disclosure_ref", "decision", "reason", "started_at", "urgency"):
            if name in wanted and (getattr(self, name).data or "").strip():
                data[name] = getattr(self, name).data.strip()
        if "hearing_on" in wanted:
            data["hearing_on"] = self.hearing_on.data
        if "collective" in wanted and self.collective.data:
            data["collective"] = True
        if "suspend_reason" in wanted:
            data["reason"] = self.suspend_reason.data
        if kind == "execute":
            data["checklist"] = {
                k: bool(getattr(self, f"check_{k}").data) for k in CHECKLIST_LABELS
            }
        return data


# Service field names -> the form input that shows the message.
SERVICE_FIELD = {"amount_fen": "amount_yuan", "status": "gate_status", "on": "on"}


class ResponsibilityForm(FlaskForm):
    lead = StringField(_l("Lead (牵头领导)"), validators=[Optional(), Length(max=80)])
    host_unit = StringField(_l("Host unit"), validators=[Optional(), Length(max=120)])
    co_units = StringField(
        _l("Co-units (comma-separated)"), validators=[Optional(), Length(max=2000)]
    )
    responsible_person = StringField(
        _l("Responsible person"), validators=[Optional(), Length(max=80)]
    )
    responsibility_due = DateField(_l("Answer by"), validators=[Optional()])


class CsrfOnlyForm(FlaskForm):
    """For forms whose inputs are read by name (one select per follow-up)."""


class AcceptForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class DiscardForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class QuietDayForm(FlaskForm):
    on = DateField(_l("Date"), validators=[DataRequired()])
    township = SelectField(_l("Where"), choices=[], validate_choice=False)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=120)])


class PublishSeedForm(FlaskForm):
    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=20)])
    seed = StringField(_l("Seed"), validators=[DataRequired(), Length(max=80)])


class DrawForm(FlaskForm):
    period = StringField(_l("Period"), validators=[DataRequired(), Length(max=20)])
    seed = StringField(_l("Seed (as published)"), validators=[DataRequired(), Length(max=80)])
    township = SelectField(_l("Township or park"), choices=[], validate_choice=False)
    quota_A = IntegerField(
        _l("Class A (key)"), default=0, validators=[Optional(), NumberRange(0, 10000)]
    )
    quota_B = IntegerField(_l("Class B"), default=0, validators=[Optional(), NumberRange(0, 10000)])
    quota_C = IntegerField(_l("Class C"), default=0, validators=[Optional(), NumberRange(0, 10000)])


class ComplaintForm(FlaskForm):
    client_uuid = HiddenField()
    channel = SelectField(_l("Channel"), choices=[])
    category = SelectField(_l("Category"), choices=[])
    text = TextAreaField(_l("What was reported"), validators=[DataRequired(), Length(max=4000)])
    received_at = DateTimeLocalField(
        _l("Received (if not now)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    lat = DecimalField(_l("Latitude"), places=6, validators=[Optional(), NumberRange(-90, 90)])
    lon = DecimalField(_l("Longitude"), places=6, validators=[Optional(), NumberRange(-180, 180)])
    enterprise_id = IntegerField(
        _l("Enterprise number (optional)"),
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
    )

    def payload(self, tz: tzinfo) -> dict:
        """The complaint as services.complaints.record_complaint takes it. A letter or a call
        taken earlier is dated when it was received (the clocks start then), in bureau time."""
        data = {
            "client_uuid": self.client_uuid.data or None,
            "channel": self.channel.data,
            "category": self.category.data,
            "text": self.text.data,
            "address": (self.address.data or "").strip(),
            "enterprise_id": self.enterprise_id.data,
        }
        if self.lat.data is not None:
            data["lat"] = float(self.lat.data)
        if self.lon.data is not None:
            data["lon"] = float(self.lon.data)
        if self.received_at.data is not None:
            data["received_at"] = self.received_at.data.replace(tzinfo=tz)
        return data


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Inspector"), choices=[], validate_choice=False)


CHANNEL_LABELS = {
    "hotline": _l("12369 hotline"),
    "mailbox": _l("Mailbox"),
    "online": _l("Online"),
    "walk_in": _l("Walk-in"),
}
CATEGORY_LABELS = {
    "air": _l("Air"),
    "water": _l("Water"),
    "noise": _l("Noise"),
    "waste": _l("Solid waste"),
    "odour": _l("Odour"),
    "other": _l("Other"),
}
COMPLAINT_STATUS_LABELS = {
    "new": _l("New"),
    "triaged": _l("Assigned"),
    "visited": _l("Visited"),
    "answered": _l("Answered"),
}
SEVERITY_LABELS = {
    "escalated": _l("Escalated"),
    "overdue": _l("Overdue"),
    "open": _l("Open"),
    "watch": _l("Under watch"),
    "clean": _l("Clean / no open case"),
}
