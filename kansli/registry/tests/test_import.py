"""`kansli import registry`: cases and documents from an earlier system's CSV export."""

import datetime
import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.utils import timezone

from kansli.access.rules import forget
from kansli.access.testing import make_access_group
from kansli.audit.chain import verify
from kansli.audit.models import AuditEvent
from kansli.org.models import Authority, Role
from kansli.org.testing import make_authority, make_user
from kansli.registry import actions, legacy_csv
from kansli.registry.models import Case, CaseStatus, Document
from kansli.registry.testing import make_provision, make_registrar
from kansli.search.query import search

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
# The command's module is named after it: `import`, which Python's import statement can't name.
Progress = importlib.import_module("kansli.registry.management.commands.import").Progress
HEADER = (
    "case_id;case_number;authority;title;opened;status;document_id;document_number;"
    "direction;document_date;counterpart;description;document_type;secrecy"
)
GOOD = [
    "A1;KS 2019/12;KS;Detaljplan för Norra hamnen;2019-03-01;avslutat;D1;KS 2019/12-1;"
    "Inkommen;2019-03-01;Anna Ek;Begäran om planbesked;Skrivelse;OSL 39 kap. 3 §",
    "A1;KS 2019/12;KS;Detaljplan för Norra hamnen;2019-03-01;avslutat;D2;;upprättad;"
    "2019-04-02;;Tjänsteskrivelse;;",
    "A2;KS 2020/7;KS;Ny förskola i Berga;2020-01-10;Under handläggning;D3;3;UTGÅENDE;"
    "2020-01-12;Skolverket;Yttrande;;",
]
BAD = [
    "A3;XX 2020/1;XX;Okänd myndighet;2020-01-01;;D4;1;inkommen;2020-01-01;x;y;;",
    "A4;KS 2020/8;KS;Fel datum;2020-13-01;;D5;1;inkommen;2020-01-01;x;y;;",
    "A5;KS 2020/9;KS;Fel riktning;2020-01-01;;D6;1;sidledes;2020-01-01;x;y;;",
    "A6;KS 2020/10;KS;;2020-01-01;;D7;1;inkommen;2020-01-01;x;y;;",
]


