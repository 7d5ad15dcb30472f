provider "kubernetes" {
  namespace = "ci"
}

workflow_template "build" {
  entrypoint = "pipeline"

  dag "pipeline" {
    fail_fast = true

    task "checkout" {
      template = "git"
    }
    task "test" {
      template     = "run"
      dependencies = ["checkout"]
      arguments    = { cmd = "pytest" }
    }
    task "lint" {
      template  = "run"
      depends   = "checkout"
      arguments = { cmd = "ruff check" }
    }
    task "notify" {
      depends = "test.Failed || lint.Failed"
      container {
        image = "curlimages/curl"
        args  = ["https://hooks.example.org"]
      }
    }
  }

  container "git" {
    image   = "alpine/git"
    command = ["git", "clone"]
    volume_mount {
      name       = "src"
      mount_path = "/src"
    }
  }

  script "run" {
    parameter "cmd" {}
    image   = "python:3.12"
    command = ["sh"]
    source  = "{{inputs.parameters.cmd}}"
    timeout = "10m"
  }

  steps "release" {
    step "tag" {
      template = "git"
    }
    parallel {
      step "pypi" {
        template = "run"
        arguments = { cmd = "twine upload" }
      }
      step "docs" {
        template = "run"
        arguments = { cmd = "mkdocs gh-deploy" }
      }
    }
  }

  template "approve" {
    suspend = { duration = "1h" }
  }

  volume "src" {
    empty_dir = {}
  }
}
