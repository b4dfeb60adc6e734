package dev.mqttls.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Every MQTT 5 property a packet may carry, as one immutable value. Absent properties are {@code
 * null} (lists are empty). Which properties a packet type allows is enforced by the decoder; this
 * type only checks each value's range. Byte arrays are copied in and out, so an instance never
 * changes. {@link #toString()} prints only present properties and never the authentication data.
 *
 * @param payloadFormatIndicator Payload Format Indicator (0x01): 0 unspecified bytes, 1 UTF-8 text.
 * @param messageExpiryInterval Message Expiry Interval (0x02) in seconds, 0 to 4294967295.
 * @param contentType Content Type (0x03) of the payload, e.g. a MIME type.
 * @param responseTopic Response Topic (0x08) for request/response.
 * @param correlationData Correlation Data (0x09) for request/response.
 * @param subscriptionIdentifiers Subscription Identifiers (0x0B), 1 to 268435455 each; one in
 *     SUBSCRIBE, any number in PUBLISH.
 * @param sessionExpiryInterval Session Expiry Interval (0x11) in seconds; 0xFFFFFFFF means never.
 * @param assignedClientIdentifier Assigned Client Identifier (0x12) sent in CONNACK.
 * @param serverKeepAlive Server Keep Alive (0x13) in seconds.
 * @param authenticationMethod Authentication Method (0x15) for enhanced authentication.
 * @param authenticationData Authentication Data (0x16); secret, never printed.
 * @param requestProblemInformation Request Problem Information (0x17).
 * @param willDelayInterval Will Delay Interval (0x18) in seconds.
 * @param requestResponseInformation Request Response Information (0x19).
 * @param responseInformation Response Information (0x1A).
 * @param serverReference Server Reference (0x1C) naming another server to use.
 * @param reasonString Reason String (0x1F), human readable diagnostics.
 * @param receiveMaximum Receive Maximum (0x21), 1 to 65535.
 * @param topicAliasMaximum Topic Alias Maximum (0x22), 0 to 65535.
 * @param topicAlias Topic Alias (0x23), 1 to 65535.
 * @param maximumQos Maximum QoS (0x24) the server supports: 0 or 1 (absent means 2).
 * @param retainAvailable Retain Available (0x25).
 * @param userProperties User Properties (0x26), in order, duplicates allowed.
 * @param maximumPacketSize Maximum Packet Size (0x27), 1 to 4294967295.
 * @param wildcardSubscriptionAvailable Wildcard Subscription Available (0x28).
 * @param subscriptionIdentifierAvailable Subscription Identifier Available (0x29).
 * @param sharedSubscriptionAvailable Shared Subscription Available (0x2A).
 */
public record MqttProperties(
    Integer payloadFormatIndicator,
    Long messageExpiryInterval,
    String contentType,
    String responseTopic,
    byte[] correlationData,
    List<Integer> subscriptionIdentifiers,
    Long sessionExpiryInterval,
    String assignedClientIdentifier,
    Integer serverKeepAlive,
    String authenticationMethod,
    byte[] authenticationData,
    Boolean requestProblemInformation,
    Long willDelayInterval,
    Boolean requestResponseInformation,
    String responseInformation,
    String serverReference,
    String reasonString,
    Integer receiveMaximum,
    Integer topicAliasMaximum,
    Integer topicAlias,
    Qos maximumQos,
    Boolean retainAvailable,
    List<UserProperty> userProperties,
    Long maximumPacketSize,
    Boolean wildcardSubscriptionAvailable,
    Boolean subscriptionIdentifierAvailable,
    Boolean sharedSubscriptionAvailable) {

  /** No properties at all; what MQTT 3.1.1 packets carry. */
  public static final MqttProperties EMPTY =
      new MqttProperties(
          null, null, null, null, null, List.of(), null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null, List.of(), null, null, null, null);

  /** Checks ranges and copies mutable inputs. */
  public MqttProperties {
    payloadFormatIndicator = range(payloadFormatIndicator, 0, 1, "payloadFormatIndicator");
    messageExpiryInterval = range(messageExpiryInterval, 0, 0xFFFF_FFFFL, "messageExpiryInterval");
    correlationData = correlationData == null ? null : correlationData.clone();
    subscriptionIdentifiers =
        subscriptionIdentifiers == null ? List.of() : List.copyOf(subscriptionIdentifiers);
    for (Integer id : subscriptionIdentifiers) {
      range(id, 1, 268_435_455, "subscriptionIdentifier");
    }
    sessionExpiryInterval = range(sessionExpiryInterval, 0, 0xFFFF_FFFFL, "sessionExpiryInterval");
    serverKeepAlive = range(serverKeepAlive, 0, 0xFFFF, "serverKeepAlive");
    authenticationData = authenticationData == null ? null : authenticationData.clone();
    willDelayInterval = range(willDelayInterval, 0, 0xFFFF_FFFFL, "willDelayInterval");
    receiveMaximum = range(receiveMaximum, 1, 0xFFFF, "receiveMaximum");
    topicAliasMaximum = range(topicAliasMaximum, 0, 0xFFFF, "topicAliasMaximum");
    topicAlias = range(topicAlias, 1, 0xFFFF, "topicAlias");
    if (maximumQos == Qos.EXACTLY_ONCE) {
      throw new IllegalArgumentException("maximumQos may only be 0 or 1 (absent means 2)");
    }
    userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    maximumPacketSize = range(maximumPacketSize, 1, 0xFFFF_FFFFL, "maximumPacketSize");
  }

  private static Integer range(Integer v, int min, int max, String name) {
    if (v != null && (v < min || v > max)) {
      throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + v);
    }
    return v;
  }

  private static Long range(Long v, long min, long max, String name) {
    if (v != null && (v < min || v > max)) {
      throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", was " + v);
    }
    return v;
  }

  /** A copy of the correlation data, or {@code null}. */
  @Override
  public byte[] correlationData() {
    return correlationData == null ? null : correlationData.clone();
  }

  /** A copy of the authentication data, or {@code null}. */
  @Override
  public byte[] authenticationData() {
    return authenticationData == null ? null : authenticationData.clone();
  }

  /** Whether no property is present. */
  public boolean isEmpty() {
    return this == EMPTY || equals(EMPTY);
  }

  /** A new builder with nothing set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this instance's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.payloadFormatIndicator = payloadFormatIndicator;
    b.messageExpiryInterval = messageExpiryInterval;
    b.contentType = contentType;
    b.responseTopic = responseTopic;
    b.correlationData = correlationData;
    b.subscriptionIdentifiers = new ArrayList<>(subscriptionIdentifiers);
    b.sessionExpiryInterval = sessionExpiryInterval;
    b.assignedClientIdentifier = assignedClientIdentifier;
    b.serverKeepAlive = serverKeepAlive;
    b.authenticationMethod = authenticationMethod;
    b.authenticationData = authenticationData;
    b.requestProblemInformation = requestProblemInformation;
    b.willDelayInterval = willDelayInterval;
    b.requestResponseInformation = requestResponseInformation;
    b.responseInformation = responseInformation;
    b.serverReference = serverReference;
    b.reasonString = reasonString;
    b.receiveMaximum = receiveMaximum;
    b.topicAliasMaximum = topicAliasMaximum;
    b.topicAlias = topicAlias;
    b.maximumQos = maximumQos;
    b.retainAvailable = retainAvailable;
    b.userProperties = new ArrayList<>(userProperties);
    b.maximumPacketSize = maximumPacketSize;
    b.wildcardSubscriptionAvailable = wildcardSubscriptionAvailable;
    b.subscriptionIdentifierAvailable = subscriptionIdentifierAvailable;
    b.sharedSubscriptionAvailable = sharedSubscriptionAvailable;
    return b;
  }

  /** This instance with the topic alias replaced ({@code null} removes it). */
  public MqttProperties withTopicAlias(Integer alias) {
    return Objects.equals(alias, topicAlias) ? this : toBuilder().topicAlias(alias).build();
  }

  /** This instance with the subscription identifiers replaced. */
  public MqttProperties withSubscriptionIdentifiers(List<Integer> ids) {
    return toBuilder().subscriptionIdentifiers(ids).build();
  }

  /**
   * This instance without Reason String and User Properties: what MQTT 5 says to drop first when a
   * packet would exceed the peer's Maximum Packet Size.
   */
  public MqttProperties withoutDiagnostics() {
    if (reasonString == null && userProperties.isEmpty()) {
      return this;
    }
    return toBuilder().reasonString(null).userProperties(List.of()).build();
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof MqttProperties o)) {
      return false;
    }
    return Objects.equals(payloadFormatIndicator, o.payloadFormatIndicator)
        && Objects.equals(messageExpiryInterval, o.messageExpiryInterval)
        && Objects.equals(contentType, o.contentType)
        && Objects.equals(responseTopic, o.responseTopic)
        && Arrays.equals(correlationData, o.correlationData)
        && Objects.equals(subscriptionIdentifiers, o.subscriptionIdentifiers)
        && Objects.equals(sessionExpiryInterval, o.sessionExpiryInterval)
        && Objects.equals(assignedClientIdentifier, o.assignedClientIdentifier)
        && Objects.equals(serverKeepAlive, o.serverKeepAlive)
        && Objects.equals(authenticationMethod, o.authenticationMethod)
        && Arrays.equals(authenticationData, o.authenticationData)
        && Objects.equals(requestProblemInformation, o.requestProblemInformation)
        && Objects.equals(willDelayInterval, o.willDelayInterval)
        && Objects.equals(requestResponseInformation, o.requestResponseInformation)
        && Objects.equals(responseInformation, o.responseInformation)
        && Objects.equals(serverReference, o.serverReference)
        && Objects.equals(reasonString, o.reasonString)
        && Objects.equals(receiveMaximum, o.receiveMaximum)
        && Objects.equals(topicAliasMaximum, o.topicAliasMaximum)
        && Objects.equals(topicAlias, o.topicAlias)
        && Objects.equals(maximumQos, o.maximumQos)
        && Objects.equals(retainAvailable, o.retainAvailable)
        && Objects.equals(userProperties, o.userProperties)
        && Objects.equals(maximumPacketSize, o.maximumPacketSize)
        && Objects.equals(wildcardSubscriptionAvailable, o.wildcardSubscriptionAvailable)
        && Objects.equals(subscriptionIdentifierAvailable, o.subscriptionIdentifierAvailable)
        && Objects.equals(sharedSubscriptionAvailable, o.sharedSubscriptionAvailable);
  }

  @Override
  public int hashCode() {
    int h = 1;
    h = 31 * h + Objects.hashCode(payloadFormatIndicator);
    h = 31 * h + Objects.hashCode(messageExpiryInterval);
    h = 31 * h + Objects.hashCode(contentType);
    h = 31 * h + Objects.hashCode(responseTopic);
    h = 31 * h + Arrays.hashCode(correlationData);
    h = 31 * h + Objects.hashCode(subscriptionIdentifiers);
    h = 31 * h + Objects.hashCode(sessionExpiryInterval);
    h = 31 * h + Objects.hashCode(assignedClientIdentifier);
    h = 31 * h + Objects.hashCode(serverKeepAlive);
    h = 31 * h + Objects.hashCode(authenticationMethod);
    h = 31 * h + Arrays.hashCode(authenticationData);
    h = 31 * h + Objects.hashCode(requestProblemInformation);
    h = 31 * h + Objects.hashCode(willDelayInterval);
    h = 31 * h + Objects.hashCode(requestResponseInformation);
    h = 31 * h + Objects.hashCode(responseInformation);
    h = 31 * h + Objects.hashCode(serverReference);
    h = 31 * h + Objects.hashCode(reasonString);
    h = 31 * h + Objects.hashCode(receiveMaximum);
    h = 31 * h + Objects.hashCode(topicAliasMaximum);
    h = 31 * h + Objects.hashCode(topicAlias);
    h = 31 * h + Objects.hashCode(maximumQos);
    h = 31 * h + Objects.hashCode(retainAvailable);
    h = 31 * h + Objects.hashCode(userProperties);
    h = 31 * h + Objects.hashCode(maximumPacketSize);
    h = 31 * h + Objects.hashCode(wildcardSubscriptionAvailable);
    h = 31 * h + Objects.hashCode(subscriptionIdentifierAvailable);
    h = 31 * h + Objects.hashCode(sharedSubscriptionAvailable);
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MqttProperties[");
    if (payloadFormatIndicator != null) {
      sep(sb).append("payloadFormatIndicator=").append(payloadFormatIndicator);
    }
    if (messageExpiryInterval != null) {
      sep(sb).append("messageExpiryInterval=").append(messageExpiryInterval);
    }
    if (contentType != null) {
      sep(sb).append("contentType=").append(contentType);
    }
    if (responseTopic != null) {
      sep(sb).append("responseTopic=").append(responseTopic);
    }
    if (correlationData != null) {
      sep(sb).append("correlationData=<").append(correlationData.length).append(" bytes>");
    }
    if (!subscriptionIdentifiers.isEmpty()) {
      sep(sb).append("subscriptionIdentifiers=").append(subscriptionIdentifiers);
    }
    if (sessionExpiryInterval != null) {
      sep(sb).append("sessionExpiryInterval=").append(sessionExpiryInterval);
    }
    if (assignedClientIdentifier != null) {
      sep(sb).append("assignedClientIdentifier=").append(assignedClientIdentifier);
    }
    if (serverKeepAlive != null) {
      sep(sb).append("serverKeepAlive=").append(serverKeepAlive);
    }
    if (authenticationMethod != null) {
      sep(sb).append("authenticationMethod=").append(authenticationMethod);
    }
    if (authenticationData != null) {
      sep(sb).append("authenticationData=<").append(authenticationData.length).append(" bytes>");
    }
    if (requestProblemInformation != null) {
      sep(sb).append("requestProblemInformation=").append(requestProblemInformation);
    }
    if (willDelayInterval != null) {
      sep(sb).append("willDelayInterval=").append(willDelayInterval);
    }
    if (requestResponseInformation != null) {
      sep(sb).append("requestResponseInformation=").append(requestResponseInformation);
    }
    if (responseInformation != null) {
      sep(sb).append("responseInformation=").append(responseInformation);
    }
    if (serverReference != null) {
      sep(sb).append("serverReference=").append(serverReference);
    }
    if (reasonString != null) {
      sep(sb).append("reasonString=").append(reasonString);
    }
    if (receiveMaximum != null) {
      sep(sb).append("receiveMaximum=").append(receiveMaximum);
    }
    if (topicAliasMaximum != null) {
      sep(sb).append("topicAliasMaximum=").append(topicAliasMaximum);
    }
    if (topicAlias != null) {
      sep(sb).append("topicAlias=").append(topicAlias);
    }
    if (maximumQos != null) {
      sep(sb).append("maximumQos=").append(maximumQos);
    }
    if (retainAvailable != null) {
      sep(sb).append("retainAvailable=").append(retainAvailable);
    }
    if (!userProperties.isEmpty()) {
      sep(sb).append("userProperties=").append(userProperties);
    }
    if (maximumPacketSize != null) {
      sep(sb).append("maximumPacketSize=").append(maximumPacketSize);
    }
    if (wildcardSubscriptionAvailable != null) {
      sep(sb).append("wildcardSubscriptionAvailable=").append(wildcardSubscriptionAvailable);
    }
    if (subscriptionIdentifierAvailable != null) {
      sep(sb).append("subscriptionIdentifierAvailable=").append(subscriptionIdentifierAvailable);
    }
    if (sharedSubscriptionAvailable != null) {
      sep(sb).append("sharedSubscriptionAvailable=").append(sharedSubscriptionAvailable);
    }
    return sb.append(']').toString();
  }

  private static StringBuilder sep(StringBuilder sb) {
    return sb.charAt(sb.length() - 1) == '[' ? sb : sb.append(", ");
  }

  /** Collects properties; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private Integer payloadFormatIndicator;
    private Long messageExpiryInterval;
    private String contentType;
    private String responseTopic;
    private byte[] correlationData;
    private List<Integer> subscriptionIdentifiers = new ArrayList<>();
    private Long sessionExpiryInterval;
    private String assignedClientIdentifier;
    private Integer serverKeepAlive;
    private String authenticationMethod;
    private byte[] authenticationData;
    private Boolean requestProblemInformation;
    private Long willDelayInterval;
    private Boolean requestResponseInformation;
    private String responseInformation;
    private String serverReference;
    private String reasonString;
    private Integer receiveMaximum;
    private Integer topicAliasMaximum;
    private Integer topicAlias;
    private Qos maximumQos;
    private Boolean retainAvailable;
    private List<UserProperty> userProperties = new ArrayList<>();
    private Long maximumPacketSize;
    private Boolean wildcardSubscriptionAvailable;
    private Boolean subscriptionIdentifierAvailable;
    private Boolean sharedSubscriptionAvailable;

    private Builder() {}

    /** Sets the Payload Format Indicator ({@code null} to leave it out). */
    public Builder payloadFormatIndicator(Integer value) {
      this.payloadFormatIndicator = value;
      return this;
    }

    /** Sets the Message Expiry Interval ({@code null} to leave it out). */
    public Builder messageExpiryInterval(Long value) {
      this.messageExpiryInterval = value;
      return this;
    }

    /** Sets the Content Type ({@code null} to leave it out). */
    public Builder contentType(String value) {
      this.contentType = value;
      return this;
    }

    /** Sets the Response Topic ({@code null} to leave it out). */
    public Builder responseTopic(String value) {
      this.responseTopic = value;
      return this;
    }

    /** Sets the Correlation Data ({@code null} to leave it out). */
    public Builder correlationData(byte[] value) {
      this.correlationData = value;
      return this;
    }

    /** Replaces the subscriptionIdentifiers. */
    public Builder subscriptionIdentifiers(List<Integer> values) {
      this.subscriptionIdentifiers = new ArrayList<>(values);
      return this;
    }

    /** Appends one of the subscriptionIdentifiers. */
    public Builder subscriptionIdentifier(Integer value) {
      this.subscriptionIdentifiers.add(Objects.requireNonNull(value, "subscriptionIdentifier"));
      return this;
    }

    /** Sets the Session Expiry Interval ({@code null} to leave it out). */
    public Builder sessionExpiryInterval(Long value) {
      this.sessionExpiryInterval = value;
      return this;
    }

    /** Sets the Assigned Client Identifier ({@code null} to leave it out). */
    public Builder assignedClientIdentifier(String value) {
      this.assignedClientIdentifier = value;
      return this;
    }

    /** Sets the Server Keep Alive ({@code null} to leave it out). */
    public Builder serverKeepAlive(Integer value) {
      this.serverKeepAlive = value;
      return this;
    }

    /** Sets the Authentication Method ({@code null} to leave it out). */
    public Builder authenticationMethod(String value) {
      this.authenticationMethod = value;
      return this;
    }

    /** Sets the Authentication Data ({@code null} to leave it out). */
    public Builder authenticationData(byte[] value) {
      this.authenticationData = value;
      return this;
    }

    /** Sets the Request Problem Information ({@code null} to leave it out). */
    public Builder requestProblemInformation(Boolean value) {
      this.requestProblemInformation = value;
      return this;
    }

    /** Sets the Will Delay Interval ({@code null} to leave it out). */
    public Builder willDelayInterval(Long value) {
      this.willDelayInterval = value;
      return this;
    }

    /** Sets the Request Response Information ({@code null} to leave it out). */
    public Builder requestResponseInformation(Boolean value) {
      this.requestResponseInformation = value;
      return this;
    }

    /** Sets the Response Information ({@code null} to leave it out). */
    public Builder responseInformation(String value) {
      this.responseInformation = value;
      return this;
    }

    /** Sets the Server Reference ({@code null} to leave it out). */
    public Builder serverReference(String value) {
      this.serverReference = value;
      return this;
    }

    /** Sets the Reason String ({@code null} to leave it out). */
    public Builder reasonString(String value) {
      this.reasonString = value;
      return this;
    }

    /** Sets the Receive Maximum ({@code null} to leave it out). */
    public Builder receiveMaximum(Integer value) {
      this.receiveMaximum = value;
      return this;
    }

    /** Sets the Topic Alias Maximum ({@code null} to leave it out). */
    public Builder topicAliasMaximum(Integer value) {
      this.topicAliasMaximum = value;
      return this;
    }

    /** Sets the Topic Alias ({@code null} to leave it out). */
    public Builder topicAlias(Integer value) {
      this.topicAlias = value;
      return this;
    }

    /** Sets the Maximum QoS ({@code null} to leave it out). */
    public Builder maximumQos(Qos value) {
      this.maximumQos = value;
      return this;
    }

    /** Sets the Retain Available ({@code null} to leave it out). */
    public Builder retainAvailable(Boolean value) {
      this.retainAvailable = value;
      return this;
    }

    /** Replaces the userProperties. */
    public Builder userProperties(List<UserProperty> values) {
      this.userProperties = new ArrayList<>(values);
      return this;
    }

    /** Appends one of the userProperties. */
    public Builder userProperty(UserProperty value) {
      this.userProperties.add(Objects.requireNonNull(value, "userProperty"));
      return this;
    }

    /** Appends a user property. */
    public Builder userProperty(String name, String value) {
      return userProperty(new UserProperty(name, value));
    }

    /** Sets the Maximum Packet Size ({@code null} to leave it out). */
    public Builder maximumPacketSize(Long value) {
      this.maximumPacketSize = value;
      return this;
    }

    /** Sets the Wildcard Subscription Available ({@code null} to leave it out). */
    public Builder wildcardSubscriptionAvailable(Boolean value) {
      this.wildcardSubscriptionAvailable = value;
      return this;
    }

    /** Sets the Subscription Identifier Available ({@code null} to leave it out). */
    public Builder subscriptionIdentifierAvailable(Boolean value) {
      this.subscriptionIdentifierAvailable = value;
      return this;
    }

    /** Sets the Shared Subscription Available ({@code null} to leave it out). */
    public Builder sharedSubscriptionAvailable(Boolean value) {
      this.sharedSubscriptionAvailable = value;
      return this;
    }

    /**
     * The properties set so far.
     *
     * @throws IllegalArgumentException naming the first value out of range
     */
    public MqttProperties build() {
      return new MqttProperties(
          payloadFormatIndicator,
          messageExpiryInterval,
          contentType,
          responseTopic,
          correlationData,
          subscriptionIdentifiers,
          sessionExpiryInterval,
          assignedClientIdentifier,
          serverKeepAlive,
          authenticationMethod,
          authenticationData,
          requestProblemInformation,
          willDelayInterval,
          requestResponseInformation,
          responseInformation,
          serverReference,
          reasonString,
          receiveMaximum,
          topicAliasMaximum,
          topicAlias,
          maximumQos,
          retainAvailable,
          userProperties,
          maximumPacketSize,
          wildcardSubscriptionAvailable,
          subscriptionIdentifierAvailable,
          sharedSubscriptionAvailable);
    }
  }
}
