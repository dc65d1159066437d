package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantsTest {

  @Test
  void aCallerThatNamesNoTenantUsesTheDefaultOne() {
    assertThat(Tenants.resolve(null)).contains(Tenants.DEFAULT);
    assertThat(Tenants.resolve("  ")).contains(Tenants.DEFAULT);
  }

  @Test
  void aValidTenantIdIsTakenAsGivenWithoutSurroundingSpace() {
    assertThat(Tenants.resolve(" team-a.prod_1 ")).contains("team-a.prod_1");
  }

  @Test
  void idsWithUpperCaseSlashesOrOver64CharactersAreRefused() {
    assertThat(Tenants.resolve("TeamA")).isEmpty();
    assertThat(Tenants.resolve("a/b")).isEmpty();
    assertThat(Tenants.resolve("-a")).isEmpty();
    assertThat(Tenants.resolve("a".repeat(65))).isEmpty();
    assertThat(Tenants.resolve("a".repeat(64))).isPresent();
  }
}
