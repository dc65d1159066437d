package io.renqueue.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.routing.RoutingDecision.Candidate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RouterTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  static BackendDefinition backend(String name, BackendKind kind, Price price, ModelOffer... m) {
    return new BackendDefinition(
        name,
        kind,
        "http://127.0.0.1:1/v1",
        null,
        List.of(m),
        price,
        RateLimits.NONE,
        Map.of(),
        Duration.ofSeconds(30),
        2);
  }

  static ModelOffer offer(String alias, int context, Feature... features) {
    return new ModelOffer(alias, alias + "-upstream", context, 4096, Set.of(features), 5);
  }

  private final BackendDefinition local =
      backend("gpu-1", BackendKind.LOCAL, Price.FREE, offer("llama", 8192));
  private final BackendDefinition free =
      backend("free", BackendKind.CLOUD_FREE, Price.FREE, offer("llama", 32768, Feature.TOOLS));
  private final BackendDefinition paid =
      backend(
          "paid",
          BackendKind.CLOUD_PAID,
          new Price(0.5, 1.5),
          offer("llama", 128_000, Feature.TOOLS, Feature.VISION));

  private static RouteRequest request(RoutingConstraints c, Feature... features) {
    return new RouteRequest("llama", 500, 256, Set.of(features), c);
  }

  private static List<String> order(RoutingDecision d) {
    return d.candidates().stream().map(Candidate::backend).toList();
  }

  @Test
  void theCostPolicyPrefersLocalThenTheFreeQuotaThenPaid() {
    RoutingDecision d =
        Router.route(
            request(RoutingConstraints.DEFAULT), List.of(paid, free, local), Map.of(), NOW);
    assertThat(order(d)).containsExactly("gpu-1", "free", "paid");
    assertThat(d.candidates().get(0).upstreamModel()).isEqualTo("llama-upstream");
    assertThat(d.candidates().get(2).estimatedCostUsd()).isEqualTo((500 * 0.5 + 256 * 1.5) / 1e6);
  }

  @Test
  void aBusyLocalBackendLosesToAnIdleFreeOneUnderTheLatencyPolicy() {
    Map<String, BackendStatus> status =
        Map.of(
            "gpu-1", new BackendStatus("gpu-1", 2000.0, 20.0, 12, 1, null, false),
            "free", new BackendStatus("free", 300.0, 80.0, 0, 1, null, false));
    RoutingConstraints latency =
        new RoutingConstraints(RoutingPolicy.LATENCY, true, null, Map.of());
    assertThat(order(Router.route(request(latency), List.of(local, free), status, NOW)))
        .containsExactly("free", "gpu-1");
  }

  @Test
  void backendsThatCannotServeTheTaskAreLeftOutWithTheReason() {
    RouteRequest big = new RouteRequest("llama", 20_000, 512, Set.of(), RoutingConstraints.DEFAULT);
    RoutingDecision d = Router.route(big, List.of(local, free, paid), Map.of(), NOW);
    assertThat(order(d)).containsExactly("free", "paid");
    assertThat(d.rejected())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.backend()).isEqualTo("gpu-1");
              assertThat(r.reason()).contains("context window 8192");
            });

    RoutingDecision vision =
        Router.route(
            request(RoutingConstraints.DEFAULT, Feature.VISION),
            List.of(local, free, paid),
            Map.of(),
            NOW);
    assertThat(order(vision)).containsExactly("paid");
    assertThat(vision.rejected())
        .extracting(RoutingDecision.Rejection::reason)
        .allMatch(r -> r.contains("lacks [VISION]"));
  }

  @Test
  void constraintsExcludePaidBackendsForeignTagsAndOverBudgetOnes() {
    RoutingConstraints noPaid = new RoutingConstraints(RoutingPolicy.COST, false, null, Map.of());
    assertThat(order(Router.route(request(noPaid), List.of(local, paid), Map.of(), NOW)))
        .containsExactly("gpu-1");

    RoutingConstraints cheap = new RoutingConstraints(RoutingPolicy.COST, true, 0.0001, Map.of());
    RoutingDecision d = Router.route(request(cheap), List.of(paid), Map.of(), NOW);
    assertThat(d.candidates()).isEmpty();
    assertThat(d.rejected().get(0).reason()).contains("over max_cost_usd");

    BackendDefinition eu =
        new BackendDefinition(
            "eu",
            BackendKind.LOCAL,
            "http://x/v1",
            null,
            List.of(offer("llama", 8192)),
            Price.FREE,
            RateLimits.NONE,
            Map.of("region", "eu"),
            Duration.ofSeconds(1),
            0);
    RoutingConstraints inEu =
        new RoutingConstraints(RoutingPolicy.COST, true, null, Map.of("region", "eu"));
    assertThat(order(Router.route(request(inEu), List.of(local, eu), Map.of(), NOW)))
        .containsExactly("eu");
  }

  @Test
  void localOnlyLeavesEveryCloudBackendOut() {
    RoutingConstraints localOnly =
        new RoutingConstraints(RoutingPolicy.LOCAL_ONLY, true, null, Map.of());
    RoutingDecision d = Router.route(request(localOnly), List.of(paid, free, local), Map.of(), NOW);
    assertThat(order(d)).containsExactly("gpu-1");
    assertThat(d.rejected()).hasSize(2);
  }

  @Test
  void coolingAndOpenCircuitBackendsWaitAndTheDecisionSaysWhenTheFirstIsBack() {
    Instant back = NOW.plusSeconds(30);
    Map<String, BackendStatus> status =
        Map.of(
            "free", new BackendStatus("free", null, null, 0, 0, back, false),
            "gpu-1", new BackendStatus("gpu-1", null, null, 0, 1, null, true));
    RoutingDecision d =
        Router.route(request(RoutingConstraints.DEFAULT), List.of(local, free), status, NOW);
    assertThat(d.candidates()).isEmpty();
    assertThat(d.earliestAvailable()).contains(back);
    assertThat(d.rejected())
        .extracting(RoutingDecision.Rejection::reason)
        .anyMatch(r -> r.startsWith("circuit open"))
        .anyMatch(r -> r.startsWith("cooling down until"));
  }

  @Test
  void theQualityPolicyPicksTheBetterModelEvenWhenItCosts() {
    BackendDefinition strong =
        backend(
            "strong",
            BackendKind.CLOUD_PAID,
            new Price(5, 15),
            new ModelOffer("llama", "big", 128_000, 4096, Set.of(), 9));
    RoutingConstraints quality =
        new RoutingConstraints(RoutingPolicy.QUALITY, true, null, Map.of());
    assertThat(order(Router.route(request(quality), List.of(local, strong), Map.of(), NOW)))
        .first()
        .isEqualTo("strong");
  }

  @Test
  void aWildcardOfferServesAnyModelUnderItsOwnName() {
    BackendDefinition any =
        backend(
            "any",
            BackendKind.LOCAL,
            Price.FREE,
            new ModelOffer("*", "*", 8192, 4096, Set.of(), 5));
    RoutingDecision d =
        Router.route(
            new RouteRequest("qwen", 10, 10, Set.of(), RoutingConstraints.DEFAULT),
            List.of(any),
            Map.of(),
            NOW);
    assertThat(d.candidates().get(0).upstreamModel()).isEqualTo("qwen");
  }

  /** Every eligible backend is a candidate exactly once, and each other one is rejected once. */
  @Property(tries = 200)
  void everyBackendIsEitherACandidateOrRejectedNeverBoth(
      @ForAll @IntRange(min = 0, max = 200_000) int promptTokens,
      @ForAll @IntRange(min = 1, max = 8000) int maxTokens,
      @ForAll @IntRange(min = 0, max = 20) int localInFlight) {
    RouteRequest r =
        new RouteRequest("llama", promptTokens, maxTokens, Set.of(), RoutingConstraints.DEFAULT);
    Map<String, BackendStatus> status =
        Map.of("gpu-1", new BackendStatus("gpu-1", 500.0, 40.0, localInFlight, 1, null, false));
    RoutingDecision d = Router.route(r, List.of(local, free, paid), status, NOW);
    assertThat(d.candidates().size() + d.rejected().size()).isEqualTo(3);
    assertThat(order(d)).doesNotHaveDuplicates();
    assertThat(d.candidates())
        .isSortedAccordingTo(java.util.Comparator.comparingDouble(Candidate::score));
  }

  @Test
  void loadIsTheShareOfTheConcurrencyLimitOrASoftCurveWithoutOne() {
    assertThat(Router.load(1, 2)).isEqualTo(0.5);
    assertThat(Router.load(5, 2)).isEqualTo(1);
    assertThat(Router.load(0, 0)).isZero();
    assertThat(Router.load(4, 0)).isEqualTo(0.5);
  }

  @Test
  void expectedTimeIsFirstTokenPlusTheAnswerAtTheMeasuredSpeed() {
    BackendStatus measured = new BackendStatus("x", 200.0, 100.0, 0, 1, null, false);
    assertThat(Router.expectedMillis(measured, 300)).isEqualTo(3200);
    assertThat(Router.expectedMillis(BackendStatus.unknown("y"), 50)).isEqualTo(2000);
  }
}
