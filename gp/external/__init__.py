"""The programs gp runs beside itself: git (which commit a module comes from) and Graphviz
(how a DAG is laid out). Like the providers, this room touches the outside; the stages above
and below it stay pure and are handed what it finds."""
