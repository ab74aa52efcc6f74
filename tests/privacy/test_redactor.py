"""Redaction of personal data: every kind, names of every origin (also in lower case and when they are also
words), and what must stay (places, organisations, service numbers, amounts). The cases were written for
these tests, apart from the labelled training sets."""
from __future__ import annotations

import json

import pytest

from bot.labels import LABELLED, files_digest, read_jsonl
from bot.privacy import bsn_valid, get_redactor, iban_valid
from bot.privacy.names import WEIGHTS
from bot.privacy.score import score
from bot.privacy.train import training_files
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def red():
    return get_redactor()


def test_checks():
    assert bsn_valid("111222333") and not bsn_valid("111222334") and not bsn_valid("12345")
    assert iban_valid("NL91ABNA0417164300") and iban_valid("nl91 abna 0417 1643 00")
    assert not iban_valid("NL92ABNA0417164300")


@pytest.mark.parametrize("text,secret,kind", [
    ("mail me op iemand.anders@voorbeeld.nl graag", "iemand.anders@voorbeeld.nl", "EMAIL"),
    ("mail naar jan(at)voorbeeld(dot)nl", "jan(at)voorbeeld(dot)nl", "EMAIL"),
    ("stuur het naar pietje at gmail punt com", "pietje at gmail punt com", "EMAIL"),
    ("bel 06-12345678", "06-12345678", "TELEFOON"), ("bel +31 6 1234 5678", "+31 6 1234 5678", "TELEFOON"),
    ("Belgisch nummer: +32 470 12 34 56", "+32 470 12 34 56", "TELEFOON"),
    ("UK: +44 20 7946 0958", "+44 20 7946 0958", "TELEFOON"), ("bel (010) 4 77 12 98", "(010) 4 77 12 98", "TELEFOON"),
    ("BSN 111222333", "111222333", "BSN"), ("bsn: 111-222-333", "111-222-333", "BSN"),
    ("zijn burgerservicenummer is 1234.56.782", "1234.56.782", "BSN"),
    ("rekening NL91 ABNA 0417 1643 00", "NL91 ABNA 0417 1643 00", "IBAN"),
    ("postcode 3511 AB", "3511 AB", "POSTCODE"), ("woont op de Kerkstraat 12a", "Kerkstraat 12a", "ADRES"),
    ("auto met kenteken 12-ABC-3", "12-ABC-3", "KENTEKEN"), ("kenteken gk-421-v", "gk-421-v", "KENTEKEN"),
    ("geboren op 12-03-2009", "12-03-2009", "GEBOORTEDATUM"), ("dob 2009-03-12", "2009-03-12", "GEBOORTEDATUM"),
    ("zij is van 3/11/08", "3/11/08", "GEBOORTEDATUM"),
    ("zijn insta is @mo_elidrissi10", "@mo_elidrissi10", "ACCOUNT"), ("snap: xyz.lol_2009", "xyz.lol_2009", "ACCOUNT"),
    ("ze zit in groep 7 van de Regenboogschool", "groep 7 van de Regenboogschool", "SCHOOL"),
    ("hij zit in 3B van het Erasmus College", "3B van het Erasmus College", "SCHOOL"),
])
def test_each_kind_is_replaced_by_its_placeholder(red, text, secret, kind):
    out = red.redact(text)
    assert secret.lower() not in out.text.lower() and f"[{kind}]" in out.text, out.text


@pytest.mark.parametrize("text,name", [
    ("Ik sprak gisteren met Yonas Tesfamariam over de spanningen", "Yonas Tesfamariam"),
    ("Onze vrijwilliger Senait Ghebremedhin wil meedoen", "Senait Ghebremedhin"),
    ("De moeder, Hodan Warsame, is bereikbaar via de school", "Hodan Warsame"),
    ("Oksana Bondarenko coördineert de opvang in de oude kazerne", "Oksana Bondarenko"),
    ("Mijn collega Krzysztof Wiśniewski doet de training", "Krzysztof Wiśniewski"),
    ("Dimitar Georgiev en zijn broer werken in de kassen", "Dimitar Georgiev"),
    ("Het gaat om Emre Yıldırım uit groep 8", "Emre Yıldırım"),
    ("meneer El Ouazzani belde over zijn zoon", "El Ouazzani"),
    ("ik heb met soufiane en zakaria gepraat bij het buurthuis", "soufiane"),
    ("ik heb met soufiane en zakaria gepraat bij het buurthuis", "zakaria"),
    ("kan je ff checken bij j. de vries van de wijkraad", "j. de vries"),
    ("Roos Verbeek van de gemeente komt ook", "Roos Verbeek"),
    ("Mevrouw Bakker vroeg om een gesprek", "Bakker"),
    ("Wijkagent De Boer kent de jongens goed", "De Boer"),
])
def test_names_of_every_origin_also_lower_case_and_words(red, text, name):
    assert name.lower() not in red.redact(text).text.lower(), red.redact(text).text


