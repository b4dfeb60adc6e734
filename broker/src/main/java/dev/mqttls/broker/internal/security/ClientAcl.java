package dev.mqttls.broker.internal.security;

import dev.mqttls.broker.internal.security.AclFile.Rule;
import java.util.ArrayList;
import java.util.List;

/**
 * The ACL of one connected client: its user block (or the anonymous block) and the file's patterns
 * with {@code %c}/{@code %u} levels already replaced by its client id and user name, so that a
 * check per message only compares levels. Immutable; checked from any event loop (delivery runs on
 * the publisher's loop).
 *
 * <p>Order and outcome follow Mosquitto's {@code acl_file} check: within the user rules, then
 * within the patterns, a matching deny rule denies, a matching rule with the access asked for
 * grants; nothing matching denies. A {@code $} topic is matched only by rules that start with
 * {@code $}.
 */
public final class ClientAcl {
  /** No {@code acl_file}: everything allowed. */
  public static final ClientAcl ALLOW_ALL = new ClientAcl(List.of(), true);

  private final Rule[] rules;
  // What a topic no rule matches gets: true only without an acl_file (rules then come from
  // ProvisioningScope alone).
  private final boolean allowAll;

  private ClientAcl(List<Rule> rules, boolean allowAll) {
    this.rules = rules.toArray(Rule[]::new);
    this.allowAll = allowAll;
  }

  /** Resolves {@code file} for a client; {@code user} is null for an anonymous client. */
  public static ClientAcl of(AclFile file, String user, String clientId) {
    List<Rule> out = new ArrayList<>();
    List<Rule> own = file.rulesOf(user);
    if (own != null) {
      out.addAll(own);
    }
    List<Rule> patterns = file.patterns();
    // A user name or client id holding a wildcard could widen a pattern to other clients'
    // topics: such a client gets no pattern rules at all (as Mosquitto does).
    boolean dangerous =
        (user != null && (user.contains("+") || user.contains("#")))
            || clientId.contains("+")
            || clientId.contains("#");
    if (!dangerous) {
      List<Rule> resolved = new ArrayList<>();
      for (Rule p : patterns) {
        String[] levels = p.levels().clone();
        boolean usable = true;
        for (int i = 0; i < levels.length; i++) {
          if (levels[i].equals("%c")) {
            levels[i] = clientId;
          } else if (levels[i].equals("%u")) {
            if (user == null) {
              usable = false;
              break;
            }
            levels[i] = user;
          }
        }
        if (usable) {
          resolved.add(new Rule(levels, p.access(), p.topic()));
        }
      }
      // Deny rules of the patterns stay ahead of the grants, but after the user block.
      out.addAll(resolved);
    }
    return new ClientAcl(out, false);
  }

  /** Whether this client may receive messages on {@code topic} (split into levels). */
  public boolean canRead(String[] topic) {
    return check(topic, AclFile.READ);
  }

  /** Whether this client may publish to {@code topic} (split into levels). */
  public boolean canWrite(String[] topic) {
    return check(topic, AclFile.WRITE);
  }

  public boolean allowsAll() {
    return allowAll && rules.length == 0;
  }

  /** This ACL with {@code first} checked before its own rules (the first matching rule decides). */
  public ClientAcl withRulesFirst(List<Rule> first) {
    List<Rule> all = new ArrayList<>(first);
    all.addAll(List.of(rules));
    return new ClientAcl(all, allowAll);
  }

  /** An ACL of exactly these rules: what none of them grants is refused. */
  public static ClientAcl only(List<Rule> rules) {
    return new ClientAcl(rules, false);
  }

  private boolean check(String[] topic, int access) {
    boolean dollar = topic.length > 0 && topic[0].startsWith("$");
    for (Rule r : rules) {
      if (dollar && !r.levels()[0].startsWith("$")) {
        continue;
      }
      if (matches(r.levels(), topic)) {
        if (r.access() == AclFile.DENY) {
          return false;
        }
        if ((r.access() & access) != 0) {
          return true;
        }
      }
    }
    return allowAll;
  }

  /**
   * Whether this client may subscribe to {@code filter}: a deny rule covering the whole filter
   * refuses it; otherwise a read rule covering the whole filter allows it. Narrower rules inside an
   * allowed filter still apply per message on delivery.
   */
  public boolean canSubscribe(String[] filter) {
    boolean dollar = filter.length > 0 && filter[0].startsWith("$");
    for (Rule r : rules) {
      if (dollar && !r.levels()[0].startsWith("$")) {
        continue;
      }
      if (covers(r.levels(), filter)) {
        if (r.access() == AclFile.DENY) {
          return false;
        }
        if ((r.access() & AclFile.READ) != 0) {
          return true;
        }
      }
    }
    return allowAll;
  }

  /** MQTT topic filter matching (MQTT 5 section 4.7), {@code a/#} matching {@code a} too. */
  public static boolean matches(String[] filter, String[] topic) {
    int i = 0;
    for (; i < filter.length; i++) {
      String f = filter[i];
      if (f.equals("#")) {
        return true;
      }
      if (i >= topic.length) {
        return false;
      }
      if (!f.equals("+") && !f.equals(topic[i])) {
        return false;
      }
    }
    return i == topic.length;
  }

  /** Whether every topic that {@code sub} matches is also matched by {@code acl}. */
  public static boolean covers(String[] acl, String[] sub) {
    for (int i = 0; i < acl.length; i++) {
      String a = acl[i];
      if (a.equals("#")) {
        return true;
      }
      if (i >= sub.length) {
        return false;
      }
      String s = sub[i];
      if (s.equals("#")) {
        return false;
      }
      if (!a.equals("+") && !a.equals(s)) {
        return false;
      }
    }
    return acl.length == sub.length;
  }
}
