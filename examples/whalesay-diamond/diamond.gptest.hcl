# The diamond: B and C wait for A, D for both; `dependencies` lists are Argo's older form.

test "all succeed" {
  pipeline = workflow_template.whalesay-diamond
  expect {
    phase = "Succeeded"
    tasks = { A = "Succeeded", B = "Succeeded", C = "Succeeded", D = "Succeeded" }
    order = [["A", "B", "D"], ["A", "C", "D"]]
  }
}

# A failed dependency omits D: a dependencies list waits for success (or a skip).
test "B fails" {
  pipeline = workflow_template.whalesay-diamond
  outcomes = { B = "Failed" }
  expect {
    phase = "Failed"
    tasks = { A = "Succeeded", B = "Failed", C = "Succeeded", D = "Omitted" }
  }
}

test "A errors" {
  pipeline = workflow_template.whalesay-diamond
  outcomes = { A = "Error" }
  expect {
    phase = "Error"
    tasks = { A = "Error", B = "Omitted", C = "Omitted", D = "Omitted" }
  }
}
