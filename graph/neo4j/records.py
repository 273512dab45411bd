"""Records and Neo4j nodes, both ways.

Vocabulary:

- Every node carries the label ``OrgNode`` and the label of its kind
  (:data:`LABELS`: ``Person``, ``Role``…); its properties are the record's
  fields (as in :mod:`graph.codec`, a source as ``source_file`` and
  ``source_row``) plus *derived* properties: ``kind``; ``keys``, the normalised
  keys it is asked by (:func:`~graph.org.match_keys`, the same the focused
  memory store matches on); ``id_norm``, ``name_norm`` and ``email_norm``,
  which are indexed so a person is found without a scan; and ``search``, the
  names search looks in (:func:`~graph.org.search_names`).
- A read returns ``[labels, properties]`` pairs; :func:`org_of` makes the org
  (partial or whole) of one read's row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from buckstop.graph.codec import decode, encode
from buckstop.graph.model import Kind, Record
from buckstop.graph.org import Org, match_keys, normalize, search_names

__all__ = ["KIND_OF_LABEL", "LABELS", "org_of", "properties", "record_of"]

LABELS: dict[Kind, str] = {
    Kind.DEPARTMENT: "Department",
    Kind.ROLE: "Role",
    Kind.PERSON: "Person",
    Kind.ACCOUNT: "Account",
    Kind.AGENCY: "Agency",
    Kind.ISSUE_TYPE: "IssueType",
    Kind.RULE: "Rule",
    Kind.ABSENCE: "Absence",
}
KIND_OF_LABEL = {label: kind for kind, label in LABELS.items()}

_DERIVED = frozenset({"kind", "keys", "id_norm", "name_norm", "email_norm", "search"})


def properties(record: Record) -> dict[str, Any]:
    """The node properties of ``record``: its fields and the derived names it is found by."""
    props = encode(record)
    source = props.pop("source", None)
    if source:
        props["source_file"], props["source_row"] = source
    props["id"] = record.id
    props["kind"] = record.kind.value
    props["keys"] = sorted(match_keys(record))
    props["search"] = sorted(search_names(record))
    # Scalar copies of a person's keys, for the indexes a person's lookup uses (a list property has none).
    props["id_norm"] = normalize(record.id)
    for field in ("name", "email"):
        value = getattr(record, field, None)
        if value:
            props[f"{field}_norm"] = normalize(value)
    return props


def record_of(labels: list[str], props: dict[str, Any]) -> Record:
    kind = next(KIND_OF_LABEL[label] for label in labels if label in KIND_OF_LABEL)
    data = {k: v for k, v in props.items() if k not in _DERIVED}
    if kind is Kind.ABSENCE:
        data.pop("id", None)  # derived from person and start
    file, row = data.pop("source_file", None), data.pop("source_row", None)
    if file:
        data["source"] = [file, row]
    return decode(kind, data)


def org_of(
    row: Any, *, reach: str | None = None, complete: frozenset[Kind] = frozenset(), effective: date | None = None
) -> Org:
    """The org of one read's row: whole, or (``reach`` named) the partial org that reach fetched.

    ``complete``: the kinds the reach fetched every record of; ``effective``: the day its version came into force.
    """
    if row is None or row["version"] is None:
        return Org()
    records = [record_of(labels, props) for labels, props in row["nodes"]]
    if reach is None:
        return Org(records, version=int(row["version"]), effective=effective)
    version, top_id = int(row["version"]), row["top_id"]
    return Org(
        records, version=version, effective=effective, partial=True, top_id=top_id, reach=reach, complete=complete
    )