@pytest.mark.parametrize("text", [
    "Bel 112 bij acuut gevaar, 113 of 0800-0113 bij zelfmoordgedachten.",
    "Veilig Thuis 0800-2000, Meld Misdaad Anoniem 0800-7000, politie 0900-8844.",
    "In 2023 waren er 21 interviews met 30 experts; budget 25.000 euro.",
    "Het nummer 123456789 is geen BSN want het haalt de elfproef niet.",
    "Op 12 maart is er een bijeenkomst in Rotterdam.",
    "De spanningen in het Midden-Oosten raken jongeren in Kanaleneiland en de Schilderswijk.",
    "Tijdens de Ramadan en het Suikerfeest organiseert de Ayasofya-moskee iftars met de wijkagent.",
    "De bakker en de visser op de markt hebben het over de storm van gisteren.",
    "Platform JEP, de ESS, het COA en Nidos werken samen in Utrecht en Den Haag.",
    "De Eritrese en Somalische gemeenschappen in Tilburg vieren Meskel en Newroz.",
])
def test_places_organisations_words_and_service_numbers_stay(red, text):
    assert red.redact(text).text == text


def test_redaction_keeps_the_sentence_around_the_data(red):
    out = red.redact("Ik sprak met Yonas Tesfay, bel hem op +32 470 12 34 56").text
    assert out == "Ik sprak met [NAAM], bel hem op [TELEFOON]"


def _figures(name, rows, red):
    r = score(rows, lambda t: red.redact(t).text)
    print(f"\n{name}: recall={r['recall']:.3f} keep={r['keep']:.3f} n={r['n']}")
    return r


def test_training_sets_floor(red):
    rows = [r for p in training_files() for r in read_jsonl(p)]
    r = _figures("pii train", rows, red)
    assert r["recall"] >= 0.97 and r["keep"] >= 0.97


def test_held_out_set_floor(red):
    """Written apart and never tuned on (bot/labelled/README.md); target 0.95 / 0.95."""
    r = _figures("pii held-out", read_jsonl(LABELLED / "pii.holdout.jsonl"), red)
    assert r["recall"] >= 0.95 and r["keep"] >= 0.95


def test_shared_dev_set_floor(red):
    path = SHARED / "eval" / "pii_dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent: shared eval set skipped")
    r = _figures("pii_dev", read_jsonl(path), red)
    assert r["recall"] >= 0.95 and r["keep"] >= 0.95


def test_shipped_name_weights_were_fitted_on_the_labelled_files_of_this_checkout():
    assert json.loads(WEIGHTS.read_text(encoding="utf-8"))["__data_sha256__"] == files_digest(training_files())


def test_essbot_redact_on_a_file(tmp_path):
    """JSON lines in, JSON lines out, ids kept; a bad line is reported with its number and the rest still comes
    out (exit code 1)."""
    import subprocess
    import sys

    lines = [json.dumps({"id": "a", "text": "Bel Yonas Tesfay op +32 470 12 34 56 over de training."}),
             "dit is geen json",
             json.dumps({"id": 7, "text": "Geen persoonsgegevens in Utrecht."}),
             json.dumps({"id": "c", "text": "mail jan(at)voorbeeld(dot)nl, BSN 111-222-333"})]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with source.open("rb") as stdin:
        run = subprocess.run([sys.executable, "-m", "bot.cli", "redact"], stdin=stdin, capture_output=True, timeout=120)
    assert run.returncode == 1 and b"line 2" in run.stderr
    out = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert out[0]["redacted"] == "Bel [NAAM] op [TELEFOON] over de training."
    assert out[1]["redacted"] == "Geen persoonsgegevens in Utrecht."
    assert "jan(at)" not in out[2]["redacted"] and "[BSN]" in out[2]["redacted"]
