package io.renqueue.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendJsonTest {

  private static final Map<String, String> SERVER =
      Map.of("backend.timeout-ms", "1500", "backend.max-retries", "1");

  private static BackendDefinition read(String name, String json) {
    return BackendJson.read(name, parse(json), k -> Optional.ofNullable(SERVER.get(k)));
  }

  private static JsonObject parse(String json) {
    try (var r = Json.createReader(new StringReader(json))) {
      return r.readObject();
    }
  }

  @Test
  void aFullDocumentMeansWhatTheSameConfigurationKeysMean() {
    BackendDefinition b =
        read(
            "gpu-2",
            """
            {"url": "http://10.0.0.6:8000/v1", "kind": "cloud-paid", "api_key_env": "GPU_KEY",
             "models": [{"alias": "small", "upstream": "org/small-7b", "context": 32000,
                         "max_output": 2000, "features": ["tools", "json"], "quality": 7},
                        "big"],
             "price": {"input_per_1m": 0.15, "output_per_1m": 0.6},
             "limits": {"requests_per_minute": 60, "max_concurrency": 2},
             "tags": {"region": "eu", "tier": "gold"}, "timeout_ms": 9000, "max_retries": 4}
            """);
    assertThat(b.kind()).isEqualTo(BackendKind.CLOUD_PAID);
    assertThat(b.apiKeyEnv()).isEqualTo("GPU_KEY");
    assertThat(b.models())
        .containsExactly(
            new ModelOffer(
                "small", "org/small-7b", 32000, 2000, Set.of(Feature.TOOLS, Feature.JSON), 7),
            new ModelOffer(
                "big",
                "big",
                ModelOffer.DEFAULT_CONTEXT,
                ModelOffer.DEFAULT_MAX_OUTPUT,
                Set.of(),
                ModelOffer.DEFAULT_QUALITY));
    assertThat(b.price()).isEqualTo(new Price(0.15, 0.6));
    assertThat(b.limits()).isEqualTo(new RateLimits(60, 0, 0, 2));
    assertThat(b.tags()).isEqualTo(Map.of("region", "eu", "tier", "gold"));
    assertThat(b.timeout()).isEqualTo(Duration.ofMillis(9000));
    assertThat(b.maxRetries()).isEqualTo(4);
  }

  @Test
  void whatADocumentLeavesOutComesFromTheServersDefaults() {
    BackendDefinition b = read("gpu-3", "{\"url\": \"http://10.0.0.7:8000/v1\"}");
    assertThat(b.kind()).isEqualTo(BackendKind.LOCAL);
    assertThat(b.models()).extracting(ModelOffer::alias).containsExactly("*");
    assertThat(b.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(b.maxRetries()).isEqualTo(1);
    assertThat(b.price().isFree()).isTrue();
  }

  @Test
  void aWrittenDefinitionReadsBackAsTheSameDefinition() {
    BackendDefinition b =
        read(
            "paid",
            """
            {"url": "https://api.example/v1", "kind": "cloud-paid", "api_key_env": "KEY",
             "models": [{"alias": "m", "upstream": "vendor/m", "features": ["vision"]}],
             "price": {"input_per_1m": 1, "output_per_1m": 2}, "tags": {"region": "us"}}
            """);
    JsonObject written = BackendJson.write(b);
    assertThat(BackendJson.read("paid", written, k -> Optional.empty())).isEqualTo(b);
    assertThat(written.toString()).doesNotContain("secret").contains("\"api_key_env\":\"KEY\"");
  }

  @Test
  void aWrongFieldIsNamedInTheError() {
    assertThatThrownBy(() -> read("x", "{}")).hasMessageContaining("'url' is required");
    assertThatThrownBy(() -> read("x", "{\"url\": \"ftp://h/v1\"}"))
        .hasMessageContaining("'url' must be an http(s) URL");
    assertThatThrownBy(() -> read("x", "{\"url\": \"http://h/v1\", \"kind\": \"gpu\"}"))
        .hasMessageContaining("kind")
        .hasMessageContaining("local, cloud-free or cloud-paid")
        .hasMessageNotContaining("renqueue.backend");
    assertThatThrownBy(() -> read("x", "{\"url\": \"http://h/v1\", \"api_key\": \"sk-1\"}"))
        .hasMessageContaining("unknown field 'api_key'");
    assertThatThrownBy(() -> read("x", "{\"url\": \"http://h/v1\", \"limits\": {\"rpm\": 1}}"))
        .hasMessageContaining("unknown field 'limits.rpm'");
    assertThatThrownBy(
            () -> read("x", "{\"url\": \"http://h/v1\", \"price\": {\"input_per_1m\": -1}}"))
        .hasMessageContaining("'price.input_per_1m' must be a number ≥ 0");
    assertThatThrownBy(() -> read("x", "{\"url\": \"http://h/v1\", \"models\": [\"a,b\"]}"))
        .hasMessageContaining("model names");
    assertThatThrownBy(
            () ->
                read(
                    "x",
                    "{\"url\": \"http://h/v1\", \"models\": [{\"alias\": \"a\", \"features\":"
                        + " [\"telepathy\"]}]}"))
        .hasMessageContaining("unknown feature 'telepathy'");
    assertThatThrownBy(() -> read("x", "{\"url\": \"http://h/v1\", \"name\": \"y\"}"))
        .hasMessageContaining("must match the path");
  }

  @Test
  void namesThatCannotBeAConfigKeyOrAPathAreRefused() {
    assertThatThrownBy(() -> read("Bad Name", "{\"url\": \"http://h/v1\"}"))
        .hasMessageContaining("backend name");
    assertThatThrownBy(() -> read("a.b", "{\"url\": \"http://h/v1\"}"))
        .hasMessageContaining("backend name");
    assertThat(read("gpu_1-a", "{\"url\": \"http://h/v1\"}").name()).isEqualTo("gpu_1-a");
  }
}
