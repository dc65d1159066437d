package io.renqueue.api.openai;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The OpenAI-compatible API: point an OpenAI SDK's base URL at {@code http://HOST:PORT/v1}. Every
 * call is a durable Ren-Queue task; errors use OpenAI's error shape so SDKs understand them.
 */
@ApplicationPath("/v1")
public class OpenAiApplication extends Application {

  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        ChatCompletionsResource.class,
        EmbeddingsResource.class,
        ModelsResource.class,
        OpenAiErrorMapper.class,
        StreamRequests.class);
  }
}
