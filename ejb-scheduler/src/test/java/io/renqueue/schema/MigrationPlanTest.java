package io.renqueue.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MigrationPlanTest {

  @Test
  void runsOnlyUnappliedScriptsInVersionOrder() {
    List<String> available = List.of("V010__later.sql", "V002__second.sql", "V001__first.sql");

    assertThat(MigrationPlan.pending(available, Set.of(1)))
        .containsExactly("V002__second.sql", "V010__later.sql");
    assertThat(MigrationPlan.pending(available, Set.of(1, 2, 10))).isEmpty();
  }

  @Test
  void refusesNamesWithoutAVersion() {
    assertThatThrownBy(() -> MigrationPlan.version("tasks.sql"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
