package io.runwarden.kube;

import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The operator's TLS to the API server offers ChaCha20-Poly1305 first, AES-GCM after it.
 *
 * <p>Why: every byte between the operator and the API server is encrypted, and TLS was the largest
 * share of the operator's CPU (34 % of the samples in docs/performance.md). The image runs the
 * JIT's first tier only ({@code -XX:TieredStopAtLevel=1}, measured there: C2's compiler threads
 * cost more than they win back), and the first tier has none of the AES-GCM intrinsics: GHASH runs
 * as plain compiled Java and was the hottest single method. ChaCha20-Poly1305 needs no intrinsic;
 * on the same JVM and flags it encrypts 32 MB in about a third of AES-GCM's time
 * (docs/performance.md). Go's TLS stack, which every API server uses, takes the client's preference
 * when the client puts ChaCha20 first (it treats that as a client without AES hardware); any other
 * server still gets AES-GCM, which stays offered.
 *
 * <p>How: Netty, under Vert.x and Fabric8, enables its own fixed list of suites on each engine
 * (AES-GCM only for TLS 1.3) and neither Fabric8 nor Vert.x lets it be changed, so this wraps the
 * SSLContext Fabric8 builds and puts ChaCha20 at the head of whatever list an engine is given.
 * Everything else (certificates, host name checks, protocols) is the JDK's engine unchanged. Where
 * the JVM has no ChaCha20 (a FIPS provider), the list is left as it was.
 */
public final class ChaCha20First {

  /** TLS 1.3's ChaCha20 suite, then TLS 1.2's for older servers. */
  static final List<String> SUITES =
      List.of(
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private ChaCha20First() {}

  /** A context like {@code context} whose engines offer ChaCha20 first. */
  public static SSLContext wrap(SSLContext context) {
    if (context instanceof Wrapped) return context;
    return new Wrapped(context);
  }

  /**
   * The suites to enable: the ChaCha20 ones the engine supports, then {@code requested} in its own
   * order.
   */
  static String[] preferred(String[] requested, String[] supported) {
    Set<String> have = Set.of(supported);
    Set<String> out = new LinkedHashSet<>();
    for (String s : SUITES) {
      if (have.contains(s)) out.add(s);
    }
    out.addAll(Arrays.asList(requested));
    return out.toArray(String[]::new);
  }

  private static final class Wrapped extends SSLContext {
    Wrapped(SSLContext delegate) {
      super(new Spi(delegate), delegate.getProvider(), delegate.getProtocol());
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;

    Spi(SSLContext delegate) {
      this.delegate = delegate;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr)
        throws KeyManagementException {
      delegate.init(km, tm, sr);
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return new Engine(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return new Engine(delegate.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return delegate.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }

  /** The JDK's engine; only the suites it is asked to enable are reordered. */
  static final class Engine extends SSLEngine {
    private final SSLEngine d;

    Engine(SSLEngine d) {
      super(d.getPeerHost(), d.getPeerPort());
      this.d = d;
      d.setEnabledCipherSuites(preferred(d.getEnabledCipherSuites(), d.getSupportedCipherSuites()));
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      d.setEnabledCipherSuites(preferred(suites, d.getSupportedCipherSuites()));
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
      String[] suites = params.getCipherSuites();
      if (suites != null) {
        params.setCipherSuites(preferred(suites, d.getSupportedCipherSuites()));
      }
      d.setSSLParameters(params);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst)
        throws SSLException {
      return d.wrap(srcs, offset, length, dst);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
      return d.wrap(src, dst);
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, ByteBuffer dst) throws SSLException {
      return d.wrap(srcs, dst);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
        throws SSLException {
      return d.unwrap(src, dsts, offset, length);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
      return d.unwrap(src, dst);
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts) throws SSLException {
      return d.unwrap(src, dsts);
    }

    @Override
    public Runnable getDelegatedTask() {
      return d.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
      d.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
      return d.isInboundDone();
    }

    @Override
    public void closeOutbound() {
      d.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
      return d.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return d.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return d.getEnabledCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
      return d.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return d.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      d.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
      return d.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
      return d.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
      d.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
      return d.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      d.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
      return d.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      d.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return d.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      d.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return d.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      d.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
      return d.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
      return d.getSSLParameters();
    }

    @Override
    public String getApplicationProtocol() {
      return d.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
      return d.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(
        BiFunction<SSLEngine, List<String>, String> selector) {
      d.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
      return d.getHandshakeApplicationProtocolSelector();
    }
  }
}
