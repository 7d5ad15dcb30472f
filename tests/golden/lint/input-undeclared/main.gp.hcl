# A template may use only the inputs it declares.
workflow_template "say" {
  entrypoint = "main"

  dag "main" {
    task "hello" {
      template  = "echo"
      arguments = { message = "hi" }
    }
  }

  container "echo" {
    parameter "message" {}
    image   = "alpine"
    command = ["echo"]
    args    = ["{{inputs.parameters.mesage}}"]
    env     = { DATA = "{{inputs.artifacts.data.path}}" }
  }

  script "total" {
    image   = "python:3.12"
    command = ["python"]
    source  = "print('{{inputs.parameters}}')"
  }
}
