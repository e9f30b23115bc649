#!/usr/bin/env bash
# deploy/local/env.sh — connection settings for the local infrastructure.
#   source deploy/local/env.sh        # exports them into the current shell
#   eval "$(deploy/local/env.sh)"     # same, from any shell
#   deploy/local/env.sh               # prints `export NAME=value` lines
__deja_env() {
  cat <<'VARS'
DATABASE_URL=postgres://deja:deja@127.0.0.1:5432/deja
TEST_DATABASE_URL=postgres://deja:deja@127.0.0.1:5432/deja_test
KAFKA_BROKERS=127.0.0.1:9092
OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
JAEGER_QUERY_URL=http://127.0.0.1:16686
VARS
}
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  while IFS= read -r __deja_line; do
    export "${__deja_line?}"
  done < <(__deja_env)
  unset __deja_line
else
  __deja_env | sed 's/^/export /'
fi
unset -f __deja_env
