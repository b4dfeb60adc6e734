/**
 * Who may connect and what they may do: Mosquitto's {@code password_file} and {@code acl_file}, the
 * ACL resolved for one client, and the files in force (replaced whole on reload).
 */
package dev.mqttls.broker.internal.security;
