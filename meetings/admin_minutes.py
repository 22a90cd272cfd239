"""The committee officer's minute-taking screen: one page per meeting with every agenda item
in order and, under each, its minute (its paragraphs numbered as the public page numbers
them), the minute's resolutions, the action points raised on it and the written questions
asked on the item.

Each item is saved on its own ("Save item 5") or the whole meeting at once ("Save all"), in
one transaction per save: on any error nothing is written. Every row carries the version it
was opened at (safer_norfolk.admin_audit), so a page opened before another officer's save
cannot undo it. New action points are raised through `services.raise_action_point`, which
numbers them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import BaseModelFormSet, modelformset_factory
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator

from meetings import queries, services
from meetings.models import ActionPoint, Minute, Resolution, WrittenQuestion
from safer_norfolk.admin_audit import (
    STALE_ADVICE,
    TextareaField,
    renumbered_rows,
    save_parts_correcting,
    tell_of_kept_changes,
    with_version_check,
)
from safer_norfolk.audit import StaleEdit, release_unique_values
from safer_norfolk.text import paragraphs

SAVE_ALL = "all"
URL_NAME = "meetings_meeting_minutes"


def minute_taking_url(model_admin):
    """The screen's address under the meeting's admin, for `MeetingAdmin.get_urls`."""
    return path(
        "<path:object_id>/minutes/",
        model_admin.admin_site.admin_view(
            lambda request, object_id: take_minutes(model_admin, request, object_id)
        ),
        name=URL_NAME,
    )


@admin.display(description="Minutes")
def minutes_link(meeting):
    """The meetings list's link to each meeting's minute-taking screen."""
    return format_html(
        '<a href="{}">Take minutes<span class="visually-hidden"> of the {}</span></a>',
        reverse(f"admin:{URL_NAME}", args=[meeting.pk]),
        meeting,
    )


def label_key(instance_or_model, pk):
    """The key of a record's label in the page's labels: its model and primary key."""
    return (instance_or_model._meta.label_lower, str(pk))


class KnownChoiceAutocomplete(AutocompleteSelect):
    """The admin's autocomplete box, its chosen option labelled from the rows the page has
    already read (`labels`, by `label_key`), not by a query for each row."""

    def __init__(self, field, admin_site, labels, attrs=None):
        super().__init__(field, admin_site, attrs)
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        model = self.field.remote_field.model
        if any(label_key(model, v) not in self.labels for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in chosen:
            label = self.labels[label_key(model, v)]
            options.append(self.create_option(name, v, label, True, len(options)))
        return [(None, options, 0)]


class RowErrorsMixin:
    def row_errors(self):
        """The errors not shown by a field of their own: the form's, and those of its hidden
        fields (a row that is not one of this item's, a version refused)."""
        hidden = [error for field in self.hidden_fields() for error in field.errors]
        return [*self.non_field_errors(), *hidden]


class RowForm(RowErrorsMixin, forms.ModelForm):
    """A row of one of an item's tables; its foreign keys in `autocomplete` are the admin's
    autocomplete boxes."""

    autocomplete = ()

    def __init__(self, *args, admin_site, labels, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = ""  # a table's column headers say what its fields hold
        for name in self.autocomplete:
            field = self.fields[name]
            model_field = self._meta.model._meta.get_field(name)
            field.widget = KnownChoiceAutocomplete(model_field, admin_site, labels)
            field.widget.choices = field.choices
            field.widget.is_required = field.required


class MinuteForm(RowErrorsMixin, forms.ModelForm):
    class Meta:
        model = Minute
        fields = ["number", "heading", "body"]
        field_classes = {"body": TextareaField}
        labels = {"body": "Minute"}
        help_texts = {
            "number": "",
            "body": "Markdown. Leave a blank line between paragraphs: each is numbered as "
            "it will be published. A list after a paragraph belongs to it.",
        }
        widgets = {
            "number": forms.TextInput(attrs={"size": 5, "class": "minute-number"}),
            "heading": forms.TextInput(attrs={"class": "vTextField minute-heading"}),
            "body": forms.Textarea(attrs={"rows": 8, "cols": 60, "data-minute-body": ""}),
        }


class VersionedMinuteForm(with_version_check(MinuteForm)):
    """An item's minute. A page opened while the item had none shows an empty minute with
    the item's number and title; if someone else has written the minute since, what this
    officer did is judged against that empty minute, as a stale form is."""

    def __init__(self, *args, item, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)

    def opened_as_new(self):
        return self.is_bound and self.instance.pk is not None and self.opened_version() is None

    def is_stale(self):
        return self.opened_as_new() or super().is_stale()

    @cached_property
    def as_opened(self):
        if self.opened_as_new():
            return {"number": self.item.number, "heading": self.item.title, "body": ""}
        return super().as_opened


class ResolutionForm(RowForm):
    class Meta:
        model = Resolution
        fields = ["order", "verb", "text"]
        field_classes = {"text": TextareaField}
        labels = {"order": "No.", "text": "Decision"}
        help_texts = {"text": ""}
        widgets = {
            "order": forms.NumberInput(attrs={"min": 1, "class": "row-number"}),
            "text": forms.Textarea(attrs={"rows": 2, "cols": 50}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False  # blank: the next number


class ActionPointForm(RowForm):
    autocomplete = ("owner_person", "owner_organisation")

    class Meta:
        model = ActionPoint
        fields = [
            "reference",
            "description",
            "owner_text",
            "owner_person",
            "owner_organisation",
            "due_date",
        ]
        field_classes = {"description": TextareaField}
        labels = {
            "description": "Action",
            "owner_text": "Owner as written (“All”)",
            "owner_person": "Owner (person)",
            "owner_organisation": "Owner (organisation)",
            "due_date": "Due",
        }
        help_texts = {"owner_text": ""}
        widgets = {
            "reference": forms.TextInput(attrs={"size": 6, "class": "row-reference"}),
            "owner_text": forms.TextInput(attrs={"size": 12}),
            "description": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = False  # blank: the next number, e.g. 07/03

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            if self.instance.pk is not None:
                raise ValidationError("An action point keeps its reference.")
            return reference
        taken = ActionPoint.objects.filter(
            committee_id=self.instance.committee_id, reference=reference
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(f"The committee already has an action point {reference}.")
        return reference


class QuestionForm(RowForm):
    autocomplete = ("addressed_to",)

    class Meta:
        model = WrittenQuestion
        fields = ["number", "question", "addressed_to", "response_due"]
        field_classes = {"question": TextareaField}
        labels = {"number": "No.", "addressed_to": "Addressed to"}
        help_texts = {"addressed_to": ""}
        widgets = {
            "number": forms.NumberInput(attrs={"min": 1, "class": "row-number"}),
            "question": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "response_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False  # blank: the meeting's next number


class ItemRows(BaseModelFormSet):
    """One kind of row under one agenda item: the rows the page read and no others, so a
    POST naming a row of another item or meeting is refused ("Select a valid choice"); a
    new row belongs to this item and meeting (`of`) before it is validated."""

    # What a new row shows at first: a decision's number blank (given the next one on
    # saving), not the model's default of 1.
    new_row_initial = {}

    def __init__(self, data=None, *, rows, of, admin_site, labels, prefix):
        self.rows, self.of, self.admin_site, self.labels = rows, of, admin_site, labels
        super().__init__(data, prefix=prefix)

    def get_queryset(self):
        return self.rows

    def get_form_kwargs(self, index):
        kwargs = {**super().get_form_kwargs(index), "admin_site": self.admin_site}
        kwargs["labels"] = self.labels
        if index is None or index >= self.initial_form_count():
            kwargs["initial"] = dict(self.new_row_initial)
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["id"].queryset = self.model._default_manager.filter(
            pk__in=[row.pk for row in self.rows]
        )

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is None:
            for name, value in self.of.items():
                setattr(form.instance, name, value)
        return form

    def kept_forms(self):
        """The rows that will stand after the save: existing ones not deleted, new ones
        filled in and not deleted."""
        return [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]

    def new_forms(self):
        return [form for form in self.extra_forms if form in self.kept_forms()]


ResolutionFormSet = modelformset_factory(
    Resolution,
    form=with_version_check(ResolutionForm),
    formset=type("ResolutionRows", (ItemRows,), {"new_row_initial": {"order": None}}),
    extra=2,
    can_delete=True,
)
ActionPointFormSet = modelformset_factory(
    ActionPoint,
    form=with_version_check(ActionPointForm),
    formset=ItemRows,
    extra=1,
    can_delete=True,
)
QuestionFormSet = modelformset_factory(
    WrittenQuestion,
    form=with_version_check(QuestionForm),
    formset=ItemRows,
    extra=1,
    can_delete=True,
)


class SaveRefused(Exception):
    """A service refused a row; its error is on the row's form and the save is undone."""


RECORDS = (Minute, Resolution, ActionPoint, WrittenQuestion)


def _permission(user, action, model):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def may_take_minutes(request, meeting, model_admin):
    """Changing the meeting, and adding and changing each kind of record on the screen."""
    return model_admin.has_change_permission(request, meeting) and all(
        _permission(request.user, action, model)
        for model in RECORDS
        for action in ("add", "change")
    )


class ItemForms:
    """The forms of one agenda item: its minute, resolutions, action points and questions."""

    def __init__(self, entry, meeting, data, *, admin_site, labels, user):
        self.entry = entry
        self.item = item = entry.item
        self.meeting = meeting
        self.minute = entry.minute or Minute(
            meeting=meeting, agenda_item=item, number=item.number, heading=item.title
        )
        prefix = f"item-{item.pk}"
        rows = {"admin_site": admin_site, "labels": labels}
        self.minute_form = VersionedMinuteForm(
            data, instance=self.minute, item=item, prefix=f"{prefix}-minute"
        )
        self.resolutions = ResolutionFormSet(
            data,
            rows=entry.resolutions,
            of={"minute": self.minute},
            prefix=f"{prefix}-resolutions",
            **rows,
        )
        self.action_points = ActionPointFormSet(
            data,
            rows=entry.action_points,
            of={"meeting": meeting, "committee": meeting.committee, "minute": self.minute},
            prefix=f"{prefix}-actions",
            **rows,
        )
        self.questions = QuestionFormSet(
            data,
            rows=entry.questions,
            of={"meeting": meeting, "agenda_item": item},
            prefix=f"{prefix}-questions",
            **rows,
        )
        # A delete box only for an officer who may delete that kind of record.
        for formset in self.formsets:
            formset.can_delete = _permission(user, "delete", formset.model)

    @property
    def formsets(self):
        return [self.resolutions, self.action_points, self.questions]

    def is_valid(self):
        return all([self.minute_form.is_valid(), *(f.is_valid() for f in self.formsets)])

    def has_changed(self):
        return self.minute_form.has_changed() or any(f.has_changed() for f in self.formsets)

    def error_count(self):
        if not self.minute_form.is_bound:
            return 0
        return len(self.minute_form.errors) + sum(f.total_error_count() for f in self.formsets)

    def opened_forms(self):
        stored = [self.minute_form] if self.entry.minute else []
        return stored + [form for formset in self.formsets for form in formset.initial_forms]

    def needs_minute(self):
        """Whether the save writes the minute: it was changed, or the item gets a resolution
        or an action point, which hang on the minute."""
        return self.minute_form.has_changed() or bool(
            self.resolutions.new_forms() or self.action_points.new_forms()
        )

    def numbered_paragraphs(self):
        """The minute's paragraphs as the public page numbers them ("5.1", "5.2" …), each
        with its opening words: what the officer typed, or what is stored."""
        number = self.minute_form["number"].value() or self.item.number
        body = self.minute_form["body"].value() or ""
        return [
            (f"{number}.{position}", Truncator(" ".join(part.split())).chars(110))
            for position, part in enumerate(paragraphs(body), 1)
        ]

    def save(self, request, counts):
        created = self.minute.pk is None
        if self.needs_minute() and (self.minute_form.has_changed() or created):
            self.minute_form.save()
            counts["minutes"] += 1
        if self.minute.pk is not None:
            resolutions = self.resolutions
            counts["decisions"] += len([f for f in resolutions.forms if f.has_changed()])
            if created:
                resolutions.save()
            else:
                save_parts_correcting(self.minute, [resolutions], resolutions.save)
        self._save_action_points(request, counts)
        counts["questions"] += len([f for f in self.questions.forms if f.has_changed()])
        self.questions.save()

    def _save_action_points(self, request, counts):
        formset = self.action_points
        for form in formset.initial_forms:
            if form in formset.deleted_forms:
                form.instance.delete()
                counts["action points"] += 1
            elif form.has_changed():
                form.save()
                counts["action points"] += 1
        for form in formset.new_forms():
            data = form.cleaned_data
            try:
                raised = services.raise_action_point(
                    meeting=self.meeting,
                    description=data["description"],
                    minute=self.minute if self.minute.pk else None,
                    owner_text=data.get("owner_text", ""),
                    owner_person=data.get("owner_person"),
                    owner_organisation=data.get("owner_organisation"),
                    due_date=data.get("due_date"),
                    reference=data.get("reference"),
                    by=request.user,
                )
            except ValidationError as error:
                messages_by_field = getattr(error, "message_dict", {None: error.messages})
                for name, texts in messages_by_field.items():
                    form.add_error(name if name in form.fields else None, texts)
                raise SaveRefused from error
            counts["action points"] += 1
            counts["raised"].append(raised.reference)


def _labels(page):
    """The labels of the people and organisations the page's rows name."""
    named = [
        *(
            owner
            for entry in page.items
            for point in entry.action_points
            for owner in (point.owner_person, point.owner_organisation)
        ),
        *(question.addressed_to for entry in page.items for question in entry.questions),
    ]
    return {label_key(record, record.pk): str(record) for record in named if record is not None}


def _numbers_are_unique(page, bundles, saving):
    """Numbers unique within the meeting (minutes, questions) or the minute (resolutions),
    after the save: a clash is an error on the field, as a blank number is given the next
    one. Returns False when there is a clash."""
    clean = True
    saving_pks = {bundle.item.pk for bundle in saving}

    minute_numbers = {minute.number: None for minute in page.other_minutes}
    question_numbers = {question.number: None for question in page.other_questions}
    for bundle in bundles:
        minute_numbers.update({minute.number: None for minute in bundle.entry.other_minutes})
        if bundle.item.pk not in saving_pks:
            if bundle.entry.minute:
                minute_numbers[bundle.entry.minute.number] = None
            question_numbers.update({q.number: None for q in bundle.entry.questions})

    for bundle in saving:
        form = bundle.minute_form
        if bundle.entry.minute or bundle.needs_minute():
            number = form.cleaned_data["number"]
            if number in minute_numbers:
                form.add_error("number", f"Another minute of this meeting is numbered {number}.")
                clean = False
            minute_numbers[number] = bundle

        orders = set()
        for row in bundle.resolutions.kept_forms():
            order = row.cleaned_data.get("order")
            if order is not None and order in orders:
                row.add_error("order", f"This minute already has a decision {order}.")
                clean = False
            orders.add(order)
        next_order = max((order for order in orders if order is not None), default=0)
        for row in bundle.resolutions.kept_forms():
            if row.cleaned_data.get("order") is None:
                next_order += 1
                row.instance.order = next_order

        for row in bundle.questions.kept_forms():
            number = row.cleaned_data.get("number")
            if number is not None and number in question_numbers:
                row.add_error("number", f"This meeting already has a question {number}.")
                clean = False
            question_numbers[number] = row

    references = set()
    for bundle in saving:
        for row in bundle.action_points.new_forms():
            reference = row.cleaned_data.get("reference")
            if reference and reference in references:
                row.add_error("reference", f"Action point {reference} is given twice.")
                clean = False
            references.add(reference)

    next_question = max((n for n in question_numbers if n is not None), default=0)
    for bundle in saving:
        for row in bundle.questions.kept_forms():
            if row.cleaned_data.get("number") is None:
                next_question += 1
                row.instance.number = next_question
    return clean


def _release_numbers(saving):
    """Rows renumbered or deleted give up their numbers first, inside the transaction."""
    minutes = [
        bundle.minute.pk
        for bundle in saving
        if bundle.entry.minute
        and bundle.minute_form.has_changed()
        and "number" in bundle.minute_form.changed_data
    ]
    release_unique_values(Minute, minutes, "number")
    release_unique_values(
        Resolution,
        [pk for bundle in saving for pk in renumbered_rows(bundle.resolutions, "order")],
        "order",
    )
    release_unique_values(
        WrittenQuestion,
        [pk for bundle in saving for pk in renumbered_rows(bundle.questions, "number")],
        "number",
    )


def _saved_message(saving, counts):
    what = [
        f"{counts[kind]} {kind if counts[kind] != 1 else kind[:-1]}"
        for kind in ("minutes", "decisions", "action points", "questions")
        if counts[kind]
    ]
    where = f"Item {saving[0].item.number}" if len(saving) == 1 else "The minutes"
    if not what:
        return f"{where}: nothing had changed, so nothing was saved."
    message = f"{where} saved: {', '.join(what)}."
    if counts["raised"]:
        message += f" Action points raised: {', '.join(counts['raised'])}."
    return message


def take_minutes(model_admin, request, object_id):
    page = queries.minute_taking(object_id)
    meeting = page.meeting
    if not may_take_minutes(request, meeting, model_admin):
        raise PermissionDenied
    address = reverse(f"admin:{URL_NAME}", args=[meeting.pk])
    data = request.POST if request.method == "POST" else None
    bundles = _bundles(model_admin, page, data, request.user)
    error_count = 0
    if request.method == "POST":
        target = request.POST.get("save", SAVE_ALL)
        saving = [b for b in bundles if target in (SAVE_ALL, str(b.item.pk))]
        if not saving:
            raise SuspiciousOperation("The item to save is not one of this meeting's.")
        if all([bundle.is_valid() for bundle in saving]) and _numbers_are_unique(
            page, bundles, saving
        ):
            counts = {"minutes": 0, "decisions": 0, "action points": 0, "questions": 0}
            counts["raised"] = []
            try:
                with transaction.atomic():
                    _release_numbers(saving)
                    for bundle in saving:
                        bundle.save(request, counts)
            except SaveRefused:
                pass  # the refusal is on its row; nothing was written
            except StaleEdit as error:
                # Someone saved between the checks and the write: nothing was written.
                messages.error(request, str(error) + STALE_ADVICE)
                return HttpResponseRedirect(address)
            except IntegrityError:
                # Someone else numbered a record the same way at the same moment.
                messages.error(
                    request,
                    "Someone else saved this meeting's minutes at the same moment, with a "
                    "number yours also used." + STALE_ADVICE,
                )
                return HttpResponseRedirect(address)
            else:
                tell_of_kept_changes(
                    request, [form for bundle in saving for form in bundle.opened_forms()]
                )
                messages.success(request, _saved_message(saving, counts))
                unsaved = [b for b in bundles if b not in saving and b.has_changed()]
                if not unsaved:
                    anchor = f"#item-{saving[0].item.pk}" if target != SAVE_ALL else ""
                    return HttpResponseRedirect(address + anchor)
                # What was typed under other items is kept on the page, not lost.
                messages.warning(
                    request,
                    "Not saved yet: what you typed under item "
                    + ", ".join(b.item.number for b in unsaved)
                    + ". Save those items, or Save all.",
                )
                page = queries.minute_taking(object_id)
                saved = {bundle.item.pk for bundle in saving}
                bundles = _bundles(model_admin, page, data, request.user, saved=saved)
                saving = []
        error_count = sum(bundle.error_count() for bundle in saving)
    media = model_admin.media + forms.Media(js=[static("safer_norfolk/minute-numbers.js")])
    if bundles:
        media += bundles[0].action_points.empty_form.media
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Minutes: {meeting.committee}",
        "subtitle": str(meeting),
        "opts": model_admin.model._meta,
        "meeting": meeting,
        "page": page,
        "bundles": bundles,
        "error_count": error_count,
        "items_with_errors": [b for b in bundles if b.error_count()] if error_count else [],
        "media": media,
        # The page needs the screen's width more than the list of every model.
        "is_nav_sidebar_enabled": False,
        "save_all": SAVE_ALL,
    }
    return TemplateResponse(request, "admin/meetings/meeting/take_minutes.html", context)


def _bundles(model_admin, page, data, user, saved=()):
    """Each item's forms: bound to what was sent, except those of the items just `saved`,
    which show what is stored."""
    labels = _labels(page)
    return [
        ItemForms(
            entry,
            page.meeting,
            None if entry.item.pk in saved else data,
            admin_site=model_admin.admin_site,
            labels=labels,
            user=user,
        )
        for entry in page.items
    ]
