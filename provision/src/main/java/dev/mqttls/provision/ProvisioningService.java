package dev.mqttls.provision;

import dev.mqttls.broker.Broker;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.provision.ProvisionRequest;
import dev.mqttls.pki.provision.Provisioner;
import dev.mqttls.pki.provision.ProvisioningOutcome;
import dev.mqttls.pki.provision.ProvisioningOutcome.Issued;
import dev.mqttls.pki.provision.ProvisioningOutcome.Refused;
import dev.mqttls.pki.provision.RefusalReason;
import dev.mqttls.provision.internal.RateLimit;
import dev.mqttls.provision.internal.RequestPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers provisioning and renewal requests inside a running broker: subscribes, as the broker
 * itself through its in-process endpoint, to {@code $mqttls/provision/csr} and {@code
 * $mqttls/renew/csr/+}, decides each request with a {@link Provisioner} and publishes the
 * certificate chain or the refusal to the device's reply topic (docs/provisioning.md).
 *
 * <p>Every issuance is one log line (id, serial, validity; never a key or token) and a line in the
 * CA's {@code index.txt}; every refusal is one line with its reason code. Requests are handled on
 * the client's callback thread (renewals) and one signer thread that signs whatever provisioning
 * requests are waiting together, never on an event loop.
 */
