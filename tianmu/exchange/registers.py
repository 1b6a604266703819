"""The registers that can be imported, by the name the API and the command use (`villages`,
`organizations`, `placements` …): each resource's own form and save service, plus the sheets
that are not one resource's rows — a village's yearly income as the 三资 ledgers keep it, a
workshop's payroll, a bank's repayment statement, chamber and alliance memberships.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tianmu.alliances.forms import AllianceMemberForm
from tianmu.alliances.models import Alliance, AllianceMember, Program
from tianmu.alliances.resources import ALLIANCES, PAIRINGS, PROGRAMS
from tianmu.alliances.services import member_add
from tianmu.commerce.forms import OrderLineForm, PurchaseOrderForm
from tianmu.commerce.models import Payment, PurchaseOrder
from tianmu.commerce.resources import AGREEMENTS, PRODUCTS
from tianmu.commerce.services import LineInput, order_place, payment_report
from tianmu.core.bulk import bulk_create_logged, bulk_update_logged
from tianmu.core.crypto import keyed_hash
from tianmu.core.forms import ScopedModelForm
from tianmu.core.imports import LOOKUPS, TRANSFORMS, Importer, Outcome, RowError, form_errors
from tianmu.core.models import snapshot
from tianmu.core.periods import term_q
from tianmu.core.scoping import editable_by, visible_to
from tianmu.core.services import object_save
from tianmu.employment.models import (
    MonthlyEarning,
    Person,
    Placement,
    Workshop,
    normalize_id_number,
    validate_id_number,
)
from tianmu.employment.resources import PEOPLE, PLACEMENTS, POSITIONS, WORKSHOPS
from tianmu.employment.services import earning_record
from tianmu.events.resources import EVENTS
from tianmu.loans.models import Loan, Repayment
from tianmu.loans.resources import CREDIT_LINES, LOAN_PRODUCTS, LOANS
from tianmu.loans.services import repayment_record
from tianmu.projects.resources import PROJECTS
from tianmu.registry.forms import ChamberMembershipForm
from tianmu.registry.models import ChamberMembership, VillageIncome
from tianmu.registry.resources import AREAS, ORGANIZATIONS, VILLAGE_INCOMES, VILLAGES

#: A person is named in a sheet by their resident ID number (matched through its keyed hash,
#: never decrypted) or, failing that, by their name.
LOOKUPS["employment.person"] = ("id_number_hash", "name")
LOOKUPS["alliances.alliance"] = ("name",)
LOOKUPS["alliances.program"] = ("name",)
LOOKUPS["employment.position"] = ("title",)


def _person_key(value: str) -> str:
    return keyed_hash(normalize_id_number(value))


TRANSFORMS["id_number_hash"] = _person_key


# --- Village income, the 三资 shape ---------------------------------------------------------


class VillageIncomeImportForm(ScopedModelForm):
    """One village's income for one year: 区划代码, 村名, 年份, 总收入, 经营性收入."""

    scoped_fields = {"village": "editable"}
    village_name = forms.CharField(label=_("village name"), required=False)

    class Meta:
        model = VillageIncome
        fields = ["village", "village_name", "year", "amount_yuan", "operating_yuan"]
        labels = {"village": _("division code")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("area")

    def clean(self):
        data = super().clean()
        village, name = data.get("village"), (data.get("village_name") or "").strip()
        if village is not None and name and name != village.area.name:
            self.add_error(
                "village_name",
                _("The division code is %(name)s's, not %(given)s's.")
                % {"name": village.area.name, "given": name},
            )
        total, operating = data.get("amount_yuan"), data.get("operating_yuan")
        if total is not None and operating is not None and operating > total:
            self.add_error("operating_yuan", _("Operating income cannot exceed the total."))
        return data


def _income_find(user, data):
    if not data.get("village") or not data.get("year"):
        return None
    return VillageIncome.objects.filter(village_id=data["village"], year=data["year"]).first()


# --- Payroll: one row per person and month --------------------------------------------------


class PayrollForm(forms.Form):
    """A workshop's payroll line: who (ID number), where (workshop), which month, how much."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    workshop = forms.ModelChoiceField(label=_("workshop"), queryset=Workshop.objects.all())
    month = forms.DateField(label=_("month"))
    amount_yuan = forms.DecimalField(
        label=_("earnings (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["workshop"].queryset = visible_to(user, Workshop.objects.all())
        self.existing = None
        self.placement = None

    def clean(self):
        data = super().clean()
        id_number, workshop, month = (
            data.get("id_number"),
            data.get("workshop"),
            data.get("month"),
        )
        if not (id_number and workshop and month):
            return data
        month = month.replace(day=1)
        data["month"] = month
        person = (
            visible_to(self.user, Person.objects.all())
            .filter(id_number_hash=_person_key(id_number))
            .first()
        )
        if person is None:
            self.add_error("id_number", _("No person with this ID number that you may see."))
            return data
        placement = (
            editable_by(self.user, Placement.objects.all())
            .filter(term_q(month, _month_end(month)), person=person, position__workshop=workshop)
            .order_by("-start")
            .first()
        )
        if placement is None:
            self.add_error(
                "workshop",
                _("%(person)s has no placement in this workshop in %(month)s.")
                % {"person": person.name, "month": month.strftime("%Y-%m")},
            )
            return data
        self.placement = placement
        self.existing = MonthlyEarning.objects.filter(placement=placement, month=month).first()
        return data

    def is_unchanged(self) -> bool:
        return (
            self.existing is not None
            and self.existing.amount_yuan == self.cleaned_data["amount_yuan"]
        )


def _month_end(month):
    import calendar

    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _payroll_save(*, user, form):
    return earning_record(
        user=user,
        placement=form.placement,
        month=form.cleaned_data["month"],
        amount_yuan=form.cleaned_data["amount_yuan"],
    )


def payroll_batch(user, rows: list, out: Outcome) -> None:
    """A payroll checked and written at once: the same rules as `PayrollForm` and
    `earning_record` (a person the user may see, their placement in the workshop that month,
    which the user may change; an amount of at least 0; an open month), read with one query
    per table rather than per row, and written with the change log in bulk."""
    people: dict[str, int] = {}
    hashes = {}
    checked: dict[str, tuple[str, str]] = {}  # number → (its hash, or "" and the problem)
    for row_no, data, shown in rows:
        number = normalize_id_number(data.get("id_number", ""))
        if number not in checked:  # a payroll names each person once a month: check once
            try:
                validate_id_number(number)
                checked[number] = (_person_key(number), "")
            except ValidationError as exc:
                checked[number] = ("", exc.messages[0])
        digest, problem = checked[number]
        if problem:
            _fail(out, row_no, shown, "id_number", problem)
            continue
        hashes[row_no] = digest
    visible = visible_to(user, Person.objects.all())
    for chunk in _chunks(sorted(set(hashes.values()))):
        people.update(visible.filter(id_number_hash__in=chunk).values_list("id_number_hash", "pk"))
    placements: dict[tuple[int, int], list[dict]] = {}
    mine = editable_by(user, Placement.objects.all())
    for chunk in _chunks(sorted(set(people.values()))):
        for p in mine.filter(person_id__in=chunk).values(
            "pk", "person_id", "position__workshop_id", "start", "end", "person__name"
        ):
            placements.setdefault((p["person_id"], p["position__workshop_id"]), []).append(p)
    wanted: list[tuple[int, dict, dict, datetime.date, Decimal]] = []
    for row_no, data, shown in rows:
        if row_no not in hashes:
            continue
        person = people.get(hashes[row_no])
        if person is None:
            message = _("No person with this ID number that you may see.")
            _fail(out, row_no, shown, "id_number", message)
            continue
        month = datetime.date.fromisoformat(data["month"]).replace(day=1)
        try:
            amount = Decimal(data["amount_yuan"]).quantize(Decimal("0.01"))
        except (InvalidOperation, KeyError):
            _fail(out, row_no, shown, "amount_yuan", _("Give the amount."))
            continue
        if amount < 0 or amount >= Decimal("1e12"):
            _fail(out, row_no, shown, "amount_yuan", _("Enter an amount of at least 0."))
            continue
        end = _month_end(month)
        options = [
            p for p in placements.get((person, int(data["workshop"])), [])
            if p["start"] <= end and (p["end"] is None or p["end"] >= month)
        ]  # fmt: skip
        if not options:
            message = _("The person has no placement in this workshop in %(month)s.")
            _fail(out, row_no, shown, "workshop", message % {"month": f"{month:%Y-%m}"})
            continue
        wanted.append((row_no, max(options, key=lambda p: p["start"]), shown, month, amount))
    existing: dict[tuple[int, datetime.date], MonthlyEarning] = {}
    chosen: dict[int, Placement] = {}  # with their people: the change log names each record
    for chunk in _chunks(sorted({p["pk"] for _r, p, _s, _m, _a in wanted})):
        chosen.update(Placement.objects.select_related("person").in_bulk(chunk))
        for e in MonthlyEarning.objects.filter(placement_id__in=chunk):
            e.placement = chosen[e.placement_id]
            existing[(e.placement_id, e.month)] = e
    new, changed, before, seen = [], [], {}, {}
    for row_no, p, shown, month, amount in wanted:
        key = (p["pk"], month)
        if key in seen:
            message = _("The same record is already in row %(row)s.")
            _fail(out, row_no, shown, "month", message % {"row": seen[key]})
            continue
        seen[key] = row_no
        what = f"{p['person__name']} · {month:%Y-%m} · {amount}"
        earning = existing.get(key)
        if earning is None:
            new.append(MonthlyEarning(placement=chosen[p["pk"]], month=month, amount_yuan=amount))
            out.created += 1
            out.actions.append((row_no, "created", what))
        elif earning.amount_yuan != amount:
            before[earning.pk] = snapshot(earning)
            earning.amount_yuan = amount
            changed.append(earning)
            out.updated += 1
            out.actions.append((row_no, "updated", what))
        else:
            out.unchanged += 1
            out.actions.append((row_no, "unchanged", what))
    if out.errors:
        return
    try:
        bulk_create_logged(MonthlyEarning, new)
        bulk_update_logged(MonthlyEarning, changed, ["amount_yuan"], before)
    except ValidationError as exc:  # a locked month
        out.errors.append(RowError(0, "", exc.messages[0]))


def _fail(out: Outcome, row_no: int, shown: dict, name: str, message: str) -> None:
    """Refuse a row for one message on field `name`'s column as the sheet heads it."""
    out.fail(row_no, [RowError(row_no, shown.get(name, name), str(message))])


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- A bank's repayment statement -----------------------------------------------------------


class StatementLineForm(forms.Form):
    """A line of a statement against a record the user may change (a loan, an order): its
    `parent` field, date, amount and note. The same line (parent, date, amount) recorded
    before is the same payment: unchanged, never a second one."""

    parent_model: type = None  # set by each statement
    parent_name = "parent"
    lines = "payments"

    date = forms.DateField(label=_("date"))
    amount_yuan = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.parent_name]
        field.queryset = editable_by(user, self.parent_model.objects.all())
        self.existing = None

    def clean(self):
        data = super().clean()
        parent = data.get(self.parent_name)
        if parent and data.get("date") and data.get("amount_yuan") is not None:
            self.existing = (
                getattr(parent, self.lines)
                .filter(date=data["date"], amount_yuan=data["amount_yuan"])
                .first()
            )
        return data

    def is_unchanged(self) -> bool:
        return self.existing is not None


