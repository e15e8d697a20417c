"""Reads an Iceberg table with PyIceberg (the independent reader of the iceberg tests) and prints JSON.

Usage: python iceberg-read.py CATALOG_URI NAMESPACE.TABLE  (S3 settings from the DATAPIPE_S3_* env vars)
Prints: rows, the number of rows per record id (topic/partition/offset) for ids stored more than once,
the distinct ids, the columns with their types, the table properties and the snapshot summaries.
"""
import collections
import json
import os
import sys

from pyiceberg.catalog.rest import RestCatalog

uri, name = sys.argv[1], sys.argv[2]
catalog = RestCatalog(
    "check",
    uri=uri,
    **{
        "s3.endpoint": os.environ["DATAPIPE_S3_ENDPOINT"],
        "s3.access-key-id": os.environ["DATAPIPE_S3_ACCESS_KEY_ID"],
        "s3.secret-access-key": os.environ["DATAPIPE_S3_SECRET_ACCESS_KEY"],
        "s3.region": "us-east-1",
        "s3.path-style-access": "true",
    },
)
table = catalog.load_table(name)
arrow = table.scan().to_arrow()
columns = arrow.column_names
ids = []
if "_offset" in columns:
    topics = arrow.column("_topic").to_pylist()
    partitions = arrow.column("_partition").to_pylist()
    offsets = arrow.column("_offset").to_pylist()
    ids = [f"{t}/{p}/{o}" for t, p, o in zip(topics, partitions, offsets)]
counts = collections.Counter(ids)
values = {}
for column in columns:
    if column.startswith("_"):
        continue
    values[column] = [None if v is None else str(v) for v in arrow.column(column).to_pylist()]
print(
    json.dumps(
        {
            "rows": arrow.num_rows,
            "distinctIds": len(counts),
            "duplicates": {k: n for k, n in counts.items() if n > 1},
            "ids": sorted(counts),
            "columns": {f.name: str(f.field_type) for f in table.schema().fields},
            "properties": dict(table.properties),
            "snapshots": [dict(s.summary.additional_properties, operation=str(s.summary.operation)) for s in table.snapshots()],
            "partitionSpec": [f"{f.name}:{f.transform}" for f in table.spec().fields],
            "files": [task.file.file_path for task in table.scan().plan_files()],
            "values": values,
        }
    )
)
