package io.renqueue.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.scheduling.FairShare.Waiting;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FairShareTest {

  @Test
  void twoTenantsSubmittingTenToOneAtEqualWeightsReceiveEqualTokensWhileBothWait() {
    Slots run = new Slots(Map.of("a", 1.0, "b", 1.0));
    for (int i = 0; i < 1000; i++) {
      run.submit("a", 4, 300);
      if (i % 10 == 0) {
        run.submit("b", 4, 300);
      }
    }
    run.serveWhileBothWait("a", "b");
    assertThat(ratio(run.served.get("a"), run.served.get("b"))).isLessThanOrEqualTo(1.05);
  }

  @Test
  void fairnessIsInTokensSoATenantOfBigRequestsGetsFewerOfThem() {
    Slots run = new Slots(Map.of("small", 1.0, "big", 1.0));
    for (int i = 0; i < 400; i++) {
      run.submit("small", 4, 100);
      run.submit("big", 4, 1000);
    }
    run.serveWhileBothWait("small", "big");
    assertThat(ratio(run.served.get("small"), run.served.get("big"))).isLessThanOrEqualTo(1.1);
    assertThat(run.tasksServed.get("small")).isGreaterThan(8 * run.tasksServed.get("big"));
  }

  @Test
  void weightsSplitTokensInTheirRatio() {
    Slots run = new Slots(Map.of("gold", 3.0, "bronze", 1.0));
    for (int i = 0; i < 1000; i++) {
      run.submit("gold", 4, 200);
      run.submit("bronze", 4, 200);
    }
    run.serveWhileBothWait("gold", "bronze");
    double share = (double) run.served.get("gold") / run.served.get("bronze");
    assertThat(share).isBetween(2.9, 3.1);
  }

  @Test
  void aHigherDispatchPriorityGoesFirstWhateverTheCounters() {
    Map<String, Double> counters = Map.of("heavy", 1e9, "light", 0.0);
    Waiting urgent = new Waiting("heavy", 9, 2);
    Waiting cheap = new Waiting("light", 4, 1);
    assertThat(FairShare.next(List.of(cheap, urgent), counters)).contains(urgent);
  }

  @Test
  void withinATenantTheOldestTaskGoesFirst() {
    Waiting older = new Waiting("a", 4, 1);
    Waiting newer = new Waiting("a", 4, 2);
    assertThat(FairShare.next(List.of(newer, older), Map.of())).contains(older);
  }

  @Test
  void aTenantReturningFromIdleIsLiftedToTheLowestWaitingCounterAndNeverLowered() {
    assertThat(FairShare.lifted(10, Optional.of(500.0))).isEqualTo(500);
    assertThat(FairShare.lifted(900, Optional.of(500.0))).isEqualTo(900);
    assertThat(FairShare.lifted(10, Optional.empty())).isEqualTo(10);
  }

  @Test
  void theFloorIsTheLowestWaitingCounterOrTheHighestOfAllWhenNothingWaits() {
    Map<String, Double> counters = Map.of("a", 100.0, "b", 300.0, "c", 5.0);
    assertThat(FairShare.floor(counters, java.util.Set.of("a", "b"))).contains(100.0);
    assertThat(FairShare.floor(counters, java.util.Set.of())).contains(300.0);
    assertThat(FairShare.floor(Map.of(), java.util.Set.of())).isEmpty();
  }

  @Test
  void withoutTheLiftAnIdleTenantWouldBankCreditAndMonopoliseTheSlots() {
    Map<String, Double> weights = Map.of("early", 1.0, "late", 1.0);
    Slots lifted = new Slots(weights);
    Slots banked = new Slots(weights);
    for (Slots run : List.of(lifted, banked)) {
      for (int i = 0; i < 500; i++) {
        run.submit("early", 4, 100);
      }
      run.serve(200);
      for (int i = 0; i < 300; i++) {
        run.submit("late", 4, 100);
      }
    }
    lifted.liftIdle("late");
    lifted.serve(100);
    banked.serve(100);
    assertThat(lifted.tasksServed.get("early")).isBetween(250L, 251L);
    assertThat(banked.tasksServed.get("early")).isEqualTo(200L);
  }

  /**
   * The invariant behind the fairness bound: while two tenants both wait, their counters never
   * differ by more than one task's charge, so served tokens / weight stay within that of each
   * other.
   */
  @Property(tries = 200)
  void backloggedTenantsCountersStayWithinOneTaskOfEachOther(
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 4000) Integer> sizesA,
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 4000) Integer> sizesB,
      @ForAll @DoubleRange(min = 0.25, max = 8) double weightA,
      @ForAll @DoubleRange(min = 0.25, max = 8) double weightB) {
    Slots run = new Slots(Map.of("a", weightA, "b", weightB));
    sizesA.forEach(s -> run.submit("a", 4, s));
    sizesB.forEach(s -> run.submit("b", 4, s));
    double maxCharge =
        Math.max(
            FairShare.charge(sizesA.stream().mapToInt(i -> i).max().orElseThrow(), weightA),
            FairShare.charge(sizesB.stream().mapToInt(i -> i).max().orElseThrow(), weightB));
    while (run.waiting("a") && run.waiting("b")) {
      assertThat(Math.abs(run.counters.get("a") - run.counters.get("b")))
          .isLessThanOrEqualTo(maxCharge + 1e-6);
      run.serve(1);
    }
  }

  @Property(tries = 200)
  void everyWaitingTaskIsEventuallyTakenExactlyOnce(
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 2) Integer> tenants,
      @ForAll @IntRange(min = 0, max = 9) int priority) {
    Slots run = new Slots(Map.of("t0", 1.0, "t1", 2.0, "t2", 0.5));
    tenants.forEach(t -> run.submit("t" + t, priority, 50));
    run.serve(tenants.size() + 5);
    assertThat(run.tasksServed.values().stream().mapToLong(l -> l).sum()).isEqualTo(tenants.size());
  }

  private static double ratio(long x, long y) {
    return (double) Math.max(x, y) / Math.min(x, y);
  }

  /** One slot serving waiting tasks in the fair-share order, charging what each task used. */
  private static final class Slots {
    final Map<String, Double> weights;
    final Map<String, Double> counters = new HashMap<>();
    final Map<String, Long> served = new HashMap<>();
    final Map<String, Long> tasksServed = new HashMap<>();
    final Map<Waiting, Integer> tokens = new HashMap<>();
    final Map<String, Deque<Waiting>> queues = new HashMap<>();
    long clock;

    Slots(Map<String, Double> weights) {
      this.weights = weights;
      weights.keySet().forEach(t -> counters.put(t, 0.0));
    }

    void submit(String tenant, int priority, int tokenCount) {
      Waiting w = new Waiting(tenant, priority, clock++);
      tokens.put(w, tokenCount);
      queues.computeIfAbsent(tenant, t -> new ArrayDeque<>()).add(w);
    }

    boolean waiting(String tenant) {
      return !queues.getOrDefault(tenant, new ArrayDeque<>()).isEmpty();
    }

    void liftIdle(String tenant) {
      java.util.Set<String> waiting = new java.util.HashSet<>();
      queues.forEach(
          (t, q) -> {
            if (!t.equals(tenant) && !q.isEmpty()) {
              waiting.add(t);
            }
          });
      counters.put(
          tenant, FairShare.lifted(counters.get(tenant), FairShare.floor(counters, waiting)));
    }

    void serve(int n) {
      for (int i = 0; i < n; i++) {
        List<Waiting> heads = new ArrayList<>();
        queues.values().forEach(q -> q.stream().findFirst().ifPresent(heads::add));
        Optional<Waiting> next = FairShare.next(heads, counters);
        if (next.isEmpty()) {
          return;
        }
        Waiting w = next.get();
        queues.get(w.tenant()).remove(w);
        int used = tokens.get(w);
        counters.merge(w.tenant(), FairShare.charge(used, weights.get(w.tenant())), Double::sum);
        served.merge(w.tenant(), (long) used, Long::sum);
        tasksServed.merge(w.tenant(), 1L, Long::sum);
      }
    }

    void serveWhileBothWait(String x, String y) {
      while (waiting(x) && waiting(y)) {
        serve(1);
      }
    }
  }
}
