package io.runwarden.kube;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyManagementException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS to the API server through BoringSSL (netty-tcnative) instead of the JDK's SSLEngine.
 *
 * <p>Why: every byte the operator exchanges with the API server is encrypted, and in the image's
 * JVM (C1 only) the JDK's TLS runs as plainly compiled Java. A profile of the default benchmark put
 * 28 % of the operator's CPU in the JDK's TLS and crypto code: AES-GCM's hash ({@code GHASH}) alone
 * 10 %, the RSA signature of each new connection's handshake 8 % (docs/performance.md). BoringSSL
 * does both in native code with the processor's AES and carry-less multiply instructions.
 *
 * <p>How: Fabric8's Vert.x client always wraps a JDK {@link SSLContext} in netty's {@code
 * JdkSslContext}, with no way to choose netty's OpenSSL engine. So the context handed to it here is
 * a JDK {@code SSLContext} whose engines are netty's OpenSSL engines: netty's {@code SslHandler}
 * recognises them and takes its native path. Certificates and trust stay Fabric8's (the key and
 * trust managers it built from the kubeconfig or the pod's service account), so what is trusted and
 * how the operator authenticates do not change.
 */
public final class NativeTls {

  private NativeTls() {}

  /** Whether BoringSSL loaded on this machine (linux x86_64 and aarch64 are bundled). */
  public static boolean available() {
    return OpenSsl.isAvailable();
  }

  /** Why BoringSSL did not load, for the log. */
  public static String unavailableBecause() {
    Throwable cause = OpenSsl.unavailabilityCause();
    return cause == null ? "unknown" : cause.toString();
  }

  /**
   * A client context with these managers, or empty when BoringSSL is not available or the managers
   * are of a kind it cannot use. The protocols are left to the caller, which sets them on each
   * engine (netty's JdkSslContext does, from Fabric8's configured TLS versions).
   */
  public static Optional<SSLContext> client(KeyManager[] keyManagers, TrustManager[] trustManagers)
      throws SSLException {
    if (!available()) {
      return Optional.empty();
    }
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL);
    X509KeyManager key = first(keyManagers, X509KeyManager.class);
    if (keyManagers != null && keyManagers.length > 0 && key == null) {
      return Optional.empty();
    }
    if (key != null) {
      builder.keyManager(key);
    }
    X509TrustManager trust = first(trustManagers, X509TrustManager.class);
    if (trustManagers != null && trustManagers.length > 0 && trust == null) {
      return Optional.empty();
    }
    if (trust != null) {
      builder.trustManager(trust);
    }
    return Optional.of(new Context(builder.build()));
  }

  private static <T> T first(Object[] managers, Class<T> type) {
    if (managers == null) {
      return null;
    }
    return Arrays.stream(managers)
        .filter(type::isInstance)
        .map(type::cast)
        .findFirst()
        .orElse(null);
  }

  /** The provider name netty's JdkSslContext sees: not "SunJSSE", so it asks our engines. */
  private static final Provider PROVIDER =
      new Provider("runwarden-boringssl", "1.0", "netty-tcnative engines behind JSSE") {};

  private static final class Context extends SSLContext {
    Context(SslContext netty) {
      super(new Spi(netty), PROVIDER, "TLS");
    }
  }

  /** Hands out netty's OpenSSL engines; they free their native state when collected. */
  private static final class Spi extends SSLContextSpi {

    private final SslContext netty;

    Spi(SslContext netty) {
      this.netty = netty;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("built with its managers already");
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return netty.newEngine(ByteBufAllocator.DEFAULT);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return netty.newEngine(ByteBufAllocator.DEFAULT, host, port);
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return netty.sessionContext();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return null;
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      SSLEngine engine = engineCreateSSLEngine();
      return new SSLParameters(engine.getEnabledCipherSuites(), engine.getEnabledProtocols());
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      SSLEngine engine = engineCreateSSLEngine();
      return new SSLParameters(engine.getSupportedCipherSuites(), engine.getSupportedProtocols());
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw new UnsupportedOperationException("engines only: the client is netty's");
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw new UnsupportedOperationException("engines only: the client is netty's");
    }
  }
}
