package dev.mqttls.cluster.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.cluster.internal.session.ReplicatedJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ClusterJournalTest {
  @Test
  void refusalForWantOfOtherNodes_namesThatCause_andTheNextAcknowledgementIsNotRefused() {
    ClusterJournal journal = new ClusterJournal(Journal.NONE);
    List<String> said = new ArrayList<>();
    Journal.Durable ack = stored -> said.add(stored ? "stored" : journal.refusal());

    // What this PUBLISH wrote to other nodes failed: its acknowledgement is a refusal.
    ReplicatedJournal.awaitBeforeAck(CompletableFuture.failedFuture(new IllegalStateException()));
    journal.whenDurable(Runnable::run, ack);
    journal.whenDurable(Runnable::run, ack);

    assertThat(said)
        .containsExactly(
            "message not confirmed by every cluster node that must hold it (a node left or did"
                + " not answer): send it again",
            "stored");
    assertThat(journal.refusal()).isEqualTo(Journal.NONE.refusal());
  }
}
