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
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
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
