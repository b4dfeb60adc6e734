package dev.mqttls.broker.internal.view;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentTest {
  @Test
  void keepsTheLastCapacityItems_newestFirst_filteredAndLimited() {
    Recent<Integer> recent = new Recent<>(3);
    for (int i = 1; i <= 5; i++) {
      recent.add(i);
    }
    assertThat(recent.newest(x -> true, 10)).containsExactly(5, 4, 3);
    assertThat(recent.newest(x -> x % 2 == 1, 10)).containsExactly(5, 3);
    assertThat(recent.newest(x -> true, 2)).containsExactly(5, 4);
    assertThat(new Recent<Integer>(2).newest(x -> true, 5)).isEmpty();
  }
}
