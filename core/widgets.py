"""Form widgets that render in Python: a filter form with long choice lists renders in well under a
millisecond instead of one template include per option (the registry's filters, issue 12)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A plain ``<select>`` (no option groups, one value), same markup as Django's, built by string joins."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs or {})
        final["name"] = name
        chosen = "" if value is None else str(value[0] if isinstance(value, list | tuple) and value else value)
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = " selected" if option_value == chosen else ""
            options.append(
                f'<option value="{conditional_escape(option_value)}"{selected}>{conditional_escape(label)}</option>'
            )
        return format_html("<select{}>\n{}\n</select>", flatatt(final), mark_safe("\n".join(options)))  # noqa: S308
