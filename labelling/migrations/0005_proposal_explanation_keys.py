"""Proposal explanations become message keys and parameters (rendered in the reader's language).

Existing texts are kept as they were written ({"key": "text"}), and are replaced by keys the next time the
proposals are refreshed (every visit of the manager's category page does it)."""

from django.db import migrations, models


def texts_to_parts(apps, schema_editor):
    Answer = apps.get_model("labelling", "Answer")
    changed = []
    for answer in Answer.objects.exclude(proposal_explanation_old="").only("pk", "proposal_explanation_old"):
        answer.proposal_explanation = [{"key": "text", "params": {"text": answer.proposal_explanation_old}}]
        changed.append(answer)
    Answer.objects.bulk_update(changed, ["proposal_explanation"], batch_size=1000)


def parts_to_texts(apps, schema_editor):
    Answer = apps.get_model("labelling", "Answer")
    changed = []
    for answer in Answer.objects.exclude(proposal_explanation=[]).only("pk", "proposal_explanation"):
        parts = answer.proposal_explanation or []
        answer.proposal_explanation_old = " ".join(
            str(part.get("params", {}).get("text", "")) for part in parts if part.get("key") == "text"
        )
        changed.append(answer)
    Answer.objects.bulk_update(changed, ["proposal_explanation_old"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("labelling", "0004_auditevent_moves_to_audit")]

    operations = [
        migrations.RenameField("answer", "proposal_explanation", "proposal_explanation_old"),
        migrations.AddField(
            model_name="answer",
            name="proposal_explanation",
            field=models.JSONField(blank=True, default=list, verbose_name="how the proposal was computed"),
        ),
        migrations.RunPython(texts_to_parts, parts_to_texts),
        migrations.RemoveField("answer", "proposal_explanation_old"),
    ]
