package io.renqueue.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DegradedModelsTest {

  @Test
  void aModelDegradesOneStepToItsConfiguredSmallerModel() {
    DegradedModels d = DegradedModels.parse(" big = medium , medium=small,");
    assertThat(d.smallerThan("big")).contains("medium");
    assertThat(d.smallerThan("medium")).contains("small");
    assertThat(d.smallerThan("small")).isEmpty();
    assertThat(DegradedModels.parse("").asMap()).isEmpty();
    assertThat(DegradedModels.parse(null).asMap()).isEmpty();
  }

  @Test
  void anEntryThatIsNotModelEqualsSmallerIsRefusedByName() {
    assertThatThrownBy(() -> DegradedModels.parse("big"))
        .hasMessageContaining("'big' is not model=smaller-model");
    assertThatThrownBy(() -> DegradedModels.parse("big="))
        .hasMessageContaining("renqueue.routing.degraded-models");
    assertThatThrownBy(() -> DegradedModels.parse("same=same")).hasMessageContaining("'same=same'");
  }

  @Test
  void degradedCandidatesFollowThePrimaryOnesAndAreMarked() {
    RoutingDecision big =
        new RoutingDecision(
            RoutingPolicy.COST,
            List.of(candidate("gpu-1", "big")),
            List.of(new RoutingDecision.Rejection("cloud", "cooling down", Instant.EPOCH)));
    RoutingDecision small =
        new RoutingDecision(
            RoutingPolicy.COST,
            List.of(candidate("gpu-2", "small"), candidate("gpu-1", "small")),
            List.of(new RoutingDecision.Rejection("cloud", "context too small", null)));

    RoutingDecision d = big.degradingTo("small", small);

    assertThat(d.candidates())
        .extracting(RoutingDecision.Candidate::backend, RoutingDecision.Candidate::upstreamModel)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gpu-1", "big"),
            org.assertj.core.groups.Tuple.tuple("gpu-2", "small"),
            org.assertj.core.groups.Tuple.tuple("gpu-1", "small"));
    assertThat(d.primaryCount()).isEqualTo(1);
    assertThat(d.degradedTo()).isEqualTo("small");
    assertThat(d.candidates().get(1).why()).startsWith("degraded to small: ");
    assertThat(d.rejected())
        .extracting(RoutingDecision.Rejection::reason)
        .containsExactly("cooling down", "for small: context too small");
    assertThat(TaskRouting.trace(d)).contains("\"degraded_to\":\"small\"");
    assertThat(
            big.degradingTo("small", new RoutingDecision(RoutingPolicy.COST, List.of(), List.of())))
        .isSameAs(big);
  }

  @Test
  void aSplitReordersOnlyTheRequestedModelsCandidates() {
    RoutingDecision d =
        new RoutingDecision(
                RoutingPolicy.COST,
                List.of(candidate("a", "big"), candidate("b", "big")),
                List.of())
            .degradingTo(
                "small",
                new RoutingDecision(
                    RoutingPolicy.COST, List.of(candidate("c", "small")), List.of()))
            .preferring("b");
    assertThat(d.candidates())
        .extracting(RoutingDecision.Candidate::backend)
        .containsExactly("b", "a", "c");
    assertThat(d.primaryCount()).isEqualTo(2);
    assertThat(d.variant()).isEqualTo("b");
    assertThat(d.preferring("c").variant()).isEqualTo("b");
  }

  private static RoutingDecision.Candidate candidate(String backend, String model) {
    return new RoutingDecision.Candidate(backend, model, 1, 0, 100, "cheapest");
  }
}
