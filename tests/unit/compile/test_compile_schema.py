from gp.compile import schema
from gp.compile.schema import FieldKind


def test_acronym_fields_use_argo_spelling():
    spec = schema.workflow_spec()
    assert spec.field("pod_gc").argo_name == "podGC"
    assert spec.field("active_deadline_seconds").argo_name == "activeDeadlineSeconds"
    assert spec.field("volume_claim_gc").argo_name == "volumeClaimGC"
    assert spec.by_argo_name("podGC").hcl_name == "pod_gc"


def snake_to_argo(path, node):
    """Walk snake_case names down the schema, as the compiler does, to Argo's names."""
    out = []
    for part in path:
        f = node.lookup(part)
        out.append(f.argo_name)
        node = f.child
    return out


def test_deep_paths_map_both_ways():
    spec = schema.workflow_spec()
    path = ["templates", "container", "resources", "limits"]
    assert snake_to_argo(path, spec) == ["templates", "container", "resources", "limits"]
    assert snake_to_argo(["pod_gc", "label_selector", "match_labels"], spec) == [
        "podGC",
        "labelSelector",
        "matchLabels",
    ]
    port = schema.template().field("container").child.field("ports").child
    assert port.field("container_port").argo_name == "containerPort"
    assert port.field("host_ip").argo_name == "hostIP"


def test_python_keyword_fields_drop_the_underscore():
    artifact = schema.template().field("inputs").child.field("artifacts").child
    assert artifact.field("from").argo_name == "from"


def test_field_kinds():
    spec = schema.workflow_spec()
    assert spec.field("node_selector").kind == FieldKind.MAP
    assert spec.field("tolerations").kind == FieldKind.LIST_OF_MODEL
    assert spec.field("pod_gc").kind == FieldKind.MODEL
    assert spec.field("hooks").kind == FieldKind.MAP_OF_MODEL
    assert spec.field("parallelism").scalar is int
    tmpl = schema.template()
    assert tmpl.field("active_deadline_seconds").kind == FieldKind.INT_OR_STRING
    assert tmpl.field("steps").kind == FieldKind.LIST_OF_LIST_OF_MODEL
    assert tmpl.field("plugin").kind == FieldKind.ANY
    limits = tmpl.field("container").child.field("resources").child.field("limits")
    assert limits.kind == FieldKind.MAP and limits.scalar is str
    assert schema.dag_task().field("with_items").kind == FieldKind.LIST


def test_repeated_blocks_by_singular_name():
    spec = schema.workflow_spec()
    assert spec.repeated("toleration").argo_name == "tolerations"
    assert spec.repeated("host_alias").argo_name == "hostAliases"
    assert spec.repeated("volume_claim_template").argo_name == "volumeClaimTemplates"
    assert schema.dag_task().repeated("hook").kind == FieldKind.MAP_OF_MODEL
    assert spec.repeated("pod_gc") is None


def test_closest_suggests_known_names():
    spec = schema.workflow_spec()
    assert spec.closest("pod_gcc") == "pod_gc"
    assert spec.closest("tolerashun") == "toleration"
    assert spec.closest("podGC") == "pod_gc"
    assert spec.closest("zzzzzz") is None


def test_nodes_are_shared_per_model():
    assert schema.workflow_spec() is schema.workflow_spec()
    assert schema.template().field("dag").child is schema.template().field("dag").child
