package io.renqueue.backends;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.StringReader;

/**
 * Asks a backend to finish an answer another one broke off: the text the client already has goes
 * back as the assistant's own words, followed by a request to go on from exactly there.
 */
public final class Continuation {

  static final String INSTRUCTION =
      "Continue your previous answer exactly where it stopped. Do not repeat any of it.";

  private Continuation() {}

  public static String request(String requestJson, String partialAnswer) {
    try (var reader = Json.createReader(new StringReader(requestJson))) {
      JsonObject request = reader.readObject();
      JsonArrayBuilder messages = Json.createArrayBuilder(request.getJsonArray("messages"));
      messages.add(
          Json.createObjectBuilder().add("role", "assistant").add("content", partialAnswer));
      messages.add(Json.createObjectBuilder().add("role", "user").add("content", INSTRUCTION));
      return Json.createObjectBuilder(request).add("messages", messages).build().toString();
    }
  }
}
