package io.runwarden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A user at a shell, for the docs' lines typed as written: bash in the project directory, with
 * {@code HOME} their own directory, {@code ~/.local/bin} on the PATH, and a copy of the test
 * cluster's kubeconfig whose current namespace is theirs (the docs' lines carry no -n).
 */
public final class UserShell {

  private final Path home;
  private final Map<String, String> env;

  private UserShell(Path home) {
    this.home = home;
    this.env =
        Map.of(
            "HOME", home.toString(),
            "KUBECONFIG", kubeconfig().toString(),
            "PATH", home.resolve(".local/bin") + ":" + System.getenv("PATH"));
  }

  /** A user whose home is {@code home} (a test's temporary directory) and namespace {@code ns}. */
  public static UserShell in(Path home, String namespace) {
    UserShell user = new UserShell(home);
    try {
      Files.copy(TestCluster.get().kubeconfig(), user.kubeconfig());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    user.inNamespace(namespace);
    return user;
  }

  /** Makes {@code namespace} the user's current one. */
  public void inNamespace(String namespace) {
    Processes.Result r = typed("kubectl config set-context --current --namespace=" + namespace);
    if (r.exit() != 0) {
      throw new AssertionError("could not set the namespace: " + r.out());
    }
  }

  public Path kubeconfig() {
    return home.resolve("kubeconfig");
  }

  /** One line, as the user types it. */
  public Processes.Result typed(String line) {
    return Processes.run(TestCluster.projectDir(), env, "bash", "-c", line);
  }
}
