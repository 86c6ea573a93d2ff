"""F13: a document's visibility is public or a configured group; anything else fails the file."""

import pytest

from assistant.ingest.loaders import LoadError, load_document

NOTE = "---\nid: v\ntitle: V\n{meta}---\n# V\n\n## S\nSome text about export control and licences for lasers.\n"


def _load(tmp_path, meta: str, **kwargs):
    path = tmp_path / "v.md"
    path.write_text(NOTE.format(meta=meta), encoding="utf-8")
    return load_document(path, 10**6, **kwargs)


def test_missing_visibility_takes_the_configured_default(tmp_path):
    assert _load(tmp_path, "").visibility == "public"
    assert _load(tmp_path, "", default_visibility="internal").visibility == "internal"
    assert _load(tmp_path, "visibility: internal\n").visibility == "internal"


@pytest.mark.parametrize("meta,reason", [("visibility:\n", "visibility must be"), ('visibility: ""\n', "visibility must be"),
                                         ("visibility: secret-group\n", "unknown visibility"),
                                         ("visiblity: internal\n", "did you mean 'visibility'"),
                                         ("visibility: [a, b]\n", "visibility must be")])  # fmt: skip
def test_bad_visibility_fails_the_file(tmp_path, meta, reason):
    with pytest.raises(LoadError, match=reason):
        _load(tmp_path, meta)


def test_documents_without_topics_have_none(tmp_path):
    assert _load(tmp_path, "").topics == ()
