package io.runwarden.kube;

import io.fabric8.kubernetes.client.vertx.VertxHttpClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import org.jboss.logging.Logger;

/**
 * Fabric8's Vert.x client on Quarkus' Vert.x, with its TLS done by BoringSSL ({@link NativeTls})
 * when that loaded; otherwise exactly Fabric8's client. Every builder it hands out, including the
 * ones Fabric8 derives from a client for watches, swaps the JDK context it built for a BoringSSL
 * one with the same key and trust managers.
 */
public final class NativeTlsClientFactory extends VertxHttpClientFactory {

  private static final Logger LOG = Logger.getLogger(NativeTlsClientFactory.class);

  private final Vertx vertx;

  public NativeTlsClientFactory(Vertx vertx) {
    super(vertx);
    this.vertx = vertx;
  }

  @Override
  public VertxHttpClientBuilder<VertxHttpClientFactory> newBuilder() {
    return new Builder(this, vertx);
  }

  private static final class Builder extends VertxHttpClientBuilder<VertxHttpClientFactory> {

    private final Vertx vertx;

    Builder(VertxHttpClientFactory factory, Vertx vertx) {
      super(factory, vertx);
      this.vertx = vertx;
    }

    @Override
    public VertxHttpClientBuilder<VertxHttpClientFactory> sslContext(
        KeyManager[] keyManagers, TrustManager[] trustManagers) {
      super.sslContext(keyManagers, trustManagers);
      try {
        NativeTls.client(keyManagers, trustManagers).ifPresent(c -> this.sslContext = c);
      } catch (SSLException e) {
        // Keep the JDK's context Fabric8 just built: slower, never less safe.
        LOG.warnf("BoringSSL refused the client's TLS setup, using the JDK's: %s", e.getMessage());
      }
      return this;
    }

    @Override
    protected VertxHttpClientBuilder<VertxHttpClientFactory> newInstance(
        VertxHttpClientFactory factory) {
      return new Builder(factory, vertx);
    }
  }
}
