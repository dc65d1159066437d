package io.renqueue.api.tasks;

import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads a request body as UTF-8 text, refusing it as soon as it grows past the limit. */
final class BoundedBody {

  private BoundedBody() {}

  static String read(InputStream in, Long declaredLength, int limit) {
    if (declaredLength != null && declaredLength > limit) {
      throw tooLarge(limit);
    }
    if (in == null) {
      return "";
    }
    try {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw tooLarge(limit);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "The request body could not be read.");
    }
  }

  private static ProblemException tooLarge(int limit) {
    return new ProblemException(
        ProblemType.PAYLOAD_TOO_LARGE,
        "The request body is larger than the limit of " + limit + " bytes.");
  }
}
