package dev.mqttls.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The packet identifier pool: round robin, never an identifier in use, 0 never handed out. */
class PacketIdPoolTest {

  @Test
  void allocate_startsAtOne_andCountsUp() {
    PacketIdPool pool = new PacketIdPool();
    assertThat(pool.allocate()).isEqualTo(1);
    assertThat(pool.allocate()).isEqualTo(2);
    assertThat(pool.inUse()).isEqualTo(2);
    assertThat(pool.isInUse(1)).isTrue();
    assertThat(pool.isInUse(3)).isFalse();
  }

  @Test
  void release_doesNotReuseTheFreedIdAtOnce() {
    PacketIdPool pool = new PacketIdPool();
    int a = pool.allocate();
    assertThat(pool.release(a)).isTrue();
    assertThat(pool.allocate()).isEqualTo(a + 1);
    assertThat(pool.release(a)).isFalse();
    assertThat(pool.release(0)).isFalse();
    assertThat(pool.release(70_000)).isFalse();
  }

  @Test
  void allocate_wrapsFrom65535To1_skippingIdsInUse() {
    PacketIdPool pool = new PacketIdPool();
    pool.reserve(1);
    pool.reserve(65_534);
    assertThat(pool.allocate()).isEqualTo(65_535);
    assertThat(pool.allocate()).isEqualTo(2);
  }

  @Test
  void exhausted_throws_andAFreedIdIsFoundAgain() {
    PacketIdPool pool = new PacketIdPool();
    for (int i = 1; i <= PacketId.MAX; i++) {
      assertThat(pool.allocate()).isEqualTo(i);
    }
    assertThat(pool.inUse()).isEqualTo(PacketId.MAX);
    assertThatThrownBy(pool::allocate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("65535");
    pool.release(40_000);
    assertThat(pool.allocate()).isEqualTo(40_000);
  }

  @Test
  void reserve_twice_countsOnce_andRejectsInvalidIds() {
    PacketIdPool pool = new PacketIdPool();
    pool.reserve(7);
    pool.reserve(7);
    assertThat(pool.inUse()).isEqualTo(1);
    assertThat(pool.allocate()).isEqualTo(8);
    assertThatThrownBy(() -> pool.reserve(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clear_freesEverything_andRestartsAtOne() {
    PacketIdPool pool = new PacketIdPool();
    pool.allocate();
    pool.allocate();
    pool.clear();
    assertThat(pool.inUse()).isZero();
    assertThat(pool.allocate()).isEqualTo(1);
  }
}
