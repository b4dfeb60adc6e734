package dev.mqttls.broker.internal.security;

/**
 * The {@link AccessControl} in force: read by every event loop, replaced whole on a reload
 * (SIGHUP), so that a half-read file is never in force.
 */
public final class LiveAccess {
  private volatile AccessControl current;

  public LiveAccess(AccessControl initial) {
    this.current = initial;
  }

  public AccessControl current() {
    return current;
  }

  public void replace(AccessControl next) {
    current = next;
  }
}
