"""The calendar invitation of a visit (RFC 5545, built with the ``icalendar`` library): a stable UID, a SEQUENCE that
grows on every move, ``METHOD:REQUEST`` for the accepted visit and ``METHOD:CANCEL`` once it is cancelled. Written in
the active language; a pure function of the visit and the people it concerns (already read)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from expertise.models import Visit, VisitMode, VisitStatus

PRODID = "-//Grappe//Cluster labelling//EN"


def _address(user) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.username)
    return address


def invitation_method(visit: Visit) -> str:
    return "CANCEL" if visit.status == VisitStatus.CANCELLED else "REQUEST"


def visit_summary(visit: Visit) -> str:
    return _("Label assessment of %(cluster)s: %(format)s") % {
        "cluster": visit.assessment.cluster.name,
        "format": visit.get_kind_display(),
    }


def visit_invitation(visit: Visit, *, organiser, attendees, now: datetime.datetime | None = None) -> bytes:
    """The ``.ics`` file of an accepted or cancelled visit (``ValueError`` for a visit with no date yet)."""
    if visit.starts_at is None or visit.ends_at is None:
        raise ValueError("a visit without a date has no invitation")
    method = invitation_method(visit)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", visit.uid)
    event.add("sequence", visit.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(datetime.UTC))
    event.add("dtstart", visit.starts_at.astimezone(datetime.UTC))
    event.add("dtend", visit.ends_at.astimezone(datetime.UTC))
    event.add("summary", visit_summary(visit))
    where = visit.meeting_url if visit.mode == VisitMode.VIDEO else visit.address
    if where:
        event.add("location", where)
    page = settings.SITE_URL.rstrip("/") + reverse("expertise:visit", args=[visit.assessment_id])
    event.add("url", page)
    lines = [visit.get_mode_display()]
    if visit.mode == VisitMode.VIDEO and visit.meeting_url:
        lines.append(_("Meeting link: %(url)s") % {"url": visit.meeting_url})
    if method == "CANCEL" and visit.reason:
        lines.append(_("Cancelled: %(reason)s") % {"reason": visit.reason})
    elif visit.reason:
        lines.append(_("Moved: %(reason)s") % {"reason": visit.reason})
    lines.append(page)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if organiser is not None and organiser.email:
        event.add("organizer", _address(organiser))
    for person in attendees:
        if person.email:
            attendee = _address(person)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
