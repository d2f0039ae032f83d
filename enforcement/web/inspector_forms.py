"""Forms of the inspector's phone pages. Choices whose labels come from the state table are
filled by the view (they follow the language of the request)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    ValidationError,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)
from wtforms.widgets import CheckboxInput, ListWidget

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(FlaskForm):
    client_uuid = HiddenField()
    visited_at = HiddenField()
    lat = HiddenField()
    lon = HiddenField()
    accuracy_m = HiddenField()
    followup_id = HiddenField()
    purpose = RadioField(_l("Purpose"), validators=[InputRequired()])
    unannounced = BooleanField(_l("Unannounced"), default=True)
    inspectors = MultiCheckboxField(_l("Officers with me"))
    findings = TextAreaField(_l("Findings"), validators=[Length(max=10_000)], render_kw={"rows": 4})
    answer = RadioField(choices=YES_NO, validators=[Optional()])
    approval_ref = StringField(_l("Approval reference (quiet day)"), validators=[Length(max=80)])
    geofence_reason = StringField(_l("Why I am not at the site"), validators=[Length(max=500)])


ACTION_PARAMS = {
    "rectify": ("rectify_days",),
    "fine": ("amount_yuan", "maximum_penalty", "max_amount_yuan", "daily_penalty"),
    "stop": ("measure", "approved_by"),
    "close": (
        "illegal_discharge",
        "resumed_production",
        "government_approved_by",
        "government_approved_on",
    ),
    "control": (),
    "seal": ("seal_kind", "items", "approved_by"),
}
# What the law needs before an order is previewed (issue #15), by action: the head's approval of a
# stop (MEP Order No. 30 Art. 10) and its measure; a seal-up's items (ACL Art. 24) and approval
# (ACL Art. 18); the legal basis of every order.
LAW_REQUIRED = {"stop": ("measure", "approved_by"), "seal": ("items", "approved_by")}


class ServeForm(FlaskForm):
    client_uuid = HiddenField()
    visit_id = HiddenField()
    visit_uuid = HiddenField()
    enterprise_id = HiddenField()
    action = RadioField(_l("Action"), validators=[InputRequired()])
    served_on = DateField(_l("Served on"), validators=[DataRequired()])
    violation = TextAreaField(
        _l("Violation found"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 3}
    )
    legal_basis = StringField(_l("Legal basis"), validators=[Length(max=2000)])
    rectify_days = SelectField(
        _l("Days to rectify"),
        default="30",
        choices=[
            ("0", _l("On the spot")),
            ("7", "7"),
            ("15", "15"),
            ("30", "30"),
            ("60", "60"),
            ("90", "90"),
        ],
    )
    amount_yuan = DecimalField(
        _l("Fine (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    maximum_penalty = BooleanField(_l("This is the maximum penalty"))
    max_amount_yuan = DecimalField(
        _l("Legal maximum (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    daily_penalty = BooleanField(_l("Daily penalty applies (continuing discharge)"))
    illegal_discharge = BooleanField(_l("Illegal discharge"))
    approved_by = StringField(_l("Approved by (bureau head)"), validators=[Length(max=80)])
    measure = RadioField(
        _l("Measure"),
        choices=[
            ("limit", _l("Limit production (at most 3 months)")),
            ("stop", _l("Stop production for rectification (until lifted)")),
        ],
        validators=[Optional()],
    )
    seal_kind = SelectField(
        _l("Seal-up or seizure"),
        default="seal",
        choices=[
            ("seal", _l("Seal up")),
            ("seize", _l("Seize")),
            ("both", _l("Seal up and seize")),
        ],
    )
    items = TextAreaField(
        _l("Items sealed or seized (one per line)"),
        validators=[Length(max=20_000)],
        render_kw={"rows": 4},
    )
    resumed_production = BooleanField(_l("The firm resumed production under a stop order"))
    government_approved_by = StringField(
        _l("Closure approved by (people's government)"), validators=[Length(max=120)]
    )
    government_approved_on = DateField(_l("Approved on"), validators=[Optional()])
    confirm = HiddenField()

    #: Actions that are orders to the party: each names the law it applies (APL Arts. 44, 59).
    ORDERS = ("rectify", "stop", "close", "fine")

    def validate(self, extra_validators=None):
        """What the law needs per action is asked before the deadlines are shown: the legal
        basis of every order, and the amount of a fine."""
        ok = super().validate(extra_validators)
        if self.action.data in self.ORDERS and not (self.legal_basis.data or "").strip():
            self.legal_basis.errors = list(self.legal_basis.errors) + [
                _l("Name the legal basis: the law and article this order applies.")
            ]
            ok = False
        if (
            self.action.data == "fine"
            and not self.amount_yuan.errors
            and (self.amount_yuan.data is None or self.amount_yuan.data <= 0)
        ):
            self.amount_yuan.errors = list(self.amount_yuan.errors) + [
                _l("Give the amount of the fine, in yuan.")
            ]
            ok = False
        # Issue #15: a stop names its measure and the head who approved it (MEP Order No. 30), a
        # seal-up its items and approver (ACL Art. 24) — all said at once, before the preview.
        why = {
            "measure": _l("Choose limit production or stop production."),
            "approved_by": _l("The bureau head's approval is needed before this order is served."),
            "items": _l("List the facilities or equipment, one per line."),
        }
        for name in LAW_REQUIRED.get(self.action.data, ()):
            field = getattr(self, name)
            if not (field.data or "").strip() and not field.errors:
                field.errors = list(field.errors) + [why[name]]
                ok = False
        return ok


class PinForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    industry = SelectField(_l("Industry"))
    credit_code = StringField(_l("Credit code (optional)"), validators=[Length(max=18)])
    lat = HiddenField(validators=[DataRequired()])
    lon = HiddenField(validators=[DataRequired()])

    def validate_industry(self, field):
        # No industry is preselected: a default (the first, 小炼油) would be saved unread.
        if not field.data:
            raise ValidationError(_l("Choose the industry."))


class ExecuteForm(FlaskForm):
    """The close order's "two cuts, three clears" (两断三清), every item ticked on site."""

    client_uuid = HiddenField()
    visit_id = HiddenField()
    on = DateField(_l("Carried out on"), validators=[DataRequired()])
    water_cut = BooleanField(_l("Water cut off"))
    power_cut = BooleanField(_l("Power cut off"))
    materials_cleared = BooleanField(_l("Raw materials removed"))
    equipment_cleared = BooleanField(_l("Equipment removed"))
    products_cleared = BooleanField(_l("Products removed"))
    # Administrative Compulsion Law Art. 43: no forced execution at night or on a holiday unless urgent.
    started_at = StringField(_l("Started at (HH:MM)"), validators=[Optional(), Length(max=5)])
    urgency = TextAreaField(
        _l("Urgency reason (only at night or on a holiday)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2},
    )
