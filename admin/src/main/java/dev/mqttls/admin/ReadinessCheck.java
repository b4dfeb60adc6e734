package dev.mqttls.admin;

import java.util.Optional;

/**
 * One condition {@code /readyz} requires besides the broker's own (listeners open, store open),
 * such as "this node has joined its cluster". Called from the HTTP event loop: must answer at once.
 */
@FunctionalInterface
public interface ReadinessCheck {
  /** Empty when ready; otherwise why not, in a few words (shown to the prober). */
  Optional<String> notReady();
}
