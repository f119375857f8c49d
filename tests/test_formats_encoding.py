"""Format sniffing by content and decoding of pages in legacy encodings."""

from __future__ import annotations

import pytest

from parallax.ingest.encoding import EncodingError, decode_bytes
from parallax.ingest.formats import sniff_format
from tests.pages import news_html


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", "warc"),
        (b'[{"url": "https://a.example/1", "text": "x"}]', "json"),
        (b'{"url": "https://a.example/1", "text": "x"}\n{"url": "https://a.example/2"}\n', "jsonl"),
        (b'{\n  "url": "https://a.example/1",\n  "maintext": "x"\n}\n', "json"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>', "feed"),
        (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"<!DOCTYPE html><html><head><title>x</title>", "html"),
        (b"  <!-- saved page -->\n<html lang=en><body><p>x</p>", "html"),
        (b"<div class=a><p>One</p><p>Two</p><a href=/>x</a></div>", "html"),
        (b"Skip to content\nSaturday, March 1, 2025\nMinister resigns over port scandal\n", "text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"   \n\t ", "empty"),
    ],
)
def test_sniff_format_by_content(head: bytes, expected: str) -> None:
    assert sniff_format(head) == expected


@pytest.mark.parametrize(
    ("text", "codec", "declare"),
    [
        ("Министр заявил, что переговоры о квотах на вылов трески продолжатся в четверг в Мурманске.",
         "cp1251", True),
        ("Министр заявил, что переговоры о квотах на вылов трески продолжатся в четверг в Мурманске.",
         "cp1251", False),
        ("東京の港湾当局は火曜日、漁船四十二隻の出港を差し止めたと発表した。漁業会社は反発している。",
         "shift_jis", True),
        ("東京の港湾当局は火曜日、漁船四十二隻の出港を差し止めたと発表した。漁業会社は反発している。",
         "shift_jis", False),
        ("O ministro da Pesca afirmou nesta terça-feira que a negociação das cotas será retomada em março.",
         "latin-1", True),
        ("O ministro da Pesca afirmou nesta terça-feira que a negociação das cotas será retomada em março.",
         "latin-1", False),
    ],
)
def test_legacy_encodings_come_out_right(text: str, codec: str, declare: bool) -> None:
    page = news_html(title="Notícia", paragraphs=[text], charset=codec if declare else "")
    if not declare:
        page = page.replace('<meta charset="">', "")
    # Characters the codec lacks (the byline's "á") are saved as entities, as browsers do.
    decoded, _encoding = decode_bytes(page.encode(codec, errors="xmlcharrefreplace"))
    assert text in decoded


def test_header_charset_wins_over_a_wrong_guess() -> None:
    text = "Le ministre a déclaré que la réunion était très importante."
    decoded, encoding = decode_bytes(f"<p>{text}</p>".encode("latin-1"), header_charset="ISO-8859-1")
    assert text in decoded
    assert encoding == "cp1252"


def test_declared_utf8_that_is_not_utf8_falls_back_to_detection() -> None:
    text = "Переговоры о квотах продолжатся в четверг, сообщил представитель министерства рыболовства."
    page = f'<html><head><meta charset="utf-8"></head><body><p>{text}</p></body></html>'
    decoded, encoding = decode_bytes(page.encode("cp1251"))
    assert text in decoded
    assert encoding != "utf-8"


def test_undecodable_bytes_with_unknown_charset_are_an_error() -> None:
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(128, 256) for _ in range(4000))
    with pytest.raises(EncodingError, match="x-klingon"):
        decode_bytes(b'<html><meta charset="x-klingon"><body>' + noise)
