"""The record pages: access rules, forms that keep what was typed, optimistic locking, logo, import."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from audit.models import AuditEvent
from clusters.importers import headers_for
from clusters.models import Cluster, FinancingYear, Member, TeamYear
from tests.factories import FinancingYearFactory, MemberFactory, TeamYearFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def profile_data(cluster, **overrides):
    data = {
        "name": cluster.name,
        "acronym": cluster.acronym,
        "kind": cluster.kind,
        "legal_form": cluster.legal_form,
        "legal_entity": "on",
        "public_profile": "on",
        "country": cluster.country,
        "region": cluster.region,
        "city": cluster.city,
        "website": cluster.website,
        "year_founded": cluster.year_founded,
        "sectors": "cosmétique, parfum",
        "s3_domains": "",
        "description_fr": "",
        "description_en": "",
        "version": cluster.version,
    }
    data.update(overrides)
    return data


# --- access -----------------------------------------------------------------------------------------

PAGES = [
    "/clusters/{pk}/",
    "/clusters/{pk}/edit/",
    "/clusters/{pk}/members/",
    "/clusters/{pk}/members/add/",
    "/clusters/{pk}/members/import/",
    "/clusters/{pk}/members/import/template.csv",
    "/clusters/{pk}/team/",
    "/clusters/{pk}/team/add/",
    "/clusters/{pk}/financing/",
    "/clusters/{pk}/financing/add/",
]


@pytest.mark.parametrize("page", PAGES)
def test_the_manager_and_an_administrator_open_every_page(page, cluster, manager, administrator, en_client_for):
    for user in (manager, administrator):
        assert en_client_for(user).get(page.format(pk=cluster.pk)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_another_cluster_manager_and_an_assessor_get_404(page, cluster, other_manager, assessor, en_client_for):
    for user in (other_manager, assessor):
        assert en_client_for(user).get(page.format(pk=cluster.pk)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_is_sent_to_the_login_page(page, cluster, en_client_for):
    response = en_client_for(None).get(page.format(pk=cluster.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_member_and_year_pages_of_another_cluster_are_404(cluster, other_cluster, manager, en_client_for):
    other_member = MemberFactory(cluster=other_cluster)
    FinancingYearFactory(cluster=other_cluster, year=2024)
    client = en_client_for(manager)
    assert client.get(f"/clusters/{cluster.pk}/members/{other_member.pk}/edit/").status_code == 404
    assert client.get(f"/clusters/{cluster.pk}/financing/2024/edit/").status_code == 404
    assert client.get(f"/clusters/{other_cluster.pk}/financing/2024/edit/").status_code == 404
    response = client.post(
        f"/clusters/{other_cluster.pk}/members/{other_member.pk}/active/", {"active": "0", "version": "1"}
    )
    assert response.status_code == 404
    assert Member.objects.get(pk=other_member.pk).active is True


def test_the_dashboard_lists_only_the_managers_clusters_with_their_links(
    cluster, other_cluster, manager, en_client_for
):
    MemberFactory.create_batch(3, cluster=cluster)
    MemberFactory(cluster=cluster, active=False)
    body = en_client_for(manager).get("/clusters/").content.decode()
    assert "Cosmetic Valley" in body and "S2E2" not in body
    assert f"/clusters/{cluster.pk}/assessments/" in body
    assert "3 active members" in body


def test_the_profile_shows_the_values_computed_from_the_records(cluster, manager, en_client_for):
    year = datetime.date.today().year - 1
    MemberFactory.create_batch(3, cluster=cluster, member_type="sme", region="24")
    MemberFactory(cluster=cluster, member_type="research", region="11")
    FinancingYearFactory(cluster=cluster, year=year)
    body = en_client_for(manager).get(f"/clusters/{cluster.pk}/").content.decode()
    assert "3 companies (SMEs and large companies) of 4 active members." in body
    assert "75%" in body  # the share of companies, as people write it


# --- profile ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "labels"), [("fr", ["Site web", "Logo"]), ("en", ["Website", "Logo"])])
def test_the_profile_form_labels_begin_with_a_capital_letter(cluster, manager, client_for, language, labels):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(f"/clusters/{cluster.pk}/edit/").content.decode()

    for label in labels:
        assert re.search(rf'<label for="id_[a-z_]+">{label}\b', html), label


def test_the_profile_form_saves_lists_typed_with_commas(cluster, manager, en_client_for):
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/edit/", profile_data(cluster, sectors="cosmétique, parfum, , Parfum", country="fr")
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert (cluster.sectors, cluster.country, cluster.version) == (["cosmétique", "parfum"], "FR", 2)
    assert AuditEvent.objects.filter(cluster=cluster, action="cluster.update").count() == 1


def test_the_profile_form_with_bad_input_re_renders_with_what_was_typed(cluster, manager, en_client_for):
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/edit/",
        profile_data(cluster, name="", country="F1", year_founded="1492", website="nowhere", city="Bourges"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["This field is required."]
    assert errors["country"] == ["Use the two-letter ISO code of the country, e.g. FR."]
    assert errors["website"] == ["Enter a valid URL."]
    assert "year_founded" in errors
    body = response.content.decode()
    assert 'value="Bourges"' in body and 'value="F1"' in body and 'value="nowhere"' in body
    cluster.refresh_from_db()
    assert (cluster.city, cluster.version) == ("Orléans", 1)


def test_a_stale_profile_form_shows_a_conflict_keeps_the_input_and_overwrites_nothing(
    cluster, manager, administrator, en_client_for
):
    en_client_for(administrator).post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, city="Tours"))
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/edit/", profile_data(cluster, city="Blois", version=1)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else has changed this record since you opened it. Reload the page to see their changes."
    ]
    assert 'value="Blois"' in response.content.decode()
    cluster.refresh_from_db()
    assert (cluster.city, cluster.version) == ("Tours", 2)


def test_a_png_logo_is_stored(cluster, manager, en_client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile("cosmetic-valley-logo.png", png_bytes(), content_type="image/png")
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo))
    assert response.status_code == 302
    cluster.refresh_from_db()
    # stored under a random key: an object's key names no cluster (docs/operations/storage.md)
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", cluster.logo.name), cluster.logo.name
    assert (tmp_path / cluster.logo.name).read_bytes() == png_bytes()


def test_a_renamed_executable_is_refused_as_a_logo(cluster, manager, en_client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"
    logo = SimpleUploadedFile("logo.png", exe, content_type="image/png")
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo, city="Vierzon")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == ["The logo must be a PNG, JPEG, GIF or WebP image."]
    assert 'value="Vierzon"' in response.content.decode()
    cluster.refresh_from_db()
    assert not cluster.logo and cluster.city == "Orléans"
    assert not (tmp_path / "logos").exists()


def test_an_oversized_logo_is_refused(cluster, manager, en_client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LOGO_MAX_BYTES = 1024
    logo = SimpleUploadedFile("big.png", png_bytes((400, 400)) + b"\x00" * 2048, content_type="image/png")
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo))
    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == ["The logo is too large: 1 KB at most."]
    cluster.refresh_from_db()
    assert not cluster.logo


# --- members ------------------------------------------------------------------------------------------


def test_the_member_list_searches_filters_and_paginates(cluster, manager, en_client_for):
    MemberFactory(cluster=cluster, name="Parfums Christian Dior", member_type="large", region="75")
    MemberFactory(cluster=cluster, name="Dior Lab", member_type="research", region="24", active=False)
    MemberFactory.create_batch(55, cluster=cluster, member_type="sme", region="24")
    client = en_client_for(manager)
    response = client.get(f"/clusters/{cluster.pk}/members/", {"q": "dior"})
    assert [m.name for m in response.context["page"].object_list] == ["Dior Lab", "Parfums Christian Dior"]
    response = client.get(f"/clusters/{cluster.pk}/members/", {"q": "dior", "active": "true"})
    assert [m.name for m in response.context["page"].object_list] == ["Parfums Christian Dior"]
    response = client.get(f"/clusters/{cluster.pk}/members/", {"member_type": "research"})
    assert [m.name for m in response.context["page"].object_list] == ["Dior Lab"]
    response = client.get(f"/clusters/{cluster.pk}/members/", {"region": "75"})
    assert len(response.context["page"].object_list) == 1
    response = client.get(f"/clusters/{cluster.pk}/members/", {"member_type": "sme", "page": "2"})
    assert len(response.context["page"].object_list) == 5
    assert "member_type=sme&amp;page=1" in response.content.decode()


def test_a_member_is_added(cluster, manager, en_client_for):
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/members/add/",
        {"name": "Guerlain", "member_type": "large", "size_class": "large", "region": "75", "fee_paying": "on"},
    )
    assert response.status_code == 302
    member = Member.objects.get(cluster=cluster)
    assert (member.name, member.member_type, member.active, member.fee_paying) == ("Guerlain", "large", True, True)


def test_the_member_form_with_bad_input_re_renders_with_what_was_typed(cluster, manager, en_client_for):
    MemberFactory(cluster=cluster, name="Guerlain")
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/members/add/",
        {"name": "GUERLAIN", "member_type": "alien", "region": "12345678901", "member_since": "2999-01-01"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["A member with this name already exists in this cluster."]
    assert errors["member_type"] == ["Select a valid choice. alien is not one of the available choices."]
    assert errors["region"] == ["Ensure this value has at most 10 characters (it has 11)."]
    assert errors["member_since"] == ["The membership date cannot be in the future."]
    assert 'value="GUERLAIN"' in response.content.decode()
    assert Member.objects.filter(cluster=cluster).count() == 1


def test_a_member_is_edited_and_a_stale_edit_is_refused_with_the_input_kept(cluster, manager, en_client_for):
    member = MemberFactory(cluster=cluster, name="Guerlain", region="24")
    client = en_client_for(manager)
    data = {"name": "Guerlain SA", "member_type": "large", "size_class": "", "region": "75", "version": "1"}
    assert client.post(f"/clusters/{cluster.pk}/members/{member.pk}/edit/", data).status_code == 302
    response = client.post(
        f"/clusters/{cluster.pk}/members/{member.pk}/edit/", {**data, "region": "11", "name": "Guerlain Paris"}
    )
    assert response.status_code == 200
    assert "Someone else has changed this record" in response.context["form"].non_field_errors()[0]
    assert 'value="Guerlain Paris"' in response.content.decode()
    member.refresh_from_db()
    assert (member.name, member.region, member.version) == ("Guerlain SA", "75", 2)


def test_a_member_is_deactivated_and_reactivated_never_deleted(cluster, manager, en_client_for):
    member = MemberFactory(cluster=cluster)
    client = en_client_for(manager)
    url = f"/clusters/{cluster.pk}/members/{member.pk}/active/"
    assert client.post(url, {"active": "0", "version": "1"}).status_code == 302
    assert Member.objects.get(pk=member.pk).active is False
    response = client.post(url, {"active": "1", "version": "1"}, follow=True)  # stale
    assert "Someone else has changed this record" in response.content.decode()
    assert Member.objects.get(pk=member.pk).active is False
    client.post(url, {"active": "1", "version": "2"})
    assert Member.objects.get(pk=member.pk).active is True
    assert client.get(url).status_code == 405


# --- team and financing -------------------------------------------------------------------------------


def test_a_team_year_is_added_and_listed(cluster, manager, en_client_for):
    client = en_client_for(manager)
    response = client.post(
        f"/clusters/{cluster.pk}/team/add/",
        {
            "year": "2025",
            "staff_fte": "3.5",
            "staff_headcount": "4",
            "staff_with_degree": "3",
            "board_seats": "12",
            "board_company_seats": "7",
            "strategy_document": "on",
            "strategy_adopted_on": "2024-02-01",
            "action_plan": "complete",
        },
    )
    assert response.status_code == 302
    row = TeamYear.objects.get(cluster=cluster, year=2025)
    assert (row.staff_fte, row.strategy_adopted_on) == (Decimal("3.50"), datetime.date(2024, 2, 1))
    assert "3.50" in client.get(f"/clusters/{cluster.pk}/team/").content.decode()


def test_the_team_form_with_bad_input_re_renders_with_what_was_typed(cluster, manager, en_client_for):
    TeamYearFactory(cluster=cluster, year=2024)
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/team/add/",
        {
            "year": "2024",
            "staff_fte": "-1",
            "staff_headcount": "3",
            "staff_with_degree": "5",
            "board_seats": "4",
            "board_company_seats": "9",
            "strategy_document": "on",
            "action_plan": "complete",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["year"] == ["Facts for 2024 are already recorded: edit them instead."]
    assert errors["staff_fte"] == ["Ensure this value is greater than or equal to 0."]
    assert errors["staff_with_degree"] == ["Cannot be more than the headcount (3)."]
    assert errors["board_company_seats"] == ["Cannot be more than the board seats (4)."]
    assert errors["strategy_adopted_on"] == ["Give the date the documented strategy was adopted."]
    assert 'value="-1"' in response.content.decode()
    assert TeamYear.objects.filter(cluster=cluster).count() == 1


def test_a_stale_team_year_edit_is_refused(cluster, manager, en_client_for):
    TeamYearFactory(cluster=cluster, year=2025, staff_fte=Decimal("2"))
    client = en_client_for(manager)
    data = {"staff_fte": "3", "action_plan": "partial", "version": "1"}
    assert client.post(f"/clusters/{cluster.pk}/team/2025/edit/", data).status_code == 302
    response = client.post(f"/clusters/{cluster.pk}/team/2025/edit/", {**data, "staff_fte": "8"})
    assert response.status_code == 200
    assert "Someone else has changed this record" in response.context["form"].non_field_errors()[0]
    assert 'value="8"' in response.content.decode()
    row = TeamYear.objects.get(cluster=cluster, year=2025)
    assert (row.staff_fte, row.version, row.year) == (Decimal("3.00"), 2, 2025)


def test_financing_years_are_listed_with_totals_and_private_share(cluster, manager, en_client_for):
    FinancingYearFactory(cluster=cluster, year=2025)
    body = en_client_for(manager).get(f"/clusters/{cluster.pk}/financing/").content.decode()
    assert "600,000" in body and "33.3%" in body


def test_the_financing_form_refuses_negative_and_non_numeric_amounts(cluster, manager, en_client_for):
    response = en_client_for(manager).post(
        f"/clusters/{cluster.pk}/financing/add/",
        {"year": "2025", "state": "-5", "regional": "abc", "eu": "0", "member_fees": "0", "paid_services": "0",
         "other_private": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["state"] == ["Ensure this value is greater than or equal to 0."]
    assert errors["regional"] == ["Enter a number, e.g. 12,000.5."]
    assert 'value="abc"' in response.content.decode()
    assert not FinancingYear.objects.exists()


def test_a_financing_year_is_added_then_edited(cluster, manager, en_client_for):
    client = en_client_for(manager)
    amounts = {"eu": "0", "member_fees": "1000", "paid_services": "0", "other_private": "0", "regional": "0"}
    assert (
        client.post(f"/clusters/{cluster.pk}/financing/add/", {"year": "2024", "state": "1000", **amounts}).status_code
        == 302
    )
    client.post(f"/clusters/{cluster.pk}/financing/2024/edit/", {"state": "3000", "version": "1", **amounts})
    row = FinancingYear.objects.get(cluster=cluster, year=2024)
    assert (row.state, row.total, row.version) == (Decimal("3000.00"), Decimal("4000.00"), 2)


# --- import page ----------------------------------------------------------------------------------------


def big_csv(rows: int, bad_line: int | None = None) -> bytes:
    lines = ["Nom;Type;Taille;Région;Membre depuis;Cotisant;Actif"]
    for i in range(rows):
        line_number = i + 2
        member_type = "licorne" if line_number == bad_line else "PME"
        lines.append(f"Entreprise {i:05d};{member_type};petite;24;01/02/2015;oui;oui")
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_6000_row_file_with_one_bad_row_saves_nothing_and_reports_that_line(cluster, manager, en_client_for):
    upload = SimpleUploadedFile("membres.csv", big_csv(6000, bad_line=4321), content_type="text/csv")
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
    assert response.status_code == 400
    assert response.context["problems"] == [
        "Line 4321: unknown type “licorne” (expected one of: sme, large, research, university, public, other)."
    ]
    assert "Line 4321" in response.content.decode()
    assert not Member.objects.filter(cluster=cluster).exists()


def test_a_6000_row_file_is_imported_and_reimporting_it_updates_without_duplicates(cluster, manager, en_client_for):
    client = en_client_for(manager)
    upload = SimpleUploadedFile("membres.csv", big_csv(6000), content_type="text/csv")
    response = client.post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
    assert response.status_code == 200
    assert "Import done: 6000 created, 0 updated, 0 unchanged." in response.content.decode()
    assert Member.objects.filter(cluster=cluster).count() == 6000
    changed = big_csv(6000).replace(b"Entreprise 00007;PME;petite;24", b"ENTREPRISE 00007;PME;petite;11")
    response = client.post(
        f"/clusters/{cluster.pk}/members/import/", {"file": SimpleUploadedFile("membres.csv", changed)}
    )
    assert (response.context["result"].created, response.context["result"].updated) == (0, 1)
    assert Member.objects.filter(cluster=cluster).count() == 6000
    assert Member.objects.get(cluster=cluster, name="Entreprise 00007").region == "11"


def test_the_import_page_reports_a_malformed_xlsx(cluster, manager, en_client_for):
    upload = SimpleUploadedFile("membres.xlsx", b"\x00\x01garbage" * 100)
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
    assert response.status_code == 400
    assert response.context["problems"] == ["The file is not a valid XLSX workbook."]


def test_the_import_page_asks_for_a_file(cluster, manager, en_client_for):
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/members/import/", {})
    assert response.context["problems"] == ["Choose a CSV or XLSX file to import."]


def test_the_template_is_in_the_users_language(cluster, manager, client_for, en_client_for):
    french = client_for(manager).get(f"/clusters/{cluster.pk}/members/import/template.csv")
    assert french.content.decode("utf-8-sig").startswith("Nom;Type;Taille;Région")
    english = en_client_for(manager).get(f"/clusters/{cluster.pk}/members/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(english.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Name", "Type", "Size class"]
    assert en_client_for(manager).get(f"/clusters/{cluster.pk}/members/import/template.pdf").status_code == 404


def test_assessors_cannot_import(cluster, assessor, en_client_for):
    upload = SimpleUploadedFile("membres.csv", big_csv(2))
    response = en_client_for(assessor).post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
    assert response.status_code == 404
    assert not Member.objects.exists()
    assert Cluster.objects.count() == 1


def test_a_logo_can_be_removed(cluster, manager, en_client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = en_client_for(manager)
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo))
    cluster.refresh_from_db()
    assert cluster.logo
    client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, **{"logo-clear": "on"}))
    cluster.refresh_from_db()
    assert not cluster.logo and cluster.version == 3
    assert AuditEvent.objects.filter(action="cluster.update").first().after["logo"] == ""


def _upload_logo(client, cluster, name="logo.png", size=(8, 8), **overrides):
    logo = SimpleUploadedFile(name, png_bytes(size), content_type="image/png")
    assert (
        client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo, **overrides)).status_code == 302
    )
    cluster.refresh_from_db()
    return cluster.logo.name


def test_a_cleared_logo_leaves_the_storage_and_its_public_url(
    cluster, manager, en_client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = en_client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        old = _upload_logo(client, cluster)
    assert client.get(f"/media/{old}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, **{"logo-clear": "on"}))
    assert response.status_code == 302
    assert not (tmp_path / old).exists()
    assert client.get(f"/media/{old}").status_code == 404


def test_a_replaced_logo_leaves_the_storage_and_the_new_one_is_served(
    cluster, manager, en_client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = en_client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        old = _upload_logo(client, cluster)
        new = _upload_logo(client, cluster, "new.png", size=(16, 16))
    assert new != old
    assert not (tmp_path / old).exists()
    assert client.get(f"/media/{old}").status_code == 404
    served = client.get(f"/media/{new}")
    assert served.status_code == 200 and b"".join(served.streaming_content) == png_bytes((16, 16))


def test_a_save_that_keeps_the_logo_keeps_its_file(
    cluster, manager, en_client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = en_client_for(manager)
    with django_capture_on_commit_callbacks(execute=True):
        logo = _upload_logo(client, cluster)
        response = client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, city="Tours"))
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert (cluster.city, cluster.logo.name) == ("Tours", logo)
    assert (tmp_path / logo).read_bytes() == png_bytes()
    assert client.get(f"/media/{logo}").status_code == 200


def test_a_logo_cleared_in_the_django_admin_leaves_the_storage(
    cluster, settings, tmp_path, rf, django_capture_on_commit_callbacks
):
    from django.contrib.admin.sites import site

    settings.MEDIA_ROOT = tmp_path
    cluster.logo.save("logo.png", SimpleUploadedFile("logo.png", png_bytes()))
    old = cluster.logo.name
    assert (tmp_path / old).exists()
    unchanged = Cluster.objects.get(pk=cluster.pk)
    with django_capture_on_commit_callbacks(execute=True):
        site._registry[Cluster].save_model(rf.post("/"), unchanged, None, change=True)
    assert (tmp_path / old).exists()
    cleared = Cluster.objects.get(pk=cluster.pk)
    cleared.logo = ""
    with django_capture_on_commit_callbacks(execute=True):
        site._registry[Cluster].save_model(rf.post("/"), cleared, None, change=True)
    assert not (tmp_path / old).exists()


def test_an_unknown_filter_value_is_ignored_not_an_error(cluster, manager, en_client_for):
    MemberFactory(cluster=cluster)
    response = en_client_for(manager).get(f"/clusters/{cluster.pk}/members/", {"member_type": "alien", "page": "x"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_the_member_list_runs_a_constant_number_of_queries(
    cluster, manager, en_client_for, django_assert_max_num_queries
):
    MemberFactory.create_batch(40, cluster=cluster)
    client = en_client_for(manager)
    client.get(f"/clusters/{cluster.pk}/members/")  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(f"/clusters/{cluster.pk}/members/")
    assert len(response.context["page"].object_list) == 40


def test_the_import_page_refuses_a_file_over_the_limit_before_reading_it(cluster, manager, en_client_for, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("membres.csv", b"Nom;Type\r\n" + b"x;sme\r\n" * 200_000)
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
    assert response.context["problems"] == ["The file is too large (1 MB at most)."]
    assert not Member.objects.exists()


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` × ``height`` pixels, with a few bytes of pixel data (a small file
    that would expand to gigabytes if decoded)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def test_a_logo_declaring_60000_by_60000_pixels_is_refused_before_it_is_decoded(
    cluster, manager, en_client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile("logo.png", _png_declaring(60_000, 60_000), content_type="image/png")

    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo))

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == ["The logo is too large: 2000 × 2000 pixels at most."]
    cluster.refresh_from_db()
    assert not cluster.logo


def test_a_file_that_only_starts_like_a_png_is_refused_as_a_logo(cluster, manager, en_client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    forged = _png_declaring(64, 64)  # the header says 64 × 64, the data holds far fewer pixels
    logo = SimpleUploadedFile("logo.png", forged, content_type="image/png")

    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo))

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == ["The logo must be a PNG, JPEG, GIF or WebP image."]


def test_a_forged_logo_is_refused_even_once_weasyprint_let_pillow_load_truncated_images(
    cluster, manager, en_client_for, settings, tmp_path, monkeypatch
):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile("logo.png", _png_declaring(64, 64), content_type="image/png")
    response = en_client_for(manager).post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo))
    assert response.context["form"].errors["logo"] == ["The logo must be a PNG, JPEG, GIF or WebP image."]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the report renderer's setting is left as it was


def test_a_logo_at_the_pixel_limit_is_accepted_and_one_pixel_more_is_not(
    cluster, manager, en_client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.LOGO_MAX_PIXELS = 16
    client = en_client_for(manager)
    wider = SimpleUploadedFile("logo.png", png_bytes((17, 4)), content_type="image/png")
    response = client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=wider))
    assert response.context["form"].errors["logo"] == ["The logo is too large: 16 × 16 pixels at most."]

    logo = SimpleUploadedFile("logo.png", png_bytes((16, 4)), content_type="image/png")
    assert client.post(f"/clusters/{cluster.pk}/edit/", profile_data(cluster, logo=logo)).status_code == 302


def test_the_profile_shows_proposals_as_people_read_them_in_their_language(framework, cluster, manager, client_for):
    """A level proposal shows its option's label (never the code), the region its name, numbers the local way."""
    from django.utils import timezone

    year = timezone.localdate().year - 1
    TeamYearFactory(cluster=cluster, year=year, strategy_document=True, strategy_adopted_on=datetime.date(year, 1, 1))
    MemberFactory.create_batch(2, cluster=cluster, region=cluster.region or "24")
    client = client_for(manager)
    french = client.get(f"/clusters/{cluster.pk}/").content.decode()
    v2 = french.split('<th scope="row">V2')[1].split("</tr>")[0]
    assert ">current<" not in v2 and "Stratégie adoptée le" in v2
    client.cookies["django_language"] = "en"
    english = client.get(f"/clusters/{cluster.pk}/").content.decode()
    v2_en = english.split('<th scope="row">V2')[1].split("</tr>")[0]
    assert ">current<" not in v2_en and "Strategy adopted on" in v2_en


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_import_page_lists_the_importers_columns_and_a_file_headed_as_it_says_is_imported(
    cluster, manager, client_for, language
):
    """The page's list of columns comes from the importer's own table: every header it shows, in either language,
    is one the importer reads (the page once said « tranche d'effectif », a header the importer refused)."""
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = client.get(f"/clusters/{cluster.pk}/members/import/").content.decode()
    listed = re.findall(r"<li><strong>([^<]+)</strong>(?: <span class=\"help\">\((?:or|ou) ([^)]+)\)</span>)?", body)
    assert [header for header, _other in listed] == headers_for(language)
    for headers in ([header for header, _other in listed], [other or header for header, other in listed]):
        upload = SimpleUploadedFile(
            "m.csv", (";".join(headers) + "\r\n" + "Acme;PME;petite;24;2015-02-01;oui;oui\r\n").encode()
        )
        response = client.post(f"/clusters/{cluster.pk}/members/import/", {"file": upload})
        assert response.status_code == 200, response.context["problems"]
    assert Member.objects.get(cluster=cluster).size_class == "small"
