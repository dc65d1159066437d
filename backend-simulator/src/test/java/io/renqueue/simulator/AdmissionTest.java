package io.renqueue.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void anArmedRetryAfterRefusesTheNextRequestAndCountsEveryEarlierOneUntilItPasses() {
    Admission admission = new Admission();
    assertThat(admission.retryAfter(1_000)).isNull();

    admission.throttleNext(30);

    assertThat(admission.retryAfter(10_000)).isEqualTo(new Admission.Refusal("throttled", 30));
    assertThat(admission.retryAfter(20_500))
        .isEqualTo(new Admission.Refusal("requests_before_retry_after", 20));
    assertThat(admission.retryAfter(40_000)).isNull();
  }

  @Test
  void workBeyondTheSlotsWaitsForOneToBeFree() throws Exception {
    Admission admission = new Admission();
    admission.limitSlots(1);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread first = new Thread(() -> admission.inSlot(() -> holdUntil(inside, release)));
    first.start();
    inside.await();
    AtomicBoolean secondRan = new AtomicBoolean();
    Thread second = new Thread(() -> admission.inSlot(() -> secondRan.set(true)));
    second.start();
    second.join(200);
    assertThat(secondRan).as("waits while the only slot is taken").isFalse();

    release.countDown();
    second.join(5_000);
    first.join(5_000);
    assertThat(secondRan).isTrue();
  }

  private static void holdUntil(CountDownLatch inside, CountDownLatch release) {
    inside.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
