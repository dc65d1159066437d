package io.renqueue.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {

  @Test
  void aModelLoadedOnAnotherWorkerWithAFreeSlotIsLeftToIt() {
    assertThat(Placement.leaveToOthers(List.of("llama-70b", "qwen"), Set.of("qwen")))
        .containsExactly("llama-70b");
  }

  @Test
  void aModelLoadedHereTooIsNotLeftToAnyone() {
    assertThat(Placement.leaveToOthers(List.of("qwen"), Set.of("qwen"))).isEmpty();
  }

  @Test
  void theWildcardExpressesNoPreference() {
    assertThat(Placement.leaveToOthers(List.of("*", "qwen"), Set.of())).containsExactly("qwen");
    assertThat(Placement.leaveToOthers(List.of("qwen"), Set.of("*"))).isEmpty();
  }
}
