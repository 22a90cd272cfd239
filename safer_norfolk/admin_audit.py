"""What every content model's admin shares (docs/security.md): the audit history page,
refusal of a form opened before someone else's change, and the "Corrected on" stamp for a
change to a record the public can already see."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from safer_norfolk.audit import StaleEdit, Versioned, describe_newer_change

STALE_ADVICE = (
    " Your changes have not been saved, so nothing of theirs is lost. Open the page again to "
    "see the latest version, then make your changes again."
)


def is_public(instance):
    """Whether the stored row is visible to the public, by its model's public() rules."""
    return any_public(type(instance), [instance.pk])


def any_public(model, pks):
    """Whether any of these stored rows is visible to the public (one query)."""
    queryset = model._default_manager.all()
    pks = [pk for pk in pks if pk is not None]
    if not pks or not hasattr(queryset, "public"):
        return False
    return queryset.public().filter(pk__in=pks).exists()


VERSION_FIELD = "opened_version"


class TextareaField(forms.CharField):
    """Text from a textarea with the browser's line endings (CRLF) stored as "\n", so an
    untouched text is not a change: it is not rewritten, nor marked as a correction."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def _normalise_text_fields(model_admin):
    model_admin.formfield_overrides.setdefault(models.TextField, {})["form_class"] = TextareaField


class VersionCheckMixin:
    """A model form for a Versioned model: it carries (hidden) the version it was opened at,
    refuses to save over a newer one, and stamps a change to a published record as a
    correction.

    A form opened before someone else's save is *stale*. What its officer changed is judged
    against the record as they were shown it (the audit history's copy at the opened
    version), not as it is now: a stale form left untouched changes nothing and is not saved,
    so it cannot write the old values back; a stale form with a change is refused, naming
    who changed the record, when and what."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial[VERSION_FIELD] = self.instance.version

    def opened_version(self):
        """The version the form was opened at, as submitted (None if not bound or missing)."""
        if not self.is_bound or VERSION_FIELD not in self.fields:
            return None
        try:
            return int(self[VERSION_FIELD].data)
        except (TypeError, ValueError):
            return None

    def is_stale(self):
        """Whether someone else changed this form's fields since it was opened (a later save
        that left them as they were, such as a save of the page for another row, is not)."""
        opened = self.opened_version()
        if self.instance.pk is None or opened is None or opened == self.version_now:
            return False
        return self.as_opened is None or self.as_opened != self._as_of(self.version_now)

    @cached_property
    def version_now(self):
        # Read before the form's values are put on the instance or it is saved.
        return self.instance.version

    def _as_of(self, version):
        """The form's fields as they stood at `version`, from the audit history (or None)."""
        record = (
            self.instance.history.filter(version=version)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if record is None:
            return None
        fields = [name for name in self.fields if name != VERSION_FIELD]
        return model_to_dict(record.instance, fields=fields)

    @cached_property
    def as_opened(self):
        """The form's values as its officer was shown them."""
        return self._as_of(self.opened_version())

    def changed_since_opened(self):
        """Whether the officer changed anything on a stale form (True when unknown)."""
        opened = self.as_opened
        if opened is None:
            return True
        for name, field in self.fields.items():
            if name == VERSION_FIELD or name not in opened:
                continue
            if field.has_changed(opened[name], self[name].data):
                return True
        return False

    def untouched_but_stale(self):
        return self.is_stale() and not self.changed_since_opened()

    def has_changed(self):
        if self.untouched_but_stale():
            return False  # what the officer left alone stays as the other officer saved it
        # The version alone is not a change: an untouched inline row is not saved.
        return any(name != VERSION_FIELD for name in self.changed_data)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and self.has_changed():
            if self.is_stale():
                raise ValidationError(describe_newer_change(self.instance) + STALE_ADVICE)
            if is_public(self.instance):
                self.instance.stamp_correction()
        return cleaned


def untouched_but_stale(form):
    """Whether `form` was opened before someone else's save and its officer left it as it
    was: it is not saved, so the other save stands."""
    return isinstance(form, VersionCheckMixin) and form.untouched_but_stale()


def tell_of_kept_changes(request, forms):
    """Tell the officer of each form they left untouched that someone else's newer save of
    its record stands."""
    for stale in filter(untouched_but_stale, forms):
        messages.info(
            request,
            describe_newer_change(stale.instance)
            + " You left it as it was, so it keeps their changes.",
        )


def save_parts_correcting(parent, formsets, save):
    """Call `save`, which saves `formsets` of rows belonging to the stored `parent`; when
    the change touches a part the public can see (a resolution of published minutes, a
    published paper), stamp `parent` as corrected, since its page shows the correction."""
    parts = [formset for formset in formsets if formset.model.correction_shown_on_parent]
    # Rows changed or deleted count if they were public before the save ...
    corrects_parent = any(
        any_public(
            formset.model,
            [f.instance.pk for f in formset.initial_forms if f.has_changed()],
        )
        for formset in parts
    )
    save()
    # ... and rows added if they are public after it.
    corrects_parent = corrects_parent or any(
        any_public(formset.model, [f.instance.pk for f in formset.extra_forms if f.has_changed()])
        for formset in parts
    )
    if corrects_parent:
        parent.refresh_from_db(fields=["version"])
        parent.stamp_correction()
        parent.save(update_fields=["corrected_at"])


def renumbered_rows(formset, field):
    """The keys of `formset`'s stored rows that are deleted or given a new `field`: those
    that must give up their old value first (safer_norfolk.audit.release_unique_values) for
    one save to swap or shift values unique within the parent (items 5 and 6 exchanged)."""
    return [
        row.instance.pk
        for row in formset.initial_forms
        if row in formset.deleted_forms or field in row.changed_data
    ]


def with_version_check(form_class):
    if issubclass(form_class, VersionCheckMixin):
        return form_class
    field = forms.IntegerField(widget=forms.HiddenInput, required=False)
    return type(form_class.__name__, (VersionCheckMixin, form_class), {VERSION_FIELD: field})


def with_labels(queryset):
    """`queryset` reading with each record the relations its __str__ names (the model's
    `label_relations`: a meeting's committee, a plan action's plan)."""
    relations = getattr(queryset.model, "label_relations", ())
    return queryset.select_related(*relations) if relations else queryset


class LabelledRecords:
    """The admin names records by their __str__ in lists, inline rows and pickers; what it
    reads comes with the rows, not a query for each."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        listed = getattr(self, "list_select_related", ())
        if not isinstance(listed, list | tuple):
            return queryset  # True or False: Django's changelist chooses the relations
        # Django's changelist adds its list_select_related only to a queryset that selects
        # none yet: given here with the label's relations.
        relations = (*getattr(self.model, "label_relations", ()), *listed)
        return queryset.select_related(*relations) if relations else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = with_labels(self._choices(db_field, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = with_labels(self._choices(db_field, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _choices(self, db_field, request):
        """The choices Django's admin would offer (ordered as the related model's admin
        orders them), or every record."""
        queryset = self.get_field_queryset(None, db_field, request)
        return (
            queryset if queryset is not None else db_field.remote_field.model._default_manager.all()
        )


class SharedChoices:
    """An inline whose rows share one read of each plain select box's choices (the field
    names in `shared_choices`), where Django would read them again for every row."""

    shared_choices = ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        names = self.shared_choices

        class SharingFormSet(formset):
            def _construct_form(self, i, **kwargs):
                return self._share(super()._construct_form(i, **kwargs))

            @property
            def empty_form(self):
                return self._share(super().empty_form)

            def _share(self, form):
                read = self.__dict__.setdefault("_shared_choices", {})
                for name in names:
                    if name in form.fields:
                        if name not in read:
                            read[name] = list(form.fields[name].choices)
                        form.fields[name].choices = read[name]
                return form

        SharingFormSet.__name__ = formset.__name__
        return SharingFormSet


class VersionedAdminMixin(LabelledRecords):
    """For a ModelAdmin or inline of a Versioned model: its form carries the version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _normalise_text_fields(self)
        if issubclass(self.model, Versioned):
            self.form = with_version_check(self.form)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.model, Versioned) or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]


class AuditedAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """The base of every content model's ModelAdmin."""

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            _normalise_text_fields(inline)
            if issubclass(inline.model, Versioned) and not isinstance(inline, VersionedAdminMixin):
                raise ImproperlyConfigured(
                    f"{type(inline).__name__} edits versioned records: derive it from "
                    "VersionedAdminMixin so its rows carry their version."
                )
        return inlines

    def save_model(self, request, obj, form, change):
        if change and untouched_but_stale(form):
            return  # the other officer's newer save stands
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Rows left untouched on a page opened before someone else's save keep that save,
        and the officer is told; a change to a part of a published record (a resolution of
        published minutes, a published paper) is stamped on the record it belongs to."""
        opened = [form, *(row for formset in formsets for row in formset.initial_forms)]
        tell_of_kept_changes(request, opened)
        if untouched_but_stale(form):
            # The form's own many-to-many values are as the officer opened them: not saved.
            form.save_m2m = lambda: None
        parent = form.instance
        if not (change and isinstance(parent, Versioned)):
            super().save_related(request, form, formsets, change)
            return
        save_parts_correcting(
            parent,
            formsets,
            lambda: super(AuditedAdmin, self).save_related(request, form, formsets, change),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as error:
            # Someone saved between this form's checks and its write: nothing was written.
            messages.error(request, str(error) + STALE_ADVICE)
            return HttpResponseRedirect(request.get_full_path())