def run(path: Path, *args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of `kansli import registry`."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import", "registry", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_good_rows_load_bad_rows_are_named_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    make_authority("KS")
    make_provision()
    path = write(tmp_path, [HEADER, *GOOD, *BAD])
    status, out, err = run(path)
    assert status == 1
    assert out.strip() == (
        "Import klar: 2 ärenden och 3 handlingar nya, 0 rader oförändrade, 4 rader avvisade."
    )
    assert err.splitlines() == [
        "Rad 5 avvisad: Okänd myndighet 'XX'.",
        "Rad 6 avvisad: Ogiltigt datum '2020-13-01' i opened: ange ÅÅÅÅ-MM-DD.",
        "Rad 7 avvisad: Okänd riktning 'sidledes': ange inkommen, upprättad, utgående eller PM.",
        "Rad 8 avvisad: Värde saknas i title.",
    ]
    planning = Case.objects.get(external_id="A1")
    assert (planning.case_number, planning.status) == ("KS 2019/12", CaseStatus.CLOSED)
    first, second = planning.documents.all()
    assert (first.document_number, first.direction, first.secrecy_id) == (
        "KS 2019/12-1", "inkommen", make_provision().pk,
    )  # fmt: skip
    assert (second.number, second.direction, second.registered_by) == (2, "upprattad", None)
    assert second.registered_at == timezone.make_aware(datetime.datetime(2019, 4, 2))
    school = Document.objects.get(external_id="D3")
    assert (school.document_number, school.direction) == ("KS 2020/7-3", "utgaende")
    assert school.case.status == CaseStatus.IN_PROGRESS
    assert not Case.objects.filter(external_id__in=["A3", "A4", "A5", "A6"]).exists()
    imported = AuditEvent.objects.values_list("action", flat=True)
    assert list(imported).count("registry.import_case") == 2
    assert list(imported).count("registry.import_document") == 3

    status, out, _err = run(path)
    assert status == 1
    assert "0 ärenden och 0 handlingar nya, 3 rader oförändrade, 4 rader avvisade" in out
    assert (Case.objects.count(), Document.objects.count()) == (2, 3)
    assert verify().ok


def test_imported_registrations_can_be_searched(tmp_path: Path) -> None:
    make_authority("KS")
    make_provision()
    run(write(tmp_path, [HEADER, *GOOD]))
    registrar = make_registrar(username="reg")
    # D1 is secrecy-marked: found only by a member of its case's access group.
    assert search(registrar, "planbesked").hits == []
    make_access_group(Authority.objects.get(code="KS"), [registrar])
    forget(registrar)
    assert [hit.pk for hit in search(registrar, "planbesked").hits] == [
        Document.objects.get(external_id="D1").pk
    ]
    assert {hit.pk for hit in search(registrar, "Norra hamnen").hits} == set(
        Document.objects.filter(case__external_id="A1").values_list("pk", flat=True)
    )


def test_a_windows_export_with_semicolons_loads(tmp_path: Path) -> None:
    make_authority("KS")
    path = write(tmp_path, [HEADER, *GOOD[1:]], encoding="cp1252")
    status, out, err = run(path)
    assert (status, err) == (0, "")
    assert "2 ärenden och 2 handlingar nya" in out
    assert Case.objects.get(external_id="A2").title == "Ny förskola i Berga"
    assert Document.objects.get(external_id="D2").description == "Tjänsteskrivelse"


def test_utf8_with_bom_and_commas_and_a_quoted_line_break(tmp_path: Path) -> None:
    make_authority("KS")
    lines = [
        "Case_ID,Case_Number,Authority,Title,Opened,Document_ID,Direction,Document_Date,"
        "Description,Counterpart,Notes",
        'B1,KS-2021-0004,KS,"Bygglov, Storgatan 1",2021-05-03,E1,inkommen,2021-05-03,'
        '"Ansökan,\nmed ritningar",Per Bo,',
        "B2,KS 2021/5,KS,Ärende utan handlingar,2021-05-04,,,,,,",
        "B3,KS 2021/6,KS,Ett fält för lite,2021-05-04,,,,,",
    ]
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    status, out, err = run(path)
    assert status == 1
    assert err.splitlines() == [
        "Okända kolumner hoppas över: notes.",
        "Rad 5 avvisad: Raden har 10 fält men rubrikraden 11.",
    ]
    assert "2 ärenden och 1 handlingar nya" in out
    document = Document.objects.get(external_id="E1")
    assert document.document_number == "KS 2021/4-1"
    assert document.description == "Ansökan,\nmed ritningar"
    assert Case.objects.get(external_id="B2").documents.count() == 0


ROW = (
    "C1;KS 2021/3;KS;Förskola på Åsvägen;2021-02-01;;F1;1;inkommen;2021-02-01;Örjan Öst;"
    "Ansökan om bygglov;;"
)


@pytest.mark.parametrize(
    "encoding,mark",
    [("cp1252", b""), ("latin-1", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
     ("utf-16-be", b"\xfe\xff")],
)  # fmt: skip
def test_swedish_exports_load_with_their_letters(
    tmp_path: Path, encoding: str, mark: bytes
) -> None:
    make_authority("KS")
    path = tmp_path / "export.csv"
    path.write_bytes(mark + f"{HEADER}\r\n{ROW}\r\n".encode(encoding))
    status, _out, err = run(path)
    assert (status, err) == (0, "")
    assert Case.objects.get(external_id="C1").title == "Förskola på Åsvägen"
    assert Document.objects.get(external_id="F1").counterpart == "Örjan Öst"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_loads_and_its_bad_rows_are_named(
    tmp_path: Path, encoding: str
) -> None:
    """Excel's "Unicode text" and some registry exports are UTF-16 with no mark: told by
    the NUL bytes, its å, ä and ö are kept, and a row of mojibake in it is refused."""
    make_authority("KS")
    double_encoded = "C2;KS 2021/4;KS;Tillsyn Älvgatan;2021-02-01;;;;;;;;;".encode().decode(
        "cp1252"
    )
    rows = [HEADER, ROW, double_encoded, "C3;KS 2021/5;KS;Bad datum;2021-02-30;;;;;;;;;"]
    path = write(tmp_path, rows, encoding)
    assert not path.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    status, out, err = run(path)
    assert status == 1
    assert err.splitlines() == [
        "Rad 3 avvisad: Felkodad text i title ('Ã„'): filen har troligen sparats i fel "
        "teckenkodning (t.ex. UTF-8 läst som Windows-1252). Spara exporten som UTF-8 och "
        "importera igen.",
        "Rad 4 avvisad: Ogiltigt datum '2021-02-30' i opened: ange ÅÅÅÅ-MM-DD.",
    ]
    assert "1 ärenden och 1 handlingar nya" in out
    assert list(Case.objects.values_list("title", flat=True)) == ["Förskola på Åsvägen"]
    assert Document.objects.get(external_id="F1").counterpart == "Örjan Öst"


def test_broken_utf16_without_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    make_authority("KS")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(f"{HEADER}\r\n{ROW}\r\n".encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(CommandError, match="Filen ser ut som UTF-16 utan byteordningsmärke"):
        run(broken)
    odd_length = f"{HEADER}\r\n{ROW}\r\n".encode("utf-16-be") + b"\x00"
    broken.write_bytes(odd_length)
    with pytest.raises(CommandError, match=f"men byte {len(odd_length)} är inte giltig UTF-16"):
        run(broken)
    assert not Case.objects.exists()


def test_a_stray_nul_does_not_make_utf8_into_utf16() -> None:
    assert legacy_csv.decode("Väg\x00 Åby".encode()) == "Väg\x00 Åby"
    assert legacy_csv.decode("Väg\x00 Åby".encode("cp1252")) == "Väg\x00 Åby"


def test_a_double_encoded_file_is_not_loaded_and_each_row_says_why(tmp_path: Path) -> None:
    make_authority("KS")
    row = "C2;KS 2021/4;KS;Tillsyn – Älvgatan;2021-02-01;;;;;;;;;"
    garbled = f"{HEADER}\r\n{ROW}\r\n{row}\r\n".encode().decode("cp1252").encode()
    path = tmp_path / "export.csv"
    path.write_bytes(garbled)
    status, out, err = run(path)
    assert status == 1
    assert err.splitlines() == [
        "Rad 2 avvisad: Felkodad text i title ('Ã¶'), counterpart ('Ã–'), description "
        "('Ã¶'): filen har troligen sparats i fel teckenkodning (t.ex. UTF-8 läst som "
        "Windows-1252). Spara exporten som UTF-8 och importera igen.",
        "Rad 3 avvisad: Felkodad text i title ('â€“'): filen har troligen sparats i fel "
        "teckenkodning (t.ex. UTF-8 läst som Windows-1252). Spara exporten som UTF-8 och "
        "importera igen.",
    ]
    assert "0 ärenden och 0 handlingar nya" in out
    assert not Case.objects.exists()


def test_text_that_only_looks_garbled_is_kept() -> None:
    assert legacy_csv.garbled("Väg Ö–V, Åsa’s café ÄÖ") == ""
    assert legacy_csv.garbled("GÃ¶teborg") == "Ã¶"
    assert legacy_csv.decode(b"\x81V\xe4g") == "\x81Väg"  # ISO-8859-1: not Windows-1252


def test_a_replacement_character_is_refused(tmp_path: Path) -> None:
    make_authority("KS")
    path = write(tmp_path, [HEADER, ROW.replace("Åsvägen", "\ufffdsv\ufffdgen")])
    status, _out, err = run(path)
    assert status == 1
    assert err.startswith("Rad 2 avvisad: Felkodad text i title ('\ufffd')")
    assert not Case.objects.exists()


def test_bad_rows_are_listed_with_their_line_and_the_others_load(tmp_path: Path) -> None:
    make_authority("KS")
    rows = [
        "G1;KS 2020/1;KS;;2020-01-01;;;;;;;;;",
        "G2;KS 2020/2;KS;Bra ärende;2020-01-01;;H2;1;inkommen;2020-02-30;x;y;;",
        "G3;KS 2020/3;KS;Bra ärende;1899-12-31;;;;;;;;;",
        "G4;KS 1850/4;KS;Gammalt ärende;2020-01-01;;;;;;;;;",
        "G5;KS 2020/5;KS;Nolltecken\x00;2020-01-01;;;;;;;;;",
        f"G6;KS 2020/6;KS;{'x' * 501};2020-01-01;;;;;;;;;",
        "G7;KS 2020/7;KS;Bra ärende;2020-01-01;;H7;1;inkommen;2020-01-02;x;y;;",
        "G8;KS 2020/8;KS;Också bra;2020-01-01;;;;;;;;;",
    ]
    status, out, err = run(write(tmp_path, [HEADER, *rows]))
    assert status == 1
    assert err.splitlines() == [
        "Rad 2 avvisad: Värde saknas i title.",
        "Rad 3 avvisad: Ogiltigt datum '2020-02-30' i document_date: ange ÅÅÅÅ-MM-DD.",
        "Rad 4 avvisad: Datumet 1899-12-31 i opened ligger utanför åren 1900–2200.",
        "Rad 5 avvisad: Ogiltigt ärendenummer 'KS 1850/4': ange t.ex. KS 2019/12.",
        "Rad 6 avvisad: title innehåller ett tecken som inte kan lagras (NUL eller ett halvt "
        "teckenpar).",
        "Rad 7 avvisad: title är längre än 500 tecken.",
    ]
    assert out.strip() == (
        "Import klar: 2 ärenden och 1 handlingar nya, 0 rader oförändrade, 6 rader avvisade."
    )
    assert sorted(Case.objects.values_list("external_id", flat=True)) == ["G7", "G8"]


def test_an_imported_number_raises_the_series_counter(tmp_path: Path) -> None:
    ks = make_authority("KS")
    actions.do_register_case(ks, "Registrerad före importen", actor=None)
    today = timezone.localdate().isoformat()
    rows = [
        f"A40;KS {YEAR}/40;KS;Importerat;{today};;;;;;;;;",
        f"A20;KS {YEAR}/20;KS;Lägre nummer;{today};;;;;;;;;",
        f"A01;KS {YEAR}/1;KS;Upptaget nummer;{today};;;;;;;;;",
    ]
    status, _out, err = run(write(tmp_path, [HEADER, *rows]))
    assert status == 1
    assert err.strip() == f"Rad 4 avvisad: Ärendenummer KS {YEAR}/1 finns redan."
    assert actions.do_register_case(ks, "Nytt ärende", actor=None).case_number == (f"KS {YEAR}/41")


def test_document_numbers_must_belong_to_the_case_and_not_be_taken(tmp_path: Path) -> None:
    make_authority("KS")
    rows = [
        "A1;KS 2019/12;KS;Ärende;2019-03-01;;D1;KS 2019/13-1;inkommen;2019-03-01;x;y;;",
        "A1;KS 2019/12;KS;Ärende;2019-03-01;;D2;4;inkommen;2019-03-01;x;y;;",
        "A1;KS 2019/12;KS;Ärende;2019-03-01;;D3;4;inkommen;2019-03-01;x;y;;",
        "A1;KS 2019/12;KS;Ärende;2019-03-01;;D4;;inkommen;2019-03-01;x;y;;",
        "A1;KS 2019/12;KS;Ärende;2019-03-01;;D5;1;inkommen;2019-03-01;x;y;;OSL 1 kap. 1 §",
    ]
    status, out, err = run(write(tmp_path, [HEADER, *rows]))
    assert status == 1
    assert err.splitlines() == [
        "Rad 2 avvisad: Handlingsnumret KS 2019/13-1 hör inte till ärendet.",
        "Rad 4 avvisad: Handling KS 2019/12-4 finns redan.",
        "Rad 6 avvisad: Okänd sekretessbestämmelse 'OSL 1 kap. 1 §'.",
    ]
    case = Case.objects.get(external_id="A1")
    assert list(case.documents.values_list("number", flat=True)) == [4, 5]
    assert "1 ärenden och 2 handlingar nya" in out


def test_every_fault_of_a_row_is_named_at_once(tmp_path: Path) -> None:
    make_authority("KS")
    rows = [
        f"A1;KS {YEAR + 1}/12345678;KS;Ärende;2019-03-01;pausat;;;PM;;x;;;",
        "A2;BUN 2019/3;KS;Ärende;2019-03-01;avslutat;D2;KS 2019/3-²;utgående;2019-03-01;;y;;",
    ]
    _status, _out, err = run(write(tmp_path, [HEADER, *rows]))
    assert err.splitlines() == [
        f"Rad 2 avvisad: Ogiltigt ärendenummer 'KS {YEAR + 1}/12345678': ange t.ex. KS 2019/12."
        " Okänd status 'pausat'. Värde saknas i document_id. Värde saknas i document_date."
        " Värde saknas i description.",
        "Rad 3 avvisad: Ärendenumret BUN 2019/3 hör inte till myndigheten KS."
        " Ogiltigt handlingsnummer 'KS 2019/3-²': ange t.ex. KS 2019/12-3 eller 3.",
    ]
    assert not Case.objects.exists()


def test_a_case_checked_once_gives_each_of_its_rows_their_own_faults(tmp_path: Path) -> None:
    """A case's columns are checked once for all its rows; a row whose text is at
    fault is not also told that its document number belongs to another case (its case
    is not read), and the next row of the case is."""
    make_authority("KS")
    rows = [
        "A1;KS 2019/3;KS;Ärende;2019-03-01;;D1;KS 2019/9-1;inkommen;2019-03-01;;Br\x00ev;;",
        "A1;KS 2019/3;KS;Ärende;2019-03-01;;D2;KS 2019/9-2;inkommen;2019-03-01;;Brev;;",
        "A1;KS 2019/3;KS;Ärende;2019-03-01;;D3;;inkommen;2019-03-01;;Brev;;",
    ]
    _status, _out, err = run(write(tmp_path, [HEADER, *rows]))
    assert err.splitlines() == [
        "Rad 2 avvisad: description innehåller ett tecken som inte kan lagras (NUL eller ett "
        "halvt teckenpar).",
        "Rad 3 avvisad: Handlingsnumret KS 2019/9-2 hör inte till ärendet.",
    ]
    assert list(Document.objects.values_list("external_id", "number")) == [("D3", 1)]


def test_the_import_runs_as_a_registrar_or_not_at_all(tmp_path: Path) -> None:
    ks = make_authority("KS")
    path = write(tmp_path, [HEADER, GOOD[2]])
    make_user("ark", roles=[(Role.ARCHIVIST, ks)])
    status, _out, err = run(path, "--user", "ark")
    assert status == 1
    assert "Du har inte behörighet att importera ärenden för KS." in err
    registrar = make_registrar(ks, "reg")
    assert run(path, "--user", "reg")[0] == 0
    event = AuditEvent.objects.get(action="registry.import_case")
    assert event.actor_id == registrar.pk
    with pytest.raises(CommandError, match="Ingen aktiv användare heter nobody"):
        run(path, "--user", "nobody")


def test_a_file_that_cannot_be_read_stops_before_any_row(tmp_path: Path) -> None:
    make_authority("KS")
    with pytest.raises(CommandError, match="Kolumner saknas i rubrikraden: title, opened"):
        run(write(tmp_path, ["case_id;case_number;authority", "A1;KS 2019/1;KS"]))
    with pytest.raises(CommandError, match="Filen kan inte läsas"):
        run(tmp_path / "missing.csv")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe" + HEADER.encode("utf-16-le") + b"\x00\xdc")
    with pytest.raises(CommandError, match="Filen börjar som UTF-16 men byte 297 är inte"):
        run(broken)
    broken.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n\xe5")
    with pytest.raises(CommandError, match="Filen börjar som UTF-8 men byte 153 är inte"):
        run(broken)
    assert not Case.objects.exists()


def test_the_progress_bar_is_drawn_on_a_terminal_only() -> None:
    class Terminal(StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = Progress(OutputWrapper(screen), 4)
    for done in range(1, 5):
        bar.update(done)
    bar.say("Rad 3 avvisad: x")
    bar.close()
    text = screen.getvalue()
    assert "[" + "#" * 15 + "-" * 15 + "]  50 % 2/4 rader" in text
    assert "100 % 4/4 rader" in text and "\x1b[KRad 3 avvisad: x\n" in text
    log = StringIO()
    quiet = Progress(OutputWrapper(log), 4)
    quiet.update(4)
    quiet.say("Rad 3 avvisad: x")
    assert log.getvalue() == "Rad 3 avvisad: x\n"
