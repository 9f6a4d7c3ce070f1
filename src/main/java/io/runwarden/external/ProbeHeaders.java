package io.runwarden.external;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request headers a run's Secret gives the probe. A run's author need not be able to read the
 * Secret they name, so only Secrets that opt in are ever sent; every name and value is checked
 * before use (a line break in a value would forge headers, and used to land, value and all, in an
 * exception message); and no message here ever contains a value.
 */
final class ProbeHeaders {

  /** A Secret's annotation that lets runs of its namespace send it to their service. */
  static final String OPT_IN = "runwarden.io/probe-headers";

  static final int MAX_HEADERS = 16;
  static final int MAX_VALUE = 8192;

  /** RFC 9110 token. Secret keys are narrower still ([-._a-zA-Z0-9]), so this names them safely. */
  private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

  /** Headers that belong to the connection or the probe, not to the run. */
  private static final Set<String> RESERVED =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "proxy-connection",
          "upgrade",
          "te",
          "trailer",
          "expect",
          "accept");

  private ProbeHeaders() {}

  /** Headers to send, or why the Secret cannot be used (naming keys, never values). */
  record Result(Map<String, String> headers, String refused) {}

  static Result from(Secret secret) {
    String name = secret.getMetadata().getName();
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    if (annotations == null || !"true".equals(annotations.get(OPT_IN))) {
      return refused(
          "secret "
              + name
              + " is not annotated "
              + OPT_IN
              + "=true; only Secrets that opt in are sent to a run's service");
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      for (var e : secret.getData().entrySet()) {
        try {
          values.put(
              e.getKey(),
              new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
          return refused("secret " + name + ": key " + e.getKey() + " is not base64");
        }
      }
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    if (values.size() > MAX_HEADERS) {
      return refused("secret " + name + " has more than " + MAX_HEADERS + " keys");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (var e : values.entrySet()) {
      String key = e.getKey();
      if (!NAME.matcher(key).matches() || RESERVED.contains(key.toLowerCase(Locale.ROOT))) {
        return refused("secret " + name + ": key " + key + " is not a header a run may send");
      }
      String value = e.getValue().strip();
      if (value.length() > MAX_VALUE || !printable(value)) {
        return refused(
            "secret "
                + name
                + ": the value of key "
                + key
                + " is not a valid header value (a line break or control character, or over "
                + MAX_VALUE
                + " characters)");
      }
      headers.put(key, value);
    }
    return new Result(headers, null);
  }

  private static boolean printable(String value) {
    return value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c != 0x7f));
  }

  private static Result refused(String why) {
    return new Result(Map.of(), why);
  }
}
