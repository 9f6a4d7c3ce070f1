package io.runwarden.bench;

import io.runwarden.controller.ReportLateness;
import io.runwarden.lifecycle.CrowdSilence;
import io.runwarden.lifecycle.DurationParser;
import io.runwarden.lifecycle.Inputs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grace a liveness limit's message says the operator gave ("... timeouts.heartbeat=4s, plus 20s
 * while the API server is slow to accept writes)."): which one and how long. The message is the
 * operator's own account of the decision, written with the attempt's record.
 *
 * @param kind {@code none}, {@code slowApiServer}, {@code crowdSilence} or {@code lateReports} (the
 *     reconciler gives the largest of the three graces and names it)
 */
record Grace(String kind, Duration length) {

  private static final Pattern PLUS = Pattern.compile(", plus (\\S+) while ");

  static Grace of(String message) {
    if (message == null) return new Grace("none", Duration.ZERO);
    Matcher m = PLUS.matcher(message);
    if (!m.find()) return new Grace("none", Duration.ZERO);
    Duration length = DurationParser.parse(m.group(1));
    if (message.contains(Inputs.SLOW_API_SERVER)) return new Grace("slowApiServer", length);
    if (message.contains(CrowdSilence.NOTE_END)) return new Grace("crowdSilence", length);
    if (message.contains(ReportLateness.NOTE)) return new Grace("lateReports", length);
    return new Grace("other", length);
  }

  /** How many limits had this grace, and the longest. Guarded by the map holding it. */
  static final class Tally {
    int count;
    Duration longest = Duration.ZERO;

    void add(Grace g) {
      count++;
      if (g.length().compareTo(longest) > 0) longest = g.length();
    }

    Map<String, Object> json() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("count", count);
      out.put("longestGraceSeconds", longest.toMillis() / 1000.0);
      return out;
    }
  }
}
