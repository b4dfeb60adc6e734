package dev.mqttls.pki.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text: RFC 7468 encoding with 64-character lines and LF line ends. */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

  /** One PEM block: its label (e.g. {@code CERTIFICATE}) and its decoded bytes. */
  public record Block(String type, byte[] der) {}

  private Pem() {}

  /** Encodes one block, ending with a newline. */
  public static String encode(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** Whether the text holds at least one PEM block. */
  public static boolean looksLikePem(String text) {
    return text.contains("-----BEGIN ");
  }

  /** Decodes every PEM block in the text; text outside blocks is ignored. */
  public static List<Block> decodeAll(String text) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2);
      if (body.contains(":")) {
        // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") mark legacy encrypted keys: keep them whole.
        blocks.add(new Block(m.group(1), m.group(0).getBytes(StandardCharsets.US_ASCII)));
        continue;
      }
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad base64 in a " + m.group(1) + " block", e);
      }
    }
    return blocks;
  }
}
