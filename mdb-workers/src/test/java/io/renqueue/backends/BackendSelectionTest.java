package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendSelectionTest {

  private static BackendConfig backend(String name, String... models) {
    return new BackendConfig(
        name, "http://127.0.0.1:1/v1", null, Set.of(models), Duration.ofSeconds(1));
  }

  @Test
  void candidatesKeepTheConfiguredOrderAndSkipBackendsWithoutTheModel() {
    BackendSelection selection =
        new BackendSelection(
            List.of(
                backend("local", "llama"), backend("free", "*"), backend("paid", "gpt", "llama")));

    assertThat(selection.candidates("llama"))
        .extracting(BackendConfig::name)
        .containsExactly("local", "free", "paid");
    assertThat(selection.candidates("gpt"))
        .extracting(BackendConfig::name)
        .containsExactly("free", "paid");
  }

  @Test
  void noBackendServesAnUnknownModelWithoutAWildcard() {
    assertThat(new BackendSelection(List.of(backend("local", "llama"))).candidates("gpt"))
        .isEmpty();
  }

  @Test
  void theApiKeyNeverAppearsInTheDescription() {
    BackendConfig b =
        new BackendConfig("cloud", "http://x/v1", "sk-secret", Set.of("*"), Duration.ofSeconds(1));
    assertThat(b.toString()).doesNotContain("sk-secret");
  }
}
