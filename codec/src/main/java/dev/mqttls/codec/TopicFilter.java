package dev.mqttls.codec;

import dev.mqttls.codec.internal.Utf8;

/**
 * A subscription's topic filter: levels separated by {@code /}, where {@code +} matches exactly one
 * level and {@code #}, only as the last level, matches any number of levels including the parent. A
 * filter of the form {@code $share/{group}/{filter}} is a shared subscription: {@link
 * #shareGroup()} names the group and {@link #filter()} is the inner filter that topics are matched
 * against.
 */
public final class TopicFilter {
  private static final String SHARE_PREFIX = "$share/";

  private final String value;
  private final String shareGroup;
  private final String filter;
  private final boolean wildcards;

  private TopicFilter(String value, String shareGroup, String filter, boolean wildcards) {
    this.value = value;
    this.shareGroup = shareGroup;
    this.filter = filter;
    this.wildcards = wildcards;
  }

  /**
   * Parses a topic filter.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TopicFilter of(String value) {
    TopicFilter f = parse(value);
    if (f == null) {
      throw new IllegalArgumentException("topic filter " + problem(value));
    }
    return f;
  }

  /**
   * Parses a topic filter on the wire path: the filter, or {@code null} when it is invalid ({@link
   * #problem(String)} then says why).
   */
  public static TopicFilter parse(String value) {
    if (value == null || value.isEmpty() || Utf8.problem(value) != null) {
      return null;
    }
    String group = null;
    String inner = value;
    if (value.startsWith(SHARE_PREFIX)) {
      int slash = value.indexOf('/', SHARE_PREFIX.length());
      if (slash <= SHARE_PREFIX.length() || slash == value.length() - 1) {
        return null;
      }
      group = value.substring(SHARE_PREFIX.length(), slash);
      if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
        return null;
      }
      inner = value.substring(slash + 1);
    }
    int wild = wildcardProblem(inner);
    if (wild < 0) {
      return null;
    }
    return new TopicFilter(value, group, inner, wild == 1);
  }

  /** -1 when a wildcard is misplaced, 1 when the filter has wildcards, 0 when it has none. */
  private static int wildcardProblem(String f) {
    boolean any = false;
    int n = f.length();
    for (int i = 0; i < n; i++) {
      char c = f.charAt(i);
      if (c == '+' || c == '#') {
        any = true;
        boolean aloneLeft = i == 0 || f.charAt(i - 1) == '/';
        boolean aloneRight = i == n - 1 || f.charAt(i + 1) == '/';
        if (!aloneLeft || !aloneRight || (c == '#' && i != n - 1)) {
          return -1;
        }
      }
    }
    return any ? 1 : 0;
  }

  /** What is wrong with {@code value} as a topic filter, or {@code null} if it is valid. */
  public static String problem(String value) {
    if (value == null) {
      return "is missing";
    }
    if (value.isEmpty()) {
      return "is empty";
    }
    String u = Utf8.problem(value);
    if (u != null) {
      return u;
    }
    if (parse(value) != null) {
      return null;
    }
    if (value.startsWith(SHARE_PREFIX)) {
      return "'"
          + value
          + "' is not $share/{group}/{filter} with a non-empty group free of + and #";
    }
    return "'" + Utf8.shown(value) + "' has a wildcard that is not a whole level ('#' only last)";
  }

  /** The filter as the client sent it, including any {@code $share/{group}/} prefix. */
  public String value() {
    return value;
  }

  /** Whether this is a shared subscription ({@code $share/{group}/{filter}}). */
  public boolean isShared() {
    return shareGroup != null;
  }

  /** The share group name, or {@code null} for a non-shared filter. */
  public String shareGroup() {
    return shareGroup;
  }

  /** The filter topics are matched against: without the {@code $share/{group}/} prefix. */
  public String filter() {
    return filter;
  }

  /** Whether the (inner) filter contains {@code +} or {@code #}. */
  public boolean hasWildcards() {
    return wildcards;
  }

  /**
   * Whether a message published to {@code topic} matches this filter. This is the specification's
   * rule spelled out simply, as a reference for tests; the broker uses a topic tree.
   */
  public boolean matches(TopicName topic) {
    String t = topic.value();
    String f = filter;
    if (t.charAt(0) == '$' && (f.charAt(0) == '+' || f.charAt(0) == '#')) {
      return false;
    }
    int ti = 0;
    int fi = 0;
    int tn = t.length();
    int fn = f.length();
    while (true) {
      int fEnd = f.indexOf('/', fi);
      if (fEnd < 0) {
        fEnd = fn;
      }
      String level = f.substring(fi, fEnd);
      if (level.equals("#")) {
        return true;
      }
      if (ti > tn) {
        // The topic ran out of levels; "a/#" still matches "a".
        return false;
      }
      int tEnd = t.indexOf('/', ti);
      if (tEnd < 0) {
        tEnd = tn;
      }
      if (!level.equals("+") && !level.equals(t.substring(ti, tEnd))) {
        return false;
      }
      boolean fDone = fEnd == fn;
      boolean tDone = tEnd == tn;
      if (fDone && tDone) {
        return true;
      }
      if (fDone) {
        return false;
      }
      fi = fEnd + 1;
      ti = tDone ? tn + 1 : tEnd + 1;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicFilter other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