class RepaymentImportForm(StatementLineForm):
    parent_model, parent_name, lines = Loan, "loan", "repayments"
    loan = forms.ModelChoiceField(label=_("loan"), queryset=Loan.objects.none())
    is_prepayment = forms.BooleanField(label=_("prepayment"), required=False)
    field_order = ["loan", "date", "amount_yuan", "is_prepayment", "note"]


def _repayment_save(*, user, form):
    data = form.cleaned_data
    return repayment_record(
        user=user,
        loan=data["loan"],
        amount_yuan=data["amount_yuan"],
        date=data["date"],
        is_prepayment=data.get("is_prepayment") or False,
        note=data.get("note") or "",
    )


# --- Orders with their lines, and payments -----------------------------------------------------


class OrderRowForm(forms.Form):
    """One line of a 共富购 order, with its order's columns (the sheet repeats them on every
    line; lines with the same enterprise, village, date and purpose make one order). Only
    the columns: `orders_batch` checks the order with the page's order form and each line with
    its line form."""

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(PurchaseOrderForm(user=user).fields)
        self.fields.update(OrderLineForm(user=user).fields)


ORDER_FIELDS = ("enterprise", "village", "agreement", "project", "purpose", "placed_on", "note")
LINE_FIELDS = ("product", "product_name", "unit", "quantity", "unit_price")


