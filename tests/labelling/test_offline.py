import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from audit.models import AuditEvent
from core.exceptions import ConflictError
from indicators.questionnaire import QuestionnaireError
from labelling.models import AssessmentStatus
from labelling.services.answers import answer_save
from labelling.services.offline import (
    questionnaire_apply,
    questionnaire_changes,
    questionnaire_export_json,
    questionnaire_export_xlsx,
    questionnaire_pending,
    questionnaire_read,
)
from tests.labelling.samples import FULL


def _answer(assessment, code):
    return assessment.answers.select_related("indicator").get(indicator__code=code)


def _json_file(assessment, **answers) -> bytes:
    data = json.loads(questionnaire_export_json(assessment=assessment))
    data["answers"].update(answers)
    return json.dumps(data).encode()


def _xlsx_file(assessment, answers: dict) -> bytes:
    workbook = load_workbook(io.BytesIO(questionnaire_export_xlsx(assessment=assessment, language="en")))
    sheet = workbook["answers"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in answers:
            row[4].value = answers[row[0].value]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- services ----------------------------------------------------------------------------------


def test_the_export_holds_the_declared_answers_and_every_code(assessment, manager):
    v2 = _answer(assessment, "V2")
    answer_save(user=manager, answer=v2, value="current", expected_version=v2.version)
    data = json.loads(questionnaire_export_json(assessment=assessment))
    assert data["format"] == "grappe-questionnaire/1"
    assert data["cluster"]["name"] == "Cosmetic Valley"
    assert data["answers"]["V2"] == "current" and data["answers"]["S1"] is None
    assert len(data["answers"]) == 31


def test_the_xlsx_export_reads_back_to_the_same_answers(assessment, manager):
    g2 = _answer(assessment, "G2")
    answer_save(user=manager, answer=g2, value="2.5", expected_version=g2.version)
    questionnaire = questionnaire_read(assessment=assessment, data=questionnaire_export_xlsx(assessment=assessment))
    assert str(questionnaire.answers["G2"]) == "2.5"
    assert questionnaire_changes(assessment=assessment, questionnaire=questionnaire) == []


def test_changes_list_old_and_new_values_per_indicator(assessment, manager):
    s1 = _answer(assessment, "S1")
    answer_save(user=manager, answer=s1, value=40, expected_version=s1.version)
    questionnaire = questionnaire_read(
        assessment=assessment, data=_xlsx_file(assessment, {"S1": 80, "V1": "consulted"})
    )
    changes = questionnaire_changes(assessment=assessment, questionnaire=questionnaire)
    consulted = _answer(assessment, "V1").indicator.option_label("consulted")
    assert [(c.code, c.old, c.new) for c in changes] == [("S1", "40\u202f%", "80\u202f%"), ("V1", "", consulted)]


def test_a_questionnaire_with_several_errors_lists_them_all(assessment):
    data = json.loads(questionnaire_export_json(assessment=assessment))
    data["answers"].update({"S1": 140, "S3": "many", "V1": "excellent", "ZZ": 1})
    del data["answers"]["R3"]
    data["eligibility"]["legal_entity"] = "perhaps"
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire_read(assessment=assessment, data=json.dumps(data).encode())
    where = [field for field, _message in exc.value.errors]
    assert set(where) == {"S1", "S3", "V1", "ZZ", "R3", "eligibility.legal_entity"}


def test_a_file_for_another_year_or_with_too_many_decimals_is_refused(assessment):
    # Too many decimals: the file reader applies the same rule as the form (indicators.values.check).
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire_read(assessment=assessment, data=_json_file(assessment, G2=1.2345))
    assert [field for field, _message in exc.value.errors] == ["G2"]
    data = json.loads(_json_file(assessment, G2=1.234))
    data["reference_year"] = 2023
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire_read(assessment=assessment, data=json.dumps(data).encode())
    assert [field for field, _message in exc.value.errors] == ["reference_year"]


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 not really a workbook", b"{not json", b"\x7fELF\x02\x01"],
    ids=["empty", "broken-zip", "bad-json", "binary"],
)
def test_malformed_files_are_refused_with_a_file_error(assessment, data):
    with pytest.raises(QuestionnaireError) as exc:
        questionnaire_read(assessment=assessment, data=data)
    assert [field for field, _message in exc.value.errors] == ["file"]


def test_a_spreadsheet_without_the_answers_sheet_is_refused(assessment):
    workbook = load_workbook(io.BytesIO(questionnaire_export_xlsx(assessment=assessment)))
    del workbook["answers"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"):
        with pytest.raises(QuestionnaireError) as exc:
            questionnaire_read(assessment=assessment, data=buffer.getvalue())
        errors = [(field, str(message)) for field, message in exc.value.errors]
    assert ("file", 'the sheet "answers" is missing.') in errors


def test_apply_saves_every_change_and_audits_them(assessment, manager):
    questionnaire = questionnaire_read(assessment=assessment, data=_json_file(assessment, **FULL))
    pending = questionnaire_pending(assessment=assessment, questionnaire=questionnaire)
    assert questionnaire_apply(user=manager, assessment=assessment, pending=pending) == 31
    assert not assessment.answers.filter(declared_number__isnull=True, declared_option="").exists()
    assert AuditEvent.objects.filter(assessment=assessment, action="answer.declared").count() == 31


def test_apply_refuses_everything_when_an_answer_moved_since_the_preview(assessment, manager):
    questionnaire = questionnaire_read(assessment=assessment, data=_json_file(assessment, S1=80, S2=60))
    pending = questionnaire_pending(assessment=assessment, questionnaire=questionnaire)
    s2 = _answer(assessment, "S2")
    answer_save(user=manager, answer=s2, value=10, expected_version=s2.version)
    with pytest.raises(ConflictError):
        questionnaire_apply(user=manager, assessment=assessment, pending=pending)
    assert _answer(assessment, "S1").declared_number is None
    assert _answer(assessment, "S2").declared_number == 10


# --- pages -------------------------------------------------------------------------------------


def _upload(client, assessment, data: bytes, name: str):
    return client.post(
        reverse("labelling:assessment_offline", args=[assessment.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_the_downloads_are_attachments(assessment, manager, client_for):
    client = client_for(manager)
    xlsx = client.get(reverse("labelling:assessment_offline_xlsx", args=[assessment.pk]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == 'attachment; filename="grappe-CV-2025.xlsx"'
    load_workbook(io.BytesIO(xlsx.content))  # a real workbook
    data = client.get(reverse("labelling:assessment_offline_json", args=[assessment.pk]))
    assert json.loads(data.content)["reference_year"] == 2025


def test_upload_previews_then_applies_on_confirmation(assessment, manager, client_for):
    client = client_for(manager)
    response = _upload(client, assessment, _xlsx_file(assessment, {"S1": 80, "V12": "bilingual"}), "filled.xlsx")
    assert response.status_code == 200
    bilingual = _answer(assessment, "V12").indicator.option_label("bilingual")
    assert [(c.code, c.new) for c in response.context["changes"]] == [("S1", "80\u202f%"), ("V12", bilingual)]
    assert _answer(assessment, "S1").declared_number is None  # nothing yet
    token = response.context["token"]
    confirm = client.post(reverse("labelling:assessment_offline_confirm", args=[assessment.pk]), {"token": token})
    assert confirm.status_code == 302
    assert _answer(assessment, "S1").declared_number == 80
    assert _answer(assessment, "V12").declared_option == "bilingual"
    again = client.post(reverse("labelling:assessment_offline_confirm", args=[assessment.pk]), {"token": token})
    assert again["Location"] == reverse("labelling:assessment_offline", args=[assessment.pk])


def test_discarding_the_upload_changes_nothing(assessment, manager, client_for):
    client = client_for(manager)
    token = _upload(client, assessment, _json_file(assessment, S1=80), "q.json").context["token"]
    client.post(reverse("labelling:assessment_offline_confirm", args=[assessment.pk]), {"token": token, "cancel": "1"})
    assert _answer(assessment, "S1").declared_number is None
    assert "offline_questionnaire" not in client.session


def test_a_wrong_token_applies_nothing(assessment, manager, client_for):
    client = client_for(manager)
    _upload(client, assessment, _json_file(assessment, S1=80), "q.json")
    client.post(reverse("labelling:assessment_offline_confirm", args=[assessment.pk]), {"token": "forged"})
    assert _answer(assessment, "S1").declared_number is None


def test_a_bad_upload_lists_every_error_on_the_page(assessment, manager, client_for):
    data = _json_file(assessment, S1=140, S3="many", V1="excellent")
    response = _upload(client_for(manager), assessment, data, "q.json")
    assert response.status_code == 400
    assert [field for field, _message in response.context["file_errors"]] == ["S1", "S3", "V1"]
    assert 'id="file-errors"' in response.content.decode()


def test_a_malformed_spreadsheet_is_reported_not_a_crash(assessment, manager, client_for):
    response = _upload(client_for(manager), assessment, b"PK\x03\x04garbage" * 10, "q.xlsx")
    assert response.status_code == 400
    assert [field for field, _message in response.context["file_errors"]] == ["file"]


def test_a_conflict_between_preview_and_confirmation_applies_nothing(assessment, manager, client_for):
    client = client_for(manager)
    token = _upload(client, assessment, _json_file(assessment, S1=80, S2=60), "q.json").context["token"]
    s2 = _answer(assessment, "S2")
    answer_save(user=manager, answer=s2, value=10, expected_version=s2.version)
    response = client.post(reverse("labelling:assessment_offline_confirm", args=[assessment.pk]), {"token": token})
    assert response["Location"] == reverse("labelling:assessment_offline", args=[assessment.pk])
    assert _answer(assessment, "S1").declared_number is None


def test_a_submitted_assessment_takes_no_upload(assessment, manager, client_for):
    type(assessment).objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    client = client_for(manager)
    page = client.get(reverse("labelling:assessment_offline", args=[assessment.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    response = _upload(client, assessment, _json_file(assessment, S1=80), "q.json")
    assert response["Location"] == reverse("labelling:assessment_summary", args=[assessment.pk])
    assert _answer(assessment, "S1").declared_number is None


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_json_questionnaire_nested_200000_deep_is_refused_with_a_message(assessment, manager, client_for, opening):
    response = _upload(client_for(manager), assessment, (opening * 200_000).encode(), "deep.json")

    assert response.status_code == 400
    assert response.context["file_errors"] == [("file", "JSON imbriqué trop profondément.")]
    assert "imbriqué trop profondément" in response.content.decode()
