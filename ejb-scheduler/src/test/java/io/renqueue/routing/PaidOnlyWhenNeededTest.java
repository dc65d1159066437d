package io.renqueue.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PaidOnlyWhenNeededTest {

  private static final BackendDefinition LOCAL = backend("gpu", Price.FREE, 2);
  private static final BackendDefinition PAID = backend("paid", new Price(1, 2), 0);
  private static final BackendDefinition FREE_QUOTA = backend("free", Price.FREE, 0);

  @Test
  void aFullFreeBackendIsWaitedForWhenTheAlternativeCostsMoney() {
    assertThat(PaidOnlyWhenNeeded.waitFor(RoutingPolicy.COST, LOCAL, null, List.of(PAID), 0))
        .isTrue();
  }

  @Test
  void noMoreTasksWaitThanTheBackendHasSlots() {
    assertThat(PaidOnlyWhenNeeded.waitFor(RoutingPolicy.COST, LOCAL, null, List.of(PAID), 1))
        .isTrue();
    assertThat(PaidOnlyWhenNeeded.waitFor(RoutingPolicy.COST, LOCAL, null, List.of(PAID), 2))
        .isFalse();
  }

  @Test
  void nothingIsWaitedForWhenTheNextCandidateIsFreeToo() {
    assertThat(PaidOnlyWhenNeeded.waitFor(RoutingPolicy.COST, LOCAL, null, List.of(FREE_QUOTA), 0))
        .isFalse();
  }

  @Test
  void aBudgetOrCooldownThatLastsLongerIsNotWaitedFor() {
    assertThat(
            PaidOnlyWhenNeeded.waitFor(
                RoutingPolicy.COST, LOCAL, Instant.now().plusSeconds(30), List.of(PAID), 0))
        .isFalse();
  }

  @Test
  void otherPoliciesAndPaidBackendsNeverWait() {
    assertThat(PaidOnlyWhenNeeded.waitFor(RoutingPolicy.LATENCY, LOCAL, null, List.of(PAID), 0))
        .isFalse();
    assertThat(
            PaidOnlyWhenNeeded.waitFor(
                RoutingPolicy.COST, backend("p2", new Price(1, 1), 2), null, List.of(PAID), 0))
        .isFalse();
  }

  private static BackendDefinition backend(String name, Price price, int maxConcurrency) {
    return new BackendDefinition(
        name,
        price.isFree() ? BackendKind.LOCAL : BackendKind.CLOUD_PAID,
        "http://h/v1",
        null,
        List.of(),
        price,
        new RateLimits(0, 0, 0, maxConcurrency),
        Map.of(),
        Duration.ofSeconds(1),
        0);
  }
}
