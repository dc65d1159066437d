package io.renqueue.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelFootprintsTest {

  @Test
  void readsModelEqualsMib() {
    ModelFootprints needs = ModelFootprints.parse(" llama-70b=40000, qwen = 16000 ,");

    assertThat(needs.need("llama-70b")).hasValue(40000L);
    assertThat(needs.need("qwen")).hasValue(16000L);
    assertThat(needs.need("other")).isEmpty();
    assertThat(ModelFootprints.parse("").mib()).isEmpty();
  }

  @Test
  void addsUpWhatLoadedModelsTake() {
    ModelFootprints needs = ModelFootprints.parse("a=100,b=50");

    assertThat(needs.total(List.of("a", "b", "unknown"))).isEqualTo(150);
  }

  @Test
  void refusesEntriesThatAreNotAPositiveNumberOfMib() {
    for (String bad : List.of("qwen", "qwen=lots", "qwen=0", "=100", "a=1=2")) {
      assertThatThrownBy(() -> ModelFootprints.parse(bad))
          .as(bad)
          .hasMessageContaining("renqueue.models.gpu-memory-mib");
    }
  }
}
