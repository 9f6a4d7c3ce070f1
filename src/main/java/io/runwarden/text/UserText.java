package io.runwarden.text;

/**
 * Text that a namespace user or a worker wrote (names, reasons, values an external service
 * answered) on its way into a log line, an event or a status message: control characters escaped so
 * one value cannot forge a log line, and capped so one value cannot grow a message without end.
 */
public final class UserText {

  /** Characters of user text kept in one message. */
  public static final int MAX = 1024;

  private UserText() {}

  /** Escaped and capped at {@link #MAX}. */
  public static String escape(String text) {
    return escape(text, MAX);
  }

  /**
   * Control characters escaped as {@link #escape(String, int)} does, nothing capped; the same
   * string when there is nothing to escape. For a whole message on its way out, which may hold text
   * already escaped (escaping leaves no control character, so a second pass changes nothing).
   */
  public static String controlFree(String text) {
    if (text == null) return null;
    for (int i = 0; i < text.length(); i++) {
      if (needsEscape(text.charAt(i))) {
        return escape(text, Integer.MAX_VALUE);
      }
    }
    return text;
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
  }

  /** Escaped (line breaks as \n, other control characters as \\uXXXX) and capped at {@code max}. */
  public static String escape(String text, int max) {
    if (text == null) return null;
    StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
    for (int i = 0; i < text.length(); i++) {
      if (out.length() >= max) {
        return out.append("… (").append(text.length() - i).append(" more characters)").toString();
      }
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (needsEscape(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
