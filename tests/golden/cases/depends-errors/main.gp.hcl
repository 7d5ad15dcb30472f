workflow_template "dag" {
  step "prep" {
    container {
      image = "alpine"
    }
  }

  step "b" {
    depends = "prep.Failed && (c || perp)"
    template = "prep"
  }

  step "c" {
    depends = "!b.Succeeded"
    template = "prep"
  }

  step "d" {
    depends     = "prep.AnySucceeded"
    continue_on = { failed = true }
    template    = "prep"
  }

  step "e" {
    depends      = "prep &&"
    template     = "prep"
  }

  step "f" {
    depends      = "prep"
    dependencies = ["prep"]
    template     = "prep"
  }
}
