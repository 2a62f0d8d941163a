from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import RandomName


def private_storage():
    """The files never under MEDIA_URL (``STORAGES["private"]``): served only by permission-checked views."""
    return storages["private"]


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def document_file(upload_to: str) -> models.FileField:
    """A ``StoredDocument``'s file, in the private storage under a random key in the folder ``upload_to`` (e.g.
    ``"appeals/%Y/%m/"``): core.uploads.RandomName."""
    return models.FileField(_("file"), storage=private_storage, upload_to=RandomName(upload_to))


class StoredDocument(TimeStampedModel):
    """A document someone uploaded: its type decided from its content (``core.files.sniff_document``), stored under a
    random name in the private storage, served only by a permission-checked view.

    A subclass adds the foreign key to what it belongs to and its ``file = document_file("<folder>/%Y/%m/")``, and its
    ``Meta`` subclasses this one for its names."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class OutboxMessage(models.Model):
    """A Celery task to send once the transaction that wrote it has committed (the transactional outbox).

    Written in the same transaction as the change it follows (an e-mail about it), so the change and its side
    effect are saved together; handed to the broker right after the commit, else by the ``core.relay_outbox`` beat
    task once the broker is back, and deleted when sent: a row is a message still waiting. See ``core/outbox.py``.
    """

    task = models.CharField(_("task"), max_length=100)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
