package dev.mqttls.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The security settings that {@code per_listener_settings true} scopes to one listener, as
 * mosquitto scopes them: who may connect and what they may do.
 *
 * @param allowAnonymous {@code allow_anonymous} of this listener
 * @param passwordFile {@code password_file} of this listener; empty: user names are not checked
 * @param aclFile {@code acl_file} of this listener; empty: every topic is allowed
 * @param allowZeroLengthClientId {@code allow_zero_length_clientid} of this listener
 */
public record ListenerSecurity(
    boolean allowAnonymous,
    Optional<Path> passwordFile,
    Optional<Path> aclFile,
    boolean allowZeroLengthClientId) {

  public ListenerSecurity {
    Objects.requireNonNull(passwordFile, "passwordFile");
    Objects.requireNonNull(aclFile, "aclFile");
  }
}
