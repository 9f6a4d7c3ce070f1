#!/usr/bin/env bash
# Runs the Runwarden operator for real, in the foreground (Ctrl-C stops it).
#
# - If the cluster in KUBECONFIG (or ~/.kube/config) answers, the operator runs against it; the
#   CRD from deploy/crds/ is applied there first (the operator refuses to start without it).
# - Otherwise a local kube-apiserver + etcd is started on loopback (the same harness the tests use;
#   binaries from scripts/kube-binaries.sh), the CRD is installed and examples/qualification-run.yaml
#   is applied so there is a run to watch.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "run-local: $*" >&2; }

log "building the operator"
./mvnw -B -q package -DskipTests

if kubectl version --request-timeout=5s >/dev/null 2>&1; then
  log "using the cluster of context '$(kubectl config current-context 2>/dev/null || echo '?')'"
  kubectl apply --server-side -f deploy/crds/
else
  log "no reachable cluster: starting a local API server on loopback"
  scripts/kube-binaries.sh >/dev/null
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/local-cluster.classpath >/dev/null
  mkdir -p target/local-cluster
  rm -f target/local-cluster/kubeconfig
  java -Dtest.project.dir="$PWD" -Dtest.kubeconfig=target/local-cluster/kubeconfig \
    -cp "target/test-classes:target/classes:$(cat target/local-cluster.classpath)" \
    io.runwarden.testing.LocalApiServer >target/local-cluster/apiserver.log 2>&1 &
  apiserver=$!
  trap 'kill $apiserver 2>/dev/null; wait $apiserver 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    [ -s target/local-cluster/kubeconfig ] && grep -q KUBECONFIG= target/local-cluster/apiserver.log && break
    kill -0 $apiserver 2>/dev/null || { cat target/local-cluster/apiserver.log >&2; exit 1; }
    sleep 0.5
  done
  export KUBECONFIG="$PWD/target/local-cluster/kubeconfig"
  kubectl apply -f examples/qualification-run.yaml
  log "local API server ready. In another terminal:"
  log "  export KUBECONFIG=$KUBECONFIG"
  log "  kubectl get qrun -w        # then report as a worker, see README 'Worker protocol'"
fi

log "starting the operator (Ctrl-C to stop)"
java -jar target/quarkus-app/quarkus-run.jar
