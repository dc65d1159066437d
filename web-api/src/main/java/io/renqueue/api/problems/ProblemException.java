package io.renqueue.api.problems;

/** Thrown by resources to answer with a problem document. */
public class ProblemException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public ProblemException(ProblemType type, String detail) {
    this(new Problem(type, detail));
  }

  public Problem problem() {
    return problem;
  }
}
