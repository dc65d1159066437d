package io.renqueue.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendDefinitionsTest {

  private static List<BackendDefinition> read(Map<String, String> keys) {
    return BackendDefinitions.read(k -> Optional.ofNullable(keys.get(k)));
  }

  @Test
  void aFullDefinitionIsRead() {
    BackendDefinition b =
        read(Map.ofEntries(
                Map.entry("renqueue.backends", "openai"),
                Map.entry("renqueue.backend.openai.url", "https://api.example/v1"),
                Map.entry("renqueue.backend.openai.kind", "cloud-paid"),
                Map.entry("renqueue.backend.openai.models", "small=gpt-4o-mini, big"),
                Map.entry("renqueue.backend.openai.model.small.context", "128000"),
                Map.entry("renqueue.backend.openai.model.small.features", "tools,json"),
                Map.entry("renqueue.backend.openai.model.big.quality", "9"),
                Map.entry("renqueue.backend.openai.price.input-per-1m", "0.15"),
                Map.entry("renqueue.backend.openai.price.output-per-1m", "0.6"),
                Map.entry("renqueue.backend.openai.limits.requests-per-minute", "500"),
                Map.entry("renqueue.backend.openai.limits.max-concurrency", "8"),
                Map.entry("renqueue.backend.openai.tags", "region=us, tier=paid"),
                Map.entry("renqueue.backend.openai.api-key-env", "OPENAI_API_KEY"),
                Map.entry("renqueue.backend.openai.timeout-ms", "5000"),
                Map.entry("backend.max-retries", "1")))
            .get(0);
    assertThat(b.kind()).isEqualTo(BackendKind.CLOUD_PAID);
    assertThat(b.models())
        .containsExactly(
            new ModelOffer(
                "small", "gpt-4o-mini", 128000, 4096, Set.of(Feature.TOOLS, Feature.JSON), 5),
            new ModelOffer("big", "big", 8192, 4096, Set.of(), 9));
    assertThat(b.price()).isEqualTo(new Price(0.15, 0.6));
    assertThat(b.limits()).isEqualTo(new RateLimits(500, 0, 0, 8));
    assertThat(b.tags()).isEqualTo(Map.of("region", "us", "tier", "paid"));
    assertThat(b.apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
    assertThat(b.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.maxRetries()).isEqualTo(1);
  }

  @Test
  void aBareBackendIsALocalFreeWildcardWithTheGlobalTimeouts() {
    BackendDefinition b =
        read(Map.of("renqueue.backends", "sim", "renqueue.backend.sim.url", "http://x/v1")).get(0);
    assertThat(b.kind()).isEqualTo(BackendKind.LOCAL);
    assertThat(b.models()).singleElement().matches(ModelOffer::isWildcard);
    assertThat(b.price().isFree()).isTrue();
    assertThat(b.limits().isLimited()).isFalse();
    assertThat(b.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.maxRetries()).isEqualTo(2);
  }

  @Test
  void wrongValuesNameTheirKey() {
    assertThatThrownBy(() -> read(Map.of("renqueue.backends", "x")))
        .hasMessageContaining("renqueue.backend.x.url");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "renqueue.backends", "x",
                        "renqueue.backend.x.url", "http://x/v1",
                        "renqueue.backend.x.kind", "cheap")))
        .hasMessageContaining("renqueue.backend.x.kind")
        .hasMessageContaining("cloud-free");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "renqueue.backends", "x",
                        "renqueue.backend.x.url", "http://x/v1",
                        "renqueue.backend.x.limits.requests-per-minute", "lots")))
        .hasMessageContaining("renqueue.backend.x.limits.requests-per-minute");
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        "renqueue.backends", "x",
                        "renqueue.backend.x.url", "http://x/v1",
                        "renqueue.backend.x.model.*.features", "telepathy")))
        .hasMessageContaining("telepathy");
  }
}
