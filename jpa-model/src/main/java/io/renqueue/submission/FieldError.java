package io.renqueue.submission;

/** One problem with one field of a submission, named like {@code messages[0].role}. */
public record FieldError(String field, String message) {}
