"""format=flowed (RFC 3676, DelSp=yes) as every draft writer uses it: lines under 78
characters, and a flowed reader gets back exactly the lines that were written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.draft_mail import flow, message_id_for, subject_of, unflow

TEXT = st.text(alphabet=st.sampled_from(list("ab >Fr\nom-é漢.")), max_size=400)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_flowed_lines_are_short_and_read_back_whole(text: str) -> None:
    out = flow(text)
    assert all(len(line) < 78 for line in out.split("\n"))

    def lines(value: str) -> list[str]:
        return [line.rstrip() for line in value.strip("\n").split("\n")]

    assert lines(unflow(out, delsp=True)) == lines(
        "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    )


def test_quoted_and_from_lines_are_stuffed() -> None:
    assert flow("> not a quote\nFrom here on\n") == " > not a quote\n From here on\n"


def test_message_ids_are_opaque_stable_and_under_my_domain() -> None:
    one = message_id_for("acme-1/thank_you", "h1", "alex@example.com")
    assert one == message_id_for("acme-1/thank_you", "h1", "alex@example.com")
    assert one != message_id_for("acme-1/thank_you", "h2", "alex@example.com")
    assert one.endswith("@example.com") and "followup" not in one and "acme" not in one
    assert message_id_for("k", "h", "alex@bücher.de").endswith("@xn--bcher-kva.de")


def test_subjects_are_one_bounded_line() -> None:
    assert subject_of("Thank you\u2028\r\nBcc: x@evil.example") == "Thank you Bcc: x@evil.example"
    assert len(subject_of("word " * 100)) <= 160
