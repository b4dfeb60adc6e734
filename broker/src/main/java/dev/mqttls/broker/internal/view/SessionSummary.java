package dev.mqttls.broker.internal.view;

/**
 * One session's row in the clients table.
 *
 * @param clientId the client id
 * @param online whether a connection is attached
 * @param subscriptions how many subscriptions it holds
 * @param queued QoS 1/2 messages waiting behind the in-flight window
 * @param inFlight QoS 1/2 messages sent and not yet acknowledged
 */
public record SessionSummary(
    String clientId, boolean online, int subscriptions, int queued, int inFlight) {}