public final class ProvisioningService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisioningService.class);

  /** The client id of the service's in-process connection. */
  public static final String CLIENT_ID = "$mqttls-provisioning";

  // Most requests signed together: one durable write of the CA's index for all of them.
  private static final int BATCH = 256;

  private final Provisioner provisioner;
  private final RateLimit rate;
  private final MqttClient client;
  // Bounded: a flood of requests is refused (rate-limited) rather than held in memory.
  private final BlockingQueue<ProvisionRequest> pending = new LinkedBlockingQueue<>(10_000);
  private final Thread signer;

  private ProvisioningService(Provisioner provisioner, RateLimit rate, MqttClient client) {
    this.provisioner = provisioner;
    this.rate = rate;
    this.client = client;
    this.signer = new Thread(this::signLoop, "mqttls-provisioning");
    this.signer.setDaemon(true);
  }

  /**
   * Starts answering requests in {@code broker} by {@code config}.
   *
   * @throws PkiException when the CA cannot be opened
   * @throws MqttClientException when the in-process connection or its subscriptions fail
   */
  public static ProvisioningService start(Broker broker, ProvisioningConfig config) {
    CertificateAuthority ca = CertificateAuthority.open(config.caDirectory());
    Provisioner provisioner = new Provisioner(ca, config.policy());
    MqttClient client =
        MqttClient.create(
            MqttClientConfig.builder("in-process")
                .inProcess(broker.inProcessAddress())
                .clientId(CLIENT_ID)
                .maxInflight(65535)
                .reconnect(
                    ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)))
                .build());
    ProvisioningService service =
        new ProvisioningService(
            provisioner, new RateLimit(config.ratePerSecond(), System::nanoTime), client);
    service.signer.start();
    try {
      client.blocking().connect();
      client
          .blocking()
          .subscribe(
              Subscription.of(ProvisioningTopics.PROVISION_CSR, Qos.AT_LEAST_ONCE),
              service::onProvision);
      client
          .blocking()
          .subscribe(
              Subscription.of(ProvisioningTopics.RENEW_CSR + "+", Qos.AT_LEAST_ONCE),
              service::onRenew);
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    Set<String> claims = broker.config().provisioning().orElse(Set.of());
    LOG.info(
        "provisioning: answering CSRs on {} ({} claim identit{}) and {}ID, signing with the CA"
            + " in {}",
        ProvisioningTopics.PROVISION_CSR,
        claims.size(),
        claims.size() == 1 ? "y" : "ies",
        ProvisioningTopics.RENEW_CSR,
        config.caDirectory());
    return service;
  }

  private void onProvision(Message m) {
    RequestPayload p = RequestPayload.parse(m.payload());
    String id = p.id().orElse("");
    ProvisioningOutcome outcome;
    if (p.problem().isPresent()) {
      outcome = new Refused(id, RefusalReason.BAD_REQUEST, p.problem().get());
    } else if (p.id().isEmpty()) {
      outcome =
          new Refused(
              id,
              RefusalReason.BAD_REQUEST,
              "no device id: send {\"id\": ..., \"csr\": ...} or a CSR whose CN is the id");
    } else if (!rate.tryAcquire()) {
      outcome = new Refused(id, RefusalReason.RATE_LIMITED, "too many requests: try again later");
    } else if (pending.offer(new ProvisionRequest(id, p.csr(), p.token()))) {
      // Signed on the signer thread, together with whatever else is waiting.
      return;
    } else {
      outcome = new Refused(id, RefusalReason.RATE_LIMITED, "too many requests: try again later");
    }
    answerProvisioning(outcome);
  }

  private void answerProvisioning(ProvisioningOutcome outcome) {
    answer(
        "provisioning",
        outcome,
        ProvisioningTopics.PROVISION_CERTIFICATE,
        ProvisioningTopics.PROVISION_REFUSED);
  }

  private void signLoop() {
    List<ProvisionRequest> batch = new ArrayList<>(BATCH);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(pending.take());
      } catch (InterruptedException e) {
        return;
      }
      pending.drainTo(batch, BATCH - 1);
      List<ProvisioningOutcome> outcomes;
      try {
        outcomes = provisioner.provisionAll(batch);
      } catch (PkiException e) {
        // The CA's own failure (I/O, key): the operator needs the cause, devices only a retry.
        LOG.error(
            "provisioning: the CA failed for {} request(s): {} ({})",
            batch.size(),
            e.getMessage(),
            e.reason());
        outcomes = new ArrayList<>();
        for (ProvisionRequest r : batch) {
          outcomes.add(
              new Refused(
                  r.id(), RefusalReason.CA_ERROR, "the CA could not sign now: try again later"));
        }
      } catch (RuntimeException e) {
        LOG.error("provisioning: bug while signing; the devices are told to retry", e);
        outcomes = new ArrayList<>();
        for (ProvisionRequest r : batch) {
          outcomes.add(
              new Refused(
                  r.id(), RefusalReason.CA_ERROR, "the CA could not sign now: try again later"));
        }
      }
      outcomes.forEach(this::answerProvisioning);
      batch.clear();
    }
  }

  private void onRenew(Message m) {
    String id = m.topic().substring(ProvisioningTopics.RENEW_CSR.length());
    RequestPayload p = RequestPayload.parse(m.payload());
    ProvisioningOutcome outcome;
    if (p.problem().isPresent()) {
      outcome = new Refused(id, RefusalReason.BAD_REQUEST, p.problem().get());
    } else if (!rate.tryAcquire()) {
      outcome = new Refused(id, RefusalReason.RATE_LIMITED, "too many requests: try again later");
    } else {
      outcome = decide(id, () -> provisioner.renew(id, p.csr()));
    }
    answer(
        "renewal", outcome, ProvisioningTopics.RENEW_CERTIFICATE, ProvisioningTopics.RENEW_REFUSED);
  }

  private interface Decision {
    ProvisioningOutcome run();
  }

  private static ProvisioningOutcome decide(String id, Decision d) {
    try {
      return d.run();
    } catch (PkiException e) {
      // The CA's own failure (I/O, key): the operator needs the cause, the device only a retry.
      LOG.error("provisioning: the CA failed for {}: {} ({})", id, e.getMessage(), e.reason());
      return new Refused(id, RefusalReason.CA_ERROR, "the CA could not sign now: try again later");
    }
  }

  private void answer(
      String what, ProvisioningOutcome outcome, String certificatePrefix, String refusedPrefix) {
    String id = outcome.id();
    String topic;
    byte[] payload;
    if (outcome instanceof Issued issued) {
      LOG.info(
          "provisioning: {} {} serial {} valid until {} (key stays on the device; in index.txt)",
          what.equals("renewal") ? "renewed" : "issued",
          id,
          issued.certificate().serialHex(),
          issued.certificate().notAfter());
      topic = certificatePrefix + id;
      payload = issued.chainPem().getBytes(StandardCharsets.US_ASCII);
    } else {
      Refused refused = (Refused) outcome;
      LOG.info(
          "provisioning: refused {}'{}': {}",
          what.equals("renewal") ? "renewal of " : "",
          printable(id),
          refused.payload());
      if (!usableAsLevel(id)) {
        return;
      }
      topic = refusedPrefix + id;
      payload = refused.payload().getBytes(StandardCharsets.UTF_8);
    }
    client
        .publish(Message.builder(topic).payload(payload).qos(Qos.AT_LEAST_ONCE).build())
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                LOG.warn(
                    "provisioning: could not publish the {} answer to {}: {}",
                    what,
                    topic,
                    e.getMessage());
              }
            });
  }

  /** Whether an id can be a topic level: nowhere to answer a request for one that cannot. */
  private static boolean usableAsLevel(String id) {
    return !id.isEmpty()
        && id.length() <= 64
        && id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '+' && c != '#');
  }

  /** An id from a device, safe for one log line. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(64)
        .forEach(c -> b.appendCodePoint(c >= 0x20 && c != 0x7f && c < 0x10000 ? c : '?'));
    return s.length() > 64 ? b + "..." : b.toString();
  }

  /** Stops answering: closes the in-process connection; requests not yet signed are dropped. */
  @Override
  public void close() {
    client.close();
    signer.interrupt();
    try {
      signer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
