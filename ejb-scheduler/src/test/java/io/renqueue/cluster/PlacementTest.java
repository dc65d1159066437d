package io.renqueue.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static final ModelFootprints NEEDS = ModelFootprints.parse("llama-70b=40000,qwen=16000");

  private static List<String> loadedOnly(List<String> elsewhere, Set<String> mine) {
    return Placement.leaveToOthers(
        List.of(new Placement.Worker(Set.copyOf(elsewhere), -1)), mine, -1, ModelFootprints.NONE);
  }

  @Test
  void aModelLoadedOnAnotherWorkerWithAFreeSlotIsLeftToIt() {
    assertThat(loadedOnly(List.of("llama-70b", "qwen"), Set.of("qwen")))
        .containsExactly("llama-70b");
  }

  @Test
  void aModelLoadedHereTooIsNotLeftToAnyone() {
    assertThat(loadedOnly(List.of("qwen"), Set.of("qwen"))).isEmpty();
  }

  @Test
  void theWildcardExpressesNoPreference() {
    assertThat(loadedOnly(List.of("*", "qwen"), Set.of())).containsExactly("qwen");
    assertThat(loadedOnly(List.of("qwen"), Set.of("*"))).isEmpty();
  }

  @Test
  void aModelThisWorkerHasNoRoomForIsLeftToAFreeWorkerThatHas() {
    List<Placement.Worker> roomy = List.of(new Placement.Worker(Set.of(), 60000));

    assertThat(Placement.leaveToOthers(roomy, Set.of("qwen"), 8000, NEEDS))
        .containsExactly("llama-70b");
  }

  @Test
  void whenNoFreeWorkerHasRoomEitherThisWorkerTakesTheModel() {
    List<Placement.Worker> cramped = List.of(new Placement.Worker(Set.of(), 20000));

    assertThat(Placement.leaveToOthers(cramped, Set.of("qwen"), 8000, NEEDS)).isEmpty();
  }

  @Test
  void aWorkerWithRoomOrWithTheModelLoadedTakesIt() {
    List<Placement.Worker> roomy = List.of(new Placement.Worker(Set.of(), 60000));

    assertThat(Placement.leaveToOthers(roomy, Set.of(), 45000, NEEDS)).isEmpty();
    assertThat(Placement.leaveToOthers(roomy, Set.of("llama-70b"), 0, NEEDS))
        .doesNotContain("llama-70b")
        .as("no room left for another model")
        .containsExactly("qwen");
  }

  @Test
  void unknownGpuMemoryIsNotJudged() {
    List<Placement.Worker> roomy = List.of(new Placement.Worker(Set.of(), 60000));
    List<Placement.Worker> unknown = List.of(new Placement.Worker(Set.of(), -1));

    assertThat(Placement.leaveToOthers(roomy, Set.of(), -1, NEEDS)).isEmpty();
    assertThat(Placement.leaveToOthers(unknown, Set.of(), 100, NEEDS)).isEmpty();
  }
}
