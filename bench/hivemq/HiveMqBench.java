// Starts HiveMQ CE through its embedded API, which (unlike com.hivemq.HiveMQServer without the
// allow-all extension of HiveMQ's distribution) lets every client in: "Setting default
// authentication behavior to ALLOW ALL". Mutual TLS still checks each client's certificate.
// Run by run-hivemq.sh as a single-file program (java -cp CLASSPATH HiveMqBench.java HOME); not
// part of the Maven build.

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

public final class HiveMqBench {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    EmbeddedHiveMQ hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(home.resolve("conf"))
            .withDataFolder(home.resolve("data"))
            .withExtensionsFolder(home.resolve("extensions"))
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  hivemq.stop().join();
                  stopped.countDown();
                }));
    hivemq.start().join();
    stopped.await();
  }
}