def orders_batch(user, rows: list, out: Outcome) -> None:
    """Group the lines into orders, check each order and line with the pages' forms, and place
    the new orders with `order_place`. An order already recorded (same enterprise, village,
    date and purpose) with the same lines is unchanged; with other lines it is refused — a
    placed order changes on its page, where its deliveries and payments are."""
    groups: dict[tuple, list] = {}
    for row_no, data, shown in rows:
        key = tuple(data.get(k) for k in ("enterprise", "village", "placed_on", "purpose"))
        groups.setdefault(key, []).append((row_no, data, shown))
    for lines in groups.values():
        first_row, first, shown = lines[0]
        order_form = PurchaseOrderForm(data={k: first.get(k, "") for k in ORDER_FIELDS}, user=user)
        problems = [] if order_form.is_valid() else form_errors(first_row, order_form, shown)
        line_inputs = []
        for row_no, data, line_shown in lines:
            line_form = OrderLineForm(data={k: data.get(k, "") for k in LINE_FIELDS}, user=user)
            if not line_form.is_valid():
                problems += form_errors(row_no, line_form, line_shown)
                continue
            c = line_form.cleaned_data
            line_inputs.append(
                LineInput(
                    quantity=c["quantity"],
                    product=c.get("product"),
                    product_name=c.get("product_name") or "",
                    unit=c.get("unit") or "",
                    unit_price=c.get("unit_price"),
                )  # fmt: skip
            )
        if problems:
            for e in problems:
                out.fail(e.row, [e])
            continue
        order = order_form.instance
        what = f"{order.enterprise} · {order.village} · {order.placed_on} · {len(line_inputs)}"
        existing = PurchaseOrder.objects.filter(
            enterprise=order.enterprise, village=order.village, placed_on=order.placed_on,
            purpose=order.purpose,
        ).first()  # fmt: skip
        if existing is not None:
            if _same_lines(existing, line_inputs):
                out.unchanged += len(lines)
                out.actions.extend((r, "unchanged", what) for r, _d, _s in lines)
            else:
                message = _(
                    "This order is already recorded with other lines: change it on its page."
                )
                _fail(out, first_row, shown, "", message)
            continue
        try:
            with transaction.atomic():
                order_place(user=user, order=order, lines=line_inputs)
        except ValidationError as exc:
            for m in exc.messages:
                _fail(out, first_row, shown, "", m)
            continue
        except PermissionDenied:
            _fail(out, first_row, shown, "", _("The record is outside your scope."))
            continue
        out.created += len(lines)
        out.actions.extend((r, "created", what) for r, _d, _s in lines)


