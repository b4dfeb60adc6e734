package dev.mqttls.broker.internal.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code persistence_sync batch}: the fsync runs off the event loop (the loop serves other work
 * while the disk is slow), and acknowledgements keep the order of their PUBLISHes even when a later
 * one wrote nothing.
 */
class GroupCommitTest {
  @Test
  void fsyncRunsOffTheLoop_andALaterAckWithoutWritesWaitsBehindAnEarlierOne() throws Exception {
    CountDownLatch diskSlow = new CountDownLatch(1);
    AtomicInteger syncs = new AtomicInteger();
    EventLoop loop = new DefaultEventLoop();
    List<String> order = new CopyOnWriteArrayList<>();
    try (GroupCommit commit =
        new GroupCommit(
            () -> {
              syncs.incrementAndGet();
              try {
                return diskSlow.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                return false;
              }
            })) {
      loop.execute(
          () -> {
            commit.written();
            commit.whenDurable(loop, stored -> order.add("A " + stored));
          });
      // A later turn: this PUBLISH wrote nothing, yet its PUBACK must not overtake A's.
      loop.execute(() -> commit.whenDurable(loop, stored -> order.add("B " + stored)));
      // The loop is free while the fsync waits on the disk.
      CountDownLatch loopServed = new CountDownLatch(1);
      loop.execute(loopServed::countDown);
      assertThat(loopServed.await(5, TimeUnit.SECONDS)).as("loop served during fsync").isTrue();
      assertThat(order).as("nothing acknowledged before the fsync").isEmpty();

      diskSlow.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (order.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(order).containsExactly("A true", "B true");
      assertThat(syncs.get()).as("one fsync for the written batch").isEqualTo(1);

      // Nothing written and nothing outstanding: acknowledged at once, no fsync.
      CountDownLatch direct = new CountDownLatch(1);
      loop.execute(() -> commit.whenDurable(loop, stored -> direct.countDown()));
      assertThat(direct.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(syncs.get()).isEqualTo(1);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
