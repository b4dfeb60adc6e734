package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.metrics.BrokerMetrics;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.time.Ticker;

/**
 * The broker parts every session uses: limits from the configuration, the clock, the subscription
 * table its subscriptions live in, and the journal a persistent session writes through to.
 */
public record SessionServices(
    BrokerConfig config,
    Ticker ticker,
    TopicTree subscriptions,
    Journal journal,
    BrokerMetrics metrics) {}