def _same_lines(order: PurchaseOrder, lines: list) -> bool:
    have = sorted((ln.product_id, ln.product_name, ln.quantity) for ln in order.lines.all())
    want = sorted(
        (ln.product.pk if ln.product else None,
         ln.product_name or (ln.product.name if ln.product else ""), ln.quantity)
        for ln in lines
    )  # fmt: skip
    return have == want


class PaymentImportForm(StatementLineForm):
    parent_model, parent_name, lines = PurchaseOrder, "order", "payments"
    order = forms.ModelChoiceField(label=_("order"), queryset=PurchaseOrder.objects.none())
    field_order = ["order", "date", "amount_yuan", "note"]


def _payment_save(*, user, form):
    data = form.cleaned_data
    return payment_report(user=user, order=data["order"], date=data["date"],
                          amount_yuan=data["amount_yuan"], note=data.get("note") or "")  # fmt: skip


# --- Memberships ------------------------------------------------------------------------------


class AllianceMemberImportForm(AllianceMemberForm):
    """A member of the alliance the row names (the page's form takes it from the URL)."""

    alliance_name = forms.ModelChoiceField(label=_("alliance"), queryset=Alliance.objects.all())

    def __init__(self, *args, user, instance=None, **kwargs):
        # The row names the alliance; until it is read, a blank one (with a programme, whose
        # start the page's form would offer as the member's start).
        alliance = instance.alliance if instance is not None else Alliance(program=Program())
        super().__init__(*args, user=user, instance=instance, alliance=alliance, **kwargs)
        self.fields["alliance_name"].queryset = editable_by(user, Alliance.objects.all())
        self.order_fields(["alliance_name"])
        if instance is not None and instance.pk:
            self.initial["alliance_name"] = instance.alliance_id

    def clean(self):
        data = super().clean()
        if data.get("alliance_name") is not None:
            self.instance.alliance = data["alliance_name"]
        return data

    def _post_clean(self):
        if self.cleaned_data.get("alliance_name") is not None:
            self.instance.alliance = self.cleaned_data["alliance_name"]
        super()._post_clean()


