"""The stack record in the cluster: ConfigMap ``gp-stack-<stack>`` in the provider's namespace,
and the record before the last `gp state` change in ``gp-backup-<stack>``.

``data["record.json"]`` holds the record (see ``record.py``), with ``applied-at`` and
``applied-by`` beside it for people reading it with kubectl. A record too big for a ConfigMap's
1 MiB as plain JSON is stored gzipped in ``binaryData["record.json.gz"]``.
"""

from __future__ import annotations

import base64
import gzip

from gp.compile.objects import MANAGED_BY_LABEL, MANAGED_BY_VALUE, STACK_LABEL
from gp.planner.stack_record import StackRecord
from gp.providers.kinds import object_name
from gp.providers.kubeclient import Kube
from gp.providers.record import record_from_json, record_to_json

RECORD_KEY = "record.json"
GZIP_KEY = "record.json.gz"
_PLAIN_LIMIT = 512 * 1024


def record_name(stack: str, backup: bool = False) -> str:
    return object_name("gp-backup-" if backup else "gp-stack-", stack)


class RecordStore:
    def __init__(self, kube: Kube, namespace: str, field_manager: str):
        self.kube = kube
        self.namespace = namespace
        self.field_manager = field_manager

    def load(self, stack: str, backup: bool = False) -> StackRecord | None:
        name = record_name(stack, backup)
        cm = self.kube.get_config_map(self.namespace, name)
        if cm is None:
            return None
        where = f"ConfigMap {self.namespace}/{name}"
        text = (cm.get("data") or {}).get(RECORD_KEY)
        packed = (cm.get("binaryData") or {}).get(GZIP_KEY)
        if text is None and packed is not None:
            text = gzip.decompress(base64.b64decode(packed)).decode("utf-8")
        return record_from_json(text or "{}", stack, where)

    def save(self, record: StackRecord, backup: bool = False) -> None:
        name = record_name(record.stack, backup)
        if not record.entries and not backup:
            self.kube.delete_config_map(self.namespace, name)
            return
        text = record_to_json(record)
        data = {"applied-at": record.applied_at or "", "applied-by": record.applied_by or ""}
        body: dict = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": name,
                "namespace": self.namespace,
                # The backup carries no stack label: it is no object of the stack's.
                "labels": {MANAGED_BY_LABEL: MANAGED_BY_VALUE}
                | ({} if backup else {STACK_LABEL: record.stack}),
            },
            "data": data,
        }
        if len(text.encode("utf-8")) <= _PLAIN_LIMIT:
            data[RECORD_KEY] = text
        else:
            # mtime=0: the same record always gives the same bytes.
            body["binaryData"] = {
                GZIP_KEY: base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()
            }
        self.kube.apply_config_map(self.namespace, name, body, self.field_manager)
