package dev.mqttls.cluster.internal.session;

import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.partitionhandling.PartitionHandling;

/** The distributed cache persistent sessions are mirrored into. */
public final class SessionCache {
  private SessionCache() {}

  /**
   * DIST_SYNC with {@code backups} + 1 owners per session (a write returns once all of them that
   * are up hold it), every entry of a session on the same owners ({@link SessionKeys.ByClient}).
   */
  public static Configuration configuration(int backups) {
    ConfigurationBuilder b = new ConfigurationBuilder();
    b.clustering()
        .cacheMode(CacheMode.DIST_SYNC)
        .hash()
        .numOwners(backups + 1)
        .groups()
        .enabled()
        .addGrouper(new SessionKeys.ByClient())
        .partitionHandling()
        .whenSplit(PartitionHandling.ALLOW_READ_WRITES);
    return b.build();
  }
}