def _member_find(user, data):
    if not data.get("alliance_name") or not data.get("organization"):
        return None
    return (
        AllianceMember.objects.filter(
            alliance_id=data["alliance_name"], organization_id=data["organization"]
        )
        .order_by("-start")
        .first()
    )


def _person_find(user, data):
    """A person by their ID number; without one (minimised data), by name and village — and
    household, where given — when exactly one person matches."""
    number = data.get("id_number")
    if number:
        return Person.objects.filter(id_number_hash=_person_key(number)).first()
    if not data.get("name") or not data.get("village"):
        return None
    same = Person.objects.filter(name=data["name"], village_id=data["village"], id_number="")
    if data.get("household"):
        same = same.filter(household=data["household"])
    found = list(same[:2])
    return found[0] if len(found) == 1 else None


def _save_object(*, user, form):
    return object_save(user=user, instance=form.instance)


@cache
def importers() -> dict[str, Importer]:
    """Every importable register by its name."""
    plain = [AREAS, PROGRAMS, PAIRINGS, PRODUCTS, AGREEMENTS]
    plain += [WORKSHOPS, POSITIONS, PLACEMENTS, LOAN_PRODUCTS, CREDIT_LINES, LOANS]
    plain += [EVENTS, PROJECTS]
    found = {res.path: Importer.of(res) for res in plain}
    found["organizations"] = Importer.of(
        ORGANIZATIONS, also_keys=({"kind": "kind", "name": "name"},)
    )
    # A programme's area was its county: sheets exported before still name it so (by name;
    # the old code column is read past, as the name alone finds the county).
    found["programs"] = Importer.of(
        PROGRAMS,
        aliases={"area": {"county", "County", "区县"}},
        ignore=("id", "ID", "county (division code)", "区县 (区划代码)"),
    )
    # An alliance's status moves by its workflow (activate once it has members), not a sheet.
    found["alliances"] = Importer.of(ALLIANCES, exclude=("status",))
    found["villages"] = Importer.of(VILLAGES, exclude=("is_example",), key={"code": "area__code"})
    found["people"] = Importer.of(PEOPLE, match=_person_find, exclude=("clear_id_number",
                                                                        "clear_phone"))  # fmt: skip
    found["village-incomes"] = Importer(
        name="village-incomes",
        model=VillageIncome,
        form=VillageIncomeImportForm,
        save=_save_object,
        key={"village": "village", "year": "year"},
        match=_income_find,
        check_only=("village_name",),
        resource=VILLAGE_INCOMES,  # its export imports back
        label=lambda: _("village collective income (三资)"),
        # The 三资 ledgers' own headers (浙农经管 exports), beside the field labels.
        aliases={
            "village": {"区划代码", "行政区划代码", "村代码", "village code"},
            "village_name": {"村名", "村名称", "村", "village"},
            "year": {"年份", "年度"},
            "amount_yuan": {"总收入", "村集体经济总收入", "集体经济收入", "total income"},
            "operating_yuan": {"经营性收入", "operating income"},
        },
    )
    found["earnings"] = Importer(
        name="earnings",
        model=MonthlyEarning,
        form=PayrollForm,
        save=_payroll_save,
        batch=payroll_batch,
        key={"id_number": "", "workshop": "", "month": ""},
        match=lambda user, data: None,
        may_create=lambda user: True,  # earning_record checks the placement is theirs
        label=lambda: _("payroll (monthly earnings)"),
        aliases={
            "id_number": {"身份证号", "身份证号码", "公民身份号码"},
            "workshop": {"共富工坊", "工坊名称", "车间"},
            "month": {"月份", "发放月份"},
            "amount_yuan": {"工资", "实发工资", "应发工资", "金额"},
        },
        describe=lambda data: f"{data.get('month', '')[:7]} · {data.get('amount_yuan', '')}",
    )
    found["repayments"] = Importer(
        name="repayments",
        model=Repayment,
        form=RepaymentImportForm,
        save=_repayment_save,
        key={"loan": "", "date": "", "amount_yuan": ""},
        match=lambda user, data: None,
        may_create=lambda user: True,  # repayment_record checks the bank is the lender
        label=lambda: _("loan repayments (bank statement)"),
        aliases={
            "loan": {"贷款编号", "贷款ID", "loan ID"},
            "date": {"还款日期", "日期"},
            "amount_yuan": {"还款金额", "金额"},
            "is_prepayment": {"提前还款", "是否提前还款"},
        },
    )
    found["orders"] = Importer(
        name="orders",
        model=PurchaseOrder,
        form=OrderRowForm,
        save=lambda *, user, form: None,  # orders_batch writes
        batch=orders_batch,
        label=lambda: _("共富购 orders with their lines"),
        aliases={
            "placed_on": {"下单日期", "订单日期"},
            "product_name": {"产品名称", "品名", "商品名称"},
            "quantity": {"数量"},
            "unit_price": {"单价"},
        },
    )
    found["payments"] = Importer(
        name="payments",
        model=Payment,
        form=PaymentImportForm,
        save=_payment_save,
        key={"order": "", "date": "", "amount_yuan": ""},
        match=lambda user, data: None,
        may_create=lambda user: True,  # payment_report checks the order is theirs
        label=lambda: _("共富购 payments"),
        aliases={
            "order": {"订单编号", "订单ID", "order ID"},
            "date": {"付款日期"},
            "amount_yuan": {"付款金额", "金额"},
        },  # fmt: skip
    )
    found["chamber-memberships"] = Importer(
        name="chamber-memberships",
        model=ChamberMembership,
        form=ChamberMembershipForm,
        save=_save_object,
        key={"chamber": "chamber", "enterprise": "enterprise"},
        label=lambda: _("chamber memberships"),
    )
    found["alliance-members"] = Importer(
        name="alliance-members",
        model=AllianceMember,
        form=AllianceMemberImportForm,
        save=lambda *, user, form: (
            member_add(user=user, member=form.instance)
            if form.instance.pk is None
            else object_save(user=user, instance=form.instance)
        ),
        key={"alliance_name": "alliance", "organization": "organization"},
        match=_member_find,
        label=lambda: _("alliance members"),
    )
    return dict(sorted(found.items()))


#: The sheets a register's list page offers beside its own: the rows that belong to its records.
RELATED = {
    "villages": ["village-incomes"],
    "organizations": ["chamber-memberships"],
    "alliances": ["alliance-members"],
    "placements": ["earnings"],
    "orders": ["payments"],
    "loans": ["repayments"],
}


def importer(name: str) -> Importer | None:
    return importers().get(name)


__all__ = ["importer", "importers"]
