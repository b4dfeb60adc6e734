package dev.mqttls.tls;

import dev.mqttls.tls.bctls.Suites;
import dev.mqttls.tls.internal.ClientHello;
import java.util.List;

/**
 * When a connection goes to the bctls engine: on a PSK-only listener always; on a listener with
 * psk_hint when the client offers a PSK suite (it holds a key, and neither BoringSSL nor the JDK
 * does PSK); and when a client offers CCM / CCM-8 suites and nothing the listener's engine can
 * serve (the mbedTLS device that offers only TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8).
 */
final class BctlsRoute {
  private BctlsRoute() {}

  /** Why this ClientHello goes to bctls, or null when it does not. */
  static String reason(
      ServerTlsSettings settings,
      ServerTlsGeneration.Site site,
      ClientHello hello,
      TlsEngine engine) {
    if (site == null) {
      return "PSK-only listener";
    }
    List<Integer> offered = hello.cipherSuites();
    if (settings.pskHint().isPresent() && offered.stream().anyMatch(Suites::psk)) {
      return "offered TLS-PSK suites";
    }
    if (offered.stream().anyMatch(Suites::ccm)) {
      List<String> served = site.context(engine).cipherSuites();
      boolean servable =
          offered.stream().map(Suites::name).anyMatch(served::contains)
              // the listener's TLS 1.3 suites, when the client offers TLS 1.3 and the listener
              // allows it: BoringSSL lists them apart from the configured ones
              || hello.offers(ClientHello.TLS13)
                  && settings.minVersion().compareTo("TLSv1.3") <= 0
                  && offered.stream()
                      .map(Suites::name)
                      .anyMatch(
                          n ->
                              n.equals("TLS_AES_128_GCM_SHA256")
                                  || n.equals("TLS_AES_256_GCM_SHA384")
                                  || n.equals("TLS_CHACHA20_POLY1305_SHA256"));
      if (!servable) {
        return "offered only CCM suites among those this listener serves";
      }
    }
    return null;
  }
}
