package io.renqueue.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantWeightsTest {

  @Test
  void listedTenantsGetTheirWeightAndOthersTheDefault() {
    TenantWeights w = TenantWeights.parse("acme=3, globex = 0.5", 1);
    assertThat(w.of("acme")).isEqualTo(3);
    assertThat(w.of("globex")).isEqualTo(0.5);
    assertThat(w.of("initech")).isEqualTo(1);
  }

  @Test
  void anEmptySettingGivesEveryoneTheDefault() {
    assertThat(TenantWeights.parse("", 2).of("x")).isEqualTo(2);
    assertThat(TenantWeights.parse(null, 2).weights()).isEmpty();
  }

  @Test
  void aWrongPairRefusesTheWholeSettingWithTheCulpritNamed() {
    assertThatThrownBy(() -> TenantWeights.parse("acme=3,globex", 1))
        .hasMessageContaining("'globex'");
    assertThatThrownBy(() -> TenantWeights.parse("acme=0", 1)).hasMessageContaining("acme");
    assertThatThrownBy(() -> TenantWeights.parse("acme=-1", 1)).hasMessageContaining("positive");
    assertThatThrownBy(() -> TenantWeights.parse("acme=lots", 1)).hasMessageContaining("acme");
    assertThatThrownBy(() -> TenantWeights.parse("Acme=1", 1)).hasMessageContaining("Acme");
    assertThatThrownBy(() -> TenantWeights.parse("", 0)).hasMessageContaining("default");
  }
}
