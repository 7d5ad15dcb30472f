# The Sen2Cor fail-over's four scenarios: which versions run, and what Argo makes of it.

test "2.9.0 succeeds" {
  pipeline  = module.sen2cor.workflow_template.chain
  arguments = { tile = "T11UNQ" }
  expect {
    phase = "Succeeded"
    tasks = {
      "preprocess"  = "Succeeded"
      "sen2cor-290" = "Succeeded"
      "sen2cor-280" = "Omitted"
      "sen2cor-255" = "Omitted"
      "all-failed"  = "Omitted"
      "finalize"    = "Succeeded"
    }
    order = ["preprocess", "sen2cor-290", "finalize"]
  }
}

test "2.9.0 fails, 2.8.0 takes over" {
  pipeline  = module.sen2cor.workflow_template.chain
  arguments = { tile = "T11UNQ" }
  outcomes  = { "sen2cor-290" = "Failed" }
  expect {
    phase = "Succeeded"
    tasks = {
      "sen2cor-290" = "Failed"
      "sen2cor-280" = "Succeeded"
      "sen2cor-255" = "Omitted"
      "all-failed"  = "Omitted"
      "finalize"    = "Succeeded"
    }
    order = ["sen2cor-290", "sen2cor-280", "finalize"]
  }
}

test "2.9.0 and 2.8.0 fail, 2.5.5 takes over" {
  pipeline  = module.sen2cor.workflow_template.chain
  arguments = { tile = "T11UNQ" }
  outcomes  = { "sen2cor-290" = "Failed", "sen2cor-280" = "Failed" }
  expect {
    phase = "Succeeded"
    tasks = {
      "sen2cor-290" = "Failed"
      "sen2cor-280" = "Failed"
      "sen2cor-255" = "Succeeded"
      "all-failed"  = "Omitted"
      "finalize"    = "Succeeded"
    }
  }
}

# Every version fails: the error step runs and succeeds, but finalize, a leaf omitted under
# a failed task, counts as failed, so Argo marks the Workflow Failed.
test "every version fails" {
  pipeline  = module.sen2cor.workflow_template.chain
  arguments = { tile = "T11UNQ" }
  outcomes = {
    "sen2cor-290" = "Failed"
    "sen2cor-280" = "Failed"
    "sen2cor-255" = "Failed"
  }
  expect {
    phase = "Failed"
    tasks = {
      "sen2cor-255" = "Failed"
      "all-failed"  = "Succeeded"
      "finalize"    = "Omitted"
    }
    order = ["sen2cor-255", "all-failed"]
  }
}
