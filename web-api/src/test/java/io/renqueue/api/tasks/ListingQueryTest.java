package io.renqueue.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.submission.FieldError;
import io.renqueue.tasks.ListCursor;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskFilter;
import io.renqueue.tasks.TaskState;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ListingQueryTest {

  @Test
  void defaultsToFiftyOfAnyStateAndPriority() {
    TaskFilter f = ListingQuery.parse("default", null, "", null, null);
    assertThat(f.limit()).isEqualTo(50);
    assertThat(f.state()).isNull();
    assertThat(f.priority()).isNull();
    assertThat(f.cursor()).isNull();
  }

  @Test
  void parsesEveryParameter() {
    ListCursor c = new ListCursor(Instant.parse("2026-01-01T00:00:00.123456Z"), UUID.randomUUID());
    TaskFilter f = ListingQuery.parse("default", "succeeded", "batch", "10", c.encode());
    assertThat(f.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(f.priority()).isEqualTo(Priority.BATCH);
    assertThat(f.limit()).isEqualTo(10);
    assertThat(f.cursor()).isEqualTo(c);
  }

  @Test
  void namesEveryBadParameter() {
    assertThatThrownBy(() -> ListingQuery.parse("default", "done", "urgent", "0", "garbage!"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.problem().type()).isEqualTo(ProblemType.INVALID_REQUEST);
              assertThat(e.problem().errors())
                  .extracting(FieldError::field)
                  .containsExactly("state", "priority", "limit", "cursor");
            });
  }
}
