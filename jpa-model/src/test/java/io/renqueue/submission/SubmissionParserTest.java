package io.renqueue.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskType;
import jakarta.json.Json;
import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionParserTest {

  private final SubmissionParser parser = new SubmissionParser();

  private static final String VALID =
      """
      {"model":"llama-3-8b","messages":[{"role":"user","content":"hi"}],
       "max_tokens":32,"temperature":0.2,"priority":"high","idempotency_key":"k-1"}
      """;

  @Test
  void aValidChatRequestBecomesASubmissionWithoutControlFields() throws Exception {
    Submission s = parser.parse(VALID);

    assertThat(s.type()).isEqualTo(TaskType.CHAT);
    assertThat(s.model()).isEqualTo("llama-3-8b");
    assertThat(s.priority()).isEqualTo(Priority.HIGH);
    assertThat(s.idempotencyKey()).isEqualTo("k-1");
    var forwarded = Json.createReader(new StringReader(s.requestJson())).readObject();
    assertThat(forwarded.keySet())
        .containsExactlyInAnyOrder("model", "messages", "max_tokens", "temperature");
  }

  @Test
  void priorityDefaultsToNormalAndTypeToChat() throws Exception {
    Submission s =
        parser.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(s.priority()).isEqualTo(Priority.NORMAL);
    assertThat(s.type()).isEqualTo(TaskType.CHAT);
    assertThat(s.idempotencyKey()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{not json", "[1,2]", "\"text\"", "42", "{\"a\":1}}"})
  void malformedDocumentsAreRejectedAsMalformed(String body) {
    assertThatThrownBy(() -> parser.parse(body))
        .isInstanceOfSatisfying(
            InvalidSubmissionException.class,
            e -> assertThat(e.kind()).isEqualTo(InvalidSubmissionException.Kind.MALFORMED_JSON));
  }

  @Test
  void missingMessagesIsAFieldError() {
    assertFieldErrors("{\"model\":\"m\"}", "messages");
  }

  @Test
  void emptyMessagesIsAFieldError() {
    assertFieldErrors("{\"model\":\"m\",\"messages\":[]}", "messages");
  }

  @Test
  void unknownPriorityIsAFieldErrorThatListsTheLevels() {
    InvalidSubmissionException e =
        assertFieldErrors(
            "{\"model\":\"m\",\"priority\":\"urgent\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "priority");
    assertThat(e.errors().get(0).message()).contains("critical, high, normal, low, batch");
  }

  @Test
  void unknownAndNotYetSupportedTypesAreFieldErrors() {
    String msgs = ",\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    assertFieldErrors("{\"type\":\"video\"" + msgs, "type");
    InvalidSubmissionException e = assertFieldErrors("{\"type\":\"rag\"" + msgs, "type");
    assertThat(e.errors().get(0).message()).contains("not supported yet");
  }

  @Test
  void anEmbeddingNeedsInputTextsInsteadOfMessages() throws Exception {
    Submission s =
        new SubmissionParser()
            .parse("{\"type\":\"embedding\",\"model\":\"e\",\"input\":[\"a\",\"b\"]}");
    assertThat(s.type()).isEqualTo(TaskType.EMBEDDING);
    assertFieldErrors("{\"type\":\"embedding\",\"model\":\"e\"}", "input");
    assertFieldErrors("{\"type\":\"embedding\",\"model\":\"e\",\"input\":[]}", "input");
    assertFieldErrors("{\"type\":\"embedding\",\"model\":\"e\",\"input\":[1]}", "input");
  }

  @Test
  void everyBadFieldIsReportedAtOnce() {
    InvalidSubmissionException e =
        assertFieldErrors(
            "{\"messages\":[{\"role\":\"robot\"},7],\"max_tokens\":0,\"temperature\":9}",
            "model",
            "messages[0].role",
            "messages[0].content",
            "messages[1]",
            "max_tokens",
            "temperature");
    assertThat(e.getMessage()).contains("6 invalid fields");
  }

  @Test
  void overlongIdempotencyKeyIsRejected() {
    String key = "k".repeat(SubmissionParser.MAX_IDEMPOTENCY_KEY_LENGTH + 1);
    assertFieldErrors(
        "{\"model\":\"m\",\"idempotency_key\":\""
            + key
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "idempotency_key");
  }

  private InvalidSubmissionException assertFieldErrors(String body, String... fields) {
    try {
      parser.parse(body);
    } catch (InvalidSubmissionException e) {
      assertThat(e.kind()).isEqualTo(InvalidSubmissionException.Kind.INVALID_FIELDS);
      assertThat(e.errors()).extracting(FieldError::field).containsExactlyInAnyOrder(fields);
      return e;
    }
    throw new AssertionError("expected the submission to be rejected: " + body);
  }

  @Test
  void controlCharactersInStoredFieldsAreRejected() {
    assertFieldErrors(
        "{\"model\":\"m\\u0000x\",\"idempotency_key\":\"a\\nb\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "model",
        "idempotency_key");
  }

  @Test
  void aSubmissionOverOneMebibyteIsTooLarge() {
    String huge =
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "é".repeat(SubmissionParser.MAX_BODY_BYTES / 2)
            + "\"}]}";
    assertThatThrownBy(() -> parser.parse(huge))
        .isInstanceOfSatisfying(
            InvalidSubmissionException.class,
            e -> assertThat(e.kind()).isEqualTo(InvalidSubmissionException.Kind.TOO_LARGE));
  }
}
