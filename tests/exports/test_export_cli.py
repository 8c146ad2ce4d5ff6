"""``foerderbuch export …`` and ``foerderbuch import …``: files written, German messages, exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_export_import import APPLIED, APPROVED, BROKEN_BUDGETS, BROKEN_GRANTS, BUDGET, fill

from domain.grant import Grant
from foerderbuch import exporting
from foerderbuch.cli import main
from foerderbuch.settings import Settings


@pytest.fixture
def settings(demo_file: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{demo_file}")


def run(argv: list[str], settings: Settings, capsys: Any) -> tuple[int, str, str]:
    code = main(argv, settings=settings)
    out, err = capsys.readouterr()
    return code, out, err


class TestExportFinance:
    def test_it_writes_the_workbook_and_names_the_chain_head(self, settings, tmp_path, capsys):
        target = tmp_path / "finanz.xlsx"

        code, out, _ = run(["export", "finance", "-o", str(target)], settings, capsys)

        assert code == 0 and target.is_file()
        assert "Finanzbericht geschrieben" in out and "Stand: Ereignis" in out
        assert openpyxl.load_workbook(target).sheetnames[0] == "Übersicht"

    def test_year_programme_and_as_of_narrow_it(self, settings, tmp_path, capsys):
        target = tmp_path / "finanz.xlsx"

        code, _, err = run(
            [
                "export",
                "finance",
                "-o",
                str(target),
                "--year",
                "2025-2026",
                "--programme",
                "KEPOL-KUMASI",
                "--as-of",
                "2026-01-31",
            ],
            settings,
            capsys,
        )

        assert code == 0, err
        info = {r[0]: r[1] for r in openpyxl.load_workbook(target)["Info"].iter_rows(values_only=True) if r[0]}
        assert info["Haushaltsjahre"] == "2025–2026" and info["Förderprogramm"] == "KEPOL-KUMASI"
        assert info["Stichtag (Geschäftsdatum)"].date().isoformat() == "2026-01-31"

    def test_a_log_position_as_of(self, settings, tmp_path, capsys):
        target = tmp_path / "finanz.xlsx"

        code, _, _ = run(["export", "finance", "-o", str(target), "--as-of", "120"], settings, capsys)

        info = {r[0]: r[1] for r in openpyxl.load_workbook(target)["Info"].iter_rows(values_only=True) if r[0]}
        assert code == 0 and info["Stand: Log-Position"] <= 120

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["--programme", "NIX"], "Kürzel »NIX« gibt es nicht"),
            (["--programme", "mit leerzeichen"], "Programmkürzel »MIT LEERZEICHEN«"),
            (["--year", "20x"], "kein Haushaltsjahr"),
            (["--year", "2027-2025"], "kein plausibles Haushaltsjahr"),
            (["--as-of", "gestern"], "weder ein Datum"),
            (["--as-of", "999999"], "gibt es noch nicht"),
        ],
    )
    def test_bad_input_exits_2_with_a_german_message(self, settings, tmp_path, capsys, arguments, message):
        target = tmp_path / "finanz.xlsx"

        code, _, err = run(["export", "finance", "-o", str(target), *arguments], settings, capsys)

        assert code == 2 and message in err
        assert not target.exists()

    @pytest.mark.parametrize(
        ("target", "message"), [("finanz.csv", "muss auf .xlsx enden"), ("fehlt/finanz.xlsx", "gibt es nicht")]
    )
    def test_a_target_that_cannot_be_written_is_refused(self, settings, tmp_path, capsys, target, message):
        code, _, err = run(["export", "finance", "-o", str(tmp_path / target)], settings, capsys)

        assert code == 2 and message in err

    def test_a_failed_export_leaves_neither_the_file_nor_a_temporary_one(self, settings, tmp_path, monkeypatch, capsys):
        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("Platte voll")

        monkeypatch.setattr(exporting, "write_finance_workbook", broken)

        with pytest.raises(RuntimeError):
            main(["export", "finance", "-o", str(tmp_path / "finanz.xlsx")], settings=settings)
        assert list(tmp_path.iterdir()) == []


class TestOtherExports:
    @pytest.mark.parametrize("reference", ["IB-2025-002", str(Grant.create_id("IB-2025-002"))])
    def test_the_proof_of_use_of_a_grant_by_file_number_or_id(self, settings, tmp_path, capsys, reference):
        target = tmp_path / "vn.xlsx"

        code, out, _ = run(["export", "grant", reference, "-o", str(target)], settings, capsys)

        assert code == 0 and "Verwendungsnachweis IB-2025-002" in out
        assert openpyxl.load_workbook(target).sheetnames == ["Verwendungsnachweis", "Belege"]

    def test_an_unknown_grant_exits_2(self, settings, tmp_path, capsys):
        code, _, err = run(["export", "grant", "IB-1900-001", "-o", str(tmp_path / "vn.xlsx")], settings, capsys)

        assert code == 2 and "»IB-1900-001« gibt es nicht" in err

    def test_csv_into_a_folder(self, settings, tmp_path, capsys):
        code, out, _ = run(["export", "csv", "-o", str(tmp_path / "csv"), "--year", "2026"], settings, capsys)

        assert code == 0 and "8 CSV-Dateien" in out
        assert (tmp_path / "csv" / "zuwendungen.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    def test_csv_into_a_file_is_refused(self, settings, tmp_path, capsys):
        (tmp_path / "datei").write_text("x")

        code, _, err = run(["export", "csv", "-o", str(tmp_path / "datei")], settings, capsys)

        assert code == 2 and "ist eine Datei" in err

    @pytest.mark.parametrize("name", ["paket.json", "paket.xlsx"])
    def test_360giving_as_json_or_spreadsheet(self, settings, tmp_path, capsys, name):
        code, out, _ = run(["export", "360giving", "-o", str(tmp_path / name)], settings, capsys)

        assert code == 0 and "360Giving: 16 Zuwendungen" in out  # 17 awarded, one revoked in full

    def test_360giving_to_another_format_is_refused(self, settings, tmp_path, capsys):
        code, _, err = run(["export", "360giving", "-o", str(tmp_path / "paket.txt")], settings, capsys)

        assert code == 2 and ".json oder .xlsx" in err


class TestImport:
    def test_the_template(self, tmp_path, fresh, capsys):
        target = tmp_path / "vorlage.xlsx"

        code, out, _ = run(["import", "template", "-o", str(target)], fresh, capsys)

        assert code == 0 and target.is_file() and "Anleitung" in out

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["import", "template"], "wohin die Importvorlage"),
            (["import", "liste.xlsx", "-o", "x.xlsx"], "-o gilt nur"),
            (["import", "gibt-es-nicht.xlsx"], "gibt es nicht"),
        ],
    )
    def test_bad_calls_exit_2(self, fresh, capsys, argv, message):
        code, _, err = run(argv, fresh, capsys)

        assert code == 2 and message in err

    def test_a_file_that_is_no_workbook_exits_2(self, fresh, tmp_path, capsys):
        path = tmp_path / "liste.xlsx"
        path.write_bytes(b"PK\x03\x04 kaputt")

        code, _, err = run(["import", str(path)], fresh, capsys)

        assert code == 2 and "keine lesbare Excel-Arbeitsmappe" in err

    def test_a_valid_file_imports_and_a_second_run_has_nothing_to_do(self, fresh, tmp_path, capsys):
        path = fill(tmp_path / "liste.xlsx", [BUDGET], [APPROVED, APPLIED])

        first = run(["import", str(path)], fresh, capsys)
        second = run(["import", str(path)], fresh, capsys)

        assert first[0] == 0 and "Import abgeschlossen" in first[1] and "Zuwendungen erfasst: 2" in first[1]
        assert second[0] == 0 and "Nichts zu tun" in second[1] and "Neue Ereignisse im Log: 0" in second[1]

    def test_a_file_with_errors_lists_them_all_and_leaves_the_annotated_copy(self, fresh, tmp_path, capsys):
        path = fill(tmp_path / "liste.xlsx", BROKEN_BUDGETS, BROKEN_GRANTS)

        code, _, err = run(["import", str(path)], fresh, capsys)

        assert code == 2
        assert "Die Datei hat 11 Fehler; es wurde nichts importiert" in err
        assert err.count("Zeile") >= 11 and "Zuwendungen, Zeile 7, Spalte »Titel«: Pflichtangabe fehlt." in err
        assert (tmp_path / "liste.fehler.xlsx").is_file()
        assert str(tmp_path / "liste.fehler.xlsx") in err
