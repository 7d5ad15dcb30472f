"""What the pods of Argo's examples print, where a run depends on it: the outputs each scenario
of bench/argo_examples.py gives (keys name tasks as a test's `outputs` do). The values are what
the example's scripts would print on one ordinary run."""

from __future__ import annotations

HEADS = {"flip-coin": {"result": "heads"}}

OUTPUTS: dict[str, dict[str, dict[str, str]]] = {
    "coinflip.yaml": HEADS,
    "coinflip-recursive.yaml": HEADS,
    "conditional-parameters.yaml": HEADS,
    "conditional-artifacts.yaml": HEADS,
    "conditionals-complex.yaml": {**HEADS, "flip-again": {"result": "tails"}},
    "dag-coinflip.yaml": HEADS,
    "dag-conditional-parameters.yaml": HEADS,
    "dag-conditional-artifacts.yaml": HEADS,
    "scripts-bash.yaml": {"generate": {"result": "42"}},
    "scripts-javascript.yaml": {"generate": {"result": "42"}},
    "scripts-python.yaml": {"generate": {"result": "42"}},
    "retry-conditional.yaml": {"safe-to-retry": {"result": "true"}},
    "loops-param-result.yaml": {"generate": {"result": "[3, 1, 2]"}},
    "recursive-for-loop.yaml": {"iterate-counter": {"result": "10"}},
    "pod-spec-from-previous-step.yaml": {
        "parse-resources": {"resources": '{"memory": "100Mi", "cpu": "0.1"}'}
    },
    "nested-workflow.yaml": {"generate": {"out-parameter": "x"}},
    "fibonacci-seq-conditional-param.yaml": {
        "sub-1": {"result": "2"},
        "sub-2": {"result": "1"},
        "add": {"result": "3"},
    },
    "map-reduce.yaml": {"split": {"result": '["0", "1"]'}},
    "parameter-aggregation-dag.yaml": {
        "odd-or-even(0:1)": {"num": "1", "evenness": "odd"},
        "odd-or-even(1:2)": {"num": "2", "evenness": "even"},
        "odd-or-even(2:3)": {"num": "3", "evenness": "odd"},
        "odd-or-even(3:4)": {"num": "4", "evenness": "even"},
        "divide-by-2": {"result": "1"},
    },
    "parameter-aggregation.yaml": {
        "odd-or-even(0:1)": {"num": "1", "evenness": "odd"},
        "odd-or-even(1:2)": {"num": "2", "evenness": "even"},
        "odd-or-even(2:3)": {"num": "3", "evenness": "odd"},
        "odd-or-even(3:4)": {"num": "4", "evenness": "even"},
        "divide-by-2": {"result": "1"},
    },
    "parameter-aggregation-script.yaml": {
        "odd-or-even(0:1)": {"result": '{"num": 1, "evenness": "odd"}'},
        "odd-or-even(1:2)": {"result": '{"num": 2, "evenness": "even"}'},
        "odd-or-even(2:3)": {"result": '{"num": 3, "evenness": "odd"}'},
        "odd-or-even(3:4)": {"result": '{"num": 4, "evenness": "even"}'},
        "divide-by-2": {"result": "1"},
    },
    "k8s-orchestration.yaml": {"random-number-job": {"job-name": "job-1", "job-uid": "uid-1"}},
    "k8s-jobs.yaml": {"rand-num": {"job-name": "job-1", "job-obj": "{}"}},
    "k8s-wait-wf.yaml": {"create-wf": {"wf-name": "wf-1"}},
    "custom-metrics.yaml": {"random-int": {"rand-int-value": "7"}},
    "handle-large-output-results.yaml": {"get-items": {"count": "3"}},
    "memoize-simple.yaml": {"world-to-file": {"hello": "world"}},
    "withsequence-nested-result.yaml": {"hello-a": {"result": "2"}, "hello-b": {"result": "1"}},
    "global-outputs.yaml": {"generate": {"hello-param": "hello world"}},
    "artifact-path-placeholders.yaml": {"head-lines": {"actual-lines-count": "3"}},
    "container-set-template/outputs-result-workflow.yaml": {"a": {"result": "hi"}},
    "container-set-template/workspace-workflow.yaml": {"main": {"out": "hi"}},
}
