"""The project's forms: the base ``Form`` and ``ModelForm`` whose numbers are read as people type them
(:class:`NumberField`, over ``indicators.values``), and the one mapping of a service's ``DomainError`` to a form
that re-renders with what was typed (the API's is ``core.api.exception_handler``)."""

import re
from decimal import Decimal

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from indicators import values


def apply_domain_errors(form: forms.Form, exc: DomainError, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form's fields (or on the form when they name no field of it); an error
    without details puts its message on the form. ``field_map`` renames the service's fields to the form's."""
    field_map = field_map or {}
    errors = exc.errors
    if isinstance(errors, dict):
        for field, messages in errors.items():
            name = field_map.get(field, field)
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                form.add_error(name if name in form.fields else None, str(message))
    elif errors:
        for message in errors:
            form.add_error(None, str(message))
    else:
        form.add_error(None, str(exc.message))


# --- numbers ------------------------------------------------------------------------------------------------

DJANGO_NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)


class NumberInput(forms.TextInput):
    """A text input for a number: ``inputmode="decimal"`` brings up the digits keyboard on a phone, and the
    browser keeps what was typed (a browser ``type="number"`` input reads « 12 000,50 » by its own locale
    rules, or sends nothing, before the server ever sees it)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class NumberField(forms.Field):
    """A number typed by a person, read by :func:`indicators.values.parse_number` in the active language.

    « 12 000,50 », « 12 000 » (space, no-break or narrow no-break space), « 12000.50 » and, in English,
    « 12,000.50 » are all 12000.5. What is not a plain number, or has more decimal places than the field holds
    (« 12,000 » in French is twelve with three decimals: refused on a whole-number or a two-decimal field, never
    read as twelve), is refused on the field with a message, and the page shows back the text as typed. Whole
    numbers (``whole=True``) clean to ``int``, the others to ``Decimal``. Every numeric field of every form is
    one of these: ``core.forms.Form`` and ``core.forms.ModelForm`` turn Django's numeric fields into them."""

    widget = NumberInput
    default_error_messages = {
        "invalid": _("Enter a number, e.g. %(example)s."),
        "whole": _("Enter a whole number."),
        "places": _("Use at most %(places)d decimal places."),
        "comma": _("The comma marks the decimals: separate thousands with spaces (%(example)s)."),
        "too_large": _("The value is too large."),
    }

    def __init__(
        self,
        *,
        whole: bool = False,
        min_value=None,
        max_value=None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        **kwargs,
    ):
        self.whole = whole
        self.min_value, self.max_value = min_value, max_value
        self.max_digits = max_digits
        self.decimal_places = 0 if whole else decimal_places
        kwargs.pop("localize", None)  # the language decides, always
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(validators.MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(validators.MaxValueValidator(max_value))
        if max_digits is not None and not whole:
            self.validators.append(validators.DecimalValidator(max_digits, decimal_places))

    def _example(self) -> str:
        return values.format_number(Decimal(12000) if self.whole else Decimal("12000.5"))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if len(value) > 40:
                raise ValidationError(self.error_messages["too_large"], code="too_large")
        number = values.parse_as_written(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"example": self._example()})
        places = max(0, -number.as_tuple().exponent)
        number = values.normalise(number)
        if abs(number) > values.MAX_MAGNITUDE:
            raise ValidationError(self.error_messages["too_large"], code="too_large")
        if self.decimal_places is not None and places > self.decimal_places:
            problems = [
                ValidationError(self.error_messages["whole"], code="whole")
                if self.whole
                else ValidationError(
                    self.error_messages["places"], code="places", params={"places": self.decimal_places}
                )
            ]
            if isinstance(value, str) and re.search(r",[0-9]{3}$", value) and "." not in value:  # « 12,000 »
                example = values.format_number(Decimal(12000))
                problems.append(
                    ValidationError(self.error_messages["comma"], code="comma", params={"example": example})
                )
            raise ValidationError(problems)
        return int(number) if self.whole else number

    def prepare_value(self, value):
        """A number from the database or the initial data in the reader's convention, without grouping
        (« 12000,5 »); text that was typed stays as typed."""
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return value
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if self.decimal_places and number != number.to_integral_value():
            return values.format_number(number, places=self.decimal_places, grouping=False)
        return values.input_number(number)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        initial = None if initial in self.empty_values else values.parse_number(initial)
        return initial != (None if data is None else Decimal(data))


class YearField(NumberField):
    """A year typed by a person: a whole number, read as any number (« 2 024 » is 2024). What is not a number
    is refused with « Enter a whole number. »: the number field's example (« 12 000 ») is no year."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def __init__(self, **kwargs):
        kwargs.pop("whole", None)
        super().__init__(whole=True, **kwargs)


def number_field_like(field: forms.Field) -> forms.Field:
    """The :class:`NumberField` standing for one of Django's numeric form fields (a model's ``DecimalField``,
    a declared ``IntegerField``…), with its label, help, bounds, places and validators. A browser number input
    (Django's default) or a plain text input becomes a :class:`NumberInput`; any other widget (hidden, a list
    of choices) stays. Any other field is returned as it is."""
    if not isinstance(field, DJANGO_NUMBER_FIELDS) or isinstance(field, NumberField):
        return field
    whole = not isinstance(field, forms.DecimalField | forms.FloatField)  # both subclass IntegerField
    widget = field.widget
    if isinstance(widget, forms.NumberInput | forms.TextInput):  # the admin's subclasses too
        widget = NumberInput({k: v for k, v in widget.attrs.items() if k not in {"min", "max", "step"}})
    number = NumberField(
        whole=whole,
        max_digits=getattr(field, "max_digits", None),
        decimal_places=getattr(field, "decimal_places", None),
        required=field.required,
        widget=widget,
        label=field.label,
        initial=field.initial,
        help_text=field.help_text,
        show_hidden_initial=field.show_hidden_initial,
        disabled=field.disabled,
        label_suffix=field.label_suffix,
        template_name=field.template_name,
    )
    # Django's own validators (bounds from min_value/max_value, the model's, the digits) are kept as they are.
    number.validators = list(field.validators)
    return number


class _NumbersMetaclassMixin:
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        converted = {name: number_field_like(field) for name, field in cls.base_fields.items()}
        cls.declared_fields = {name: converted.get(name, field) for name, field in cls.declared_fields.items()}
        cls.base_fields = converted
        return cls


class FormMetaclass(_NumbersMetaclassMixin, forms.forms.DeclarativeFieldsMetaclass):
    """Django's form metaclass, whose numeric fields are :class:`NumberField`\\ s."""


class ModelFormMetaclass(_NumbersMetaclassMixin, forms.models.ModelFormMetaclass):
    """Django's model form metaclass, whose numeric fields (from the model or declared) are :class:`NumberField`\\ s."""


class Form(forms.BaseForm, metaclass=FormMetaclass):
    """The project's base form: numbers are read as people type them in French and English."""


class ModelForm(forms.BaseModelForm, metaclass=ModelFormMetaclass):
    """The project's base model form (the admin's too): numbers are read as people type them."""
