package io.renqueue.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the simulator "generates": a pure function of model and prompt, so tests can predict the
 * text a task must end with.
 */
public final class DeterministicAnswers {

  private static final String[] VOCABULARY = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"
  };

  private DeterministicAnswers() {}

  /** The answer's tokens: an echo of the prompt's start, then hash-chosen words. */
  public static List<String> tokens(String model, String prompt, int maxTokens) {
    List<String> tokens = new ArrayList<>();
    tokens.add("[" + model + "]");
    for (String word : prompt.trim().split("\\s+")) {
      if (!word.isEmpty() && tokens.size() < 9) {
        tokens.add(word);
      }
    }
    byte[] digest = sha256(model + "\n" + prompt);
    for (int i = 0; tokens.size() < 16; i++) {
      tokens.add(VOCABULARY[(digest[i % digest.length] & 0xff) % VOCABULARY.length]);
    }
    return tokens.subList(0, Math.max(1, Math.min(tokens.size(), maxTokens)));
  }

  public static String text(List<String> tokens) {
    return String.join(" ", tokens);
  }

  /** A unit-length embedding derived from the input. */
  public static double[] embedding(String input, int dimensions) {
    byte[] digest = sha256(input);
    double[] v = new double[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      v[i] = (digest[i % digest.length] + (i / digest.length)) / 128.0;
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm) == 0 ? 1 : Math.sqrt(norm);
    for (int i = 0; i < dimensions; i++) {
      v[i] /= norm;
    }
    return v;
  }

  /** Rough token count of a prompt: words, as a stand-in for a tokenizer. */
  public static int countTokens(String text) {
    String t = text.trim();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
