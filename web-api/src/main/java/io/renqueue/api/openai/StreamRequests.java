package io.renqueue.api.openai;

import io.renqueue.submission.SubmissionParser;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * OpenAI's chat endpoint answers with JSON or, for {@code "stream": true}, with server-sent events,
 * and JAX-RS chooses a method by path and media types, not by body. A chat completion asking for a
 * stream is routed to {@link ChatCompletionsResource#stream}, which holds no thread while it waits;
 * the body is read once here and handed on unchanged.
 */
@Provider
@PreMatching
public class StreamRequests implements ContainerRequestFilter {

  static final String STREAM_PATH = "chat/completions/stream";

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    String path = request.getUriInfo().getPath();
    if (!"POST".equals(request.getMethod()) || !path.endsWith("chat/completions")) {
      return;
    }
    byte[] body = request.getEntityStream().readNBytes(SubmissionParser.MAX_BODY_BYTES + 1);
    request.setEntityStream(new ByteArrayInputStream(body));
    if (body.length <= SubmissionParser.MAX_BODY_BYTES && asksForStream(body)) {
      request.setRequestUri(
          request.getUriInfo().getBaseUri(),
          request.getUriInfo().getBaseUriBuilder().path(STREAM_PATH).build());
    }
  }

  private static boolean asksForStream(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (!text.contains("\"stream\"")) {
      return false;
    }
    try (var reader = Json.createReader(new StringReader(text))) {
      JsonObject request = reader.readObject();
      return request.get("stream") == JsonValue.TRUE;
    } catch (JsonException | IllegalStateException e) {
      return false; // the resource answers the malformed body
    }
  }
}
