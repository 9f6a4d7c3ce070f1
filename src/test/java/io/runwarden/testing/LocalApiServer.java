package io.runwarden.testing;

/**
 * The test harness's API server for humans: scripts/run-local.sh starts it when no cluster is
 * reachable, then points the operator and kubectl at the kubeconfig it prints. Runs until killed.
 */
public final class LocalApiServer {

  private LocalApiServer() {}

  public static void main(String[] args) throws InterruptedException {
    TestCluster cluster = TestCluster.get();
    System.out.println("KUBECONFIG=" + cluster.kubeconfig());
    System.out.flush();
    Thread.currentThread().join();
  }
}
