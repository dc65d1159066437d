package io.renqueue.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SplitTest {

  private static Split split(Split.Sticky sticky, Object... pairs) {
    Map<String, Integer> w = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      w.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return new Split("llama", w, sticky);
  }

  @Property(tries = 20)
  void aNinetyTenSplitSendsNinetyPlusMinusThreePercentOfTwoThousandTasksToTheFirst(
      @ForAll long seed) {
    Split s = split(Split.Sticky.NONE, "stable", 90, "canary", 10);
    Random random = new Random(seed);
    int canary = 0;
    for (int i = 0; i < 2000; i++) {
      if (s.choose(null, random::nextDouble).equals("canary")) {
        canary++;
      }
    }
    assertThat(canary / 2000.0).isBetween(0.07, 0.13);
  }

  @Test
  void aVariantAtWeightZeroGetsNothingAndAllZeroMeansNoSplit() {
    Split rolledBack = split(Split.Sticky.NONE, "stable", 100, "canary", 0);
    Random random = new Random(1);
    for (int i = 0; i < 1000; i++) {
      assertThat(rolledBack.choose(null, random::nextDouble)).isEqualTo("stable");
    }
    assertThat(split(Split.Sticky.NONE, "a", 0, "b", 0).choose(null, () -> 0.5)).isNull();
  }

  @Test
  void aStickySplitKeepsEachTenantOnOneVariantAndStillSplitsTenants() {
    Split s = split(Split.Sticky.TENANT, "stable", 50, "canary", 50);
    Map<String, String> seen = new HashMap<>();
    int canary = 0;
    for (int t = 0; t < 400; t++) {
      String tenant = "tenant-" + t;
      String first = s.choose(tenant, Math::random);
      for (int i = 0; i < 5; i++) {
        assertThat(s.choose(tenant, Math::random)).isEqualTo(first);
      }
      seen.put(tenant, first);
      canary += first.equals("canary") ? 1 : 0;
    }
    assertThat(canary).isBetween(150, 250);
  }

  @Test
  void negativeWeightsAndUnknownStickinessAreRefused() {
    assertThatThrownBy(() -> split(Split.Sticky.NONE, "a", -1)).hasMessageContaining("0 or more");
    assertThatThrownBy(() -> Split.Sticky.fromWire("user"))
        .hasMessageContaining("none, tenant or key");
  }
}
