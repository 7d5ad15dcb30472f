provider "kubernetes" {
  namespace = "pipeline"
}

manifest "etl" {
  content = yamldecode(file("legacy/etl.yaml"))
}
