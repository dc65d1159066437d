package io.renqueue.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CooldownSnapshotTest {

  private static final Instant NOW = Instant.parse("2026-12-08T03:00:00Z");
  private static final Duration MAX_AGE = Duration.ofMillis(250);

  @Test
  void nothingReadYetIsStale() {
    assertThat(CooldownSnapshot.none().staleAt(0, MAX_AGE)).isTrue();
  }

  @Test
  void aSnapshotIsReadAgainOnceItIsOlderThanItsMaximumAge() {
    CooldownSnapshot s = CooldownSnapshot.read(Map.of(), 1_000_000_000L);
    assertThat(s.staleAt(1_000_000_000L + MAX_AGE.toNanos() - 1, MAX_AGE)).isFalse();
    assertThat(s.staleAt(1_000_000_000L + MAX_AGE.toNanos(), MAX_AGE)).isTrue();
  }

  @Test
  void endedCooldownsAreLeftOut() {
    CooldownSnapshot s =
        CooldownSnapshot.read(
            Map.of("a", NOW.minusMillis(1), "b", NOW.plusSeconds(5), "c", NOW), 0);
    assertThat(s.activeAt(NOW)).containsOnlyKeys("b");
  }

  @Test
  void aCooldownThisServerSetOnlyExtendsOneAlreadyKnown() {
    CooldownSnapshot s = CooldownSnapshot.read(Map.of("a", NOW.plusSeconds(30)), 0);
    assertThat(s.with("a", NOW.plusSeconds(1)).activeAt(NOW))
        .containsEntry("a", NOW.plusSeconds(30));
    assertThat(s.with("a", NOW.plusSeconds(60)).activeAt(NOW))
        .containsEntry("a", NOW.plusSeconds(60));
    assertThat(s.with("b", NOW.plusSeconds(2)).activeAt(NOW)).containsOnlyKeys("a", "b");
  }

  @Test
  void settingACooldownKeepsTheSnapshotsAge() {
    CooldownSnapshot s = CooldownSnapshot.read(Map.of(), 0).with("a", NOW.plusSeconds(1));
    assertThat(s.staleAt(MAX_AGE.toNanos(), MAX_AGE)).isTrue();
  }
}
