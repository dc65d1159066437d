package io.renqueue.api;

import io.renqueue.api.admin.AdminTokenFilter;
import io.renqueue.api.cluster.NodesResource;
import io.renqueue.api.problems.InvalidDependenciesMapper;
import io.renqueue.api.problems.InvalidSubmissionMapper;
import io.renqueue.api.problems.ProblemExceptionMapper;
import io.renqueue.api.problems.UnexpectedFailureMapper;
import io.renqueue.api.problems.WebApplicationExceptionMapper;
import io.renqueue.api.queues.QueuesResource;
import io.renqueue.api.routing.BackendsResource;
import io.renqueue.api.routing.SplitsResource;
import io.renqueue.api.tasks.TasksResource;
import io.renqueue.api.usage.UsageResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

@ApplicationPath("/api/v1")
@OpenAPIDefinition(
    info =
        @Info(
            title = "Ren-Queue",
            version = "v1",
            description =
                "Durable, priority-aware inference task scheduler. Submit chat tasks, follow them to a"
                    + " terminal state, cancel queued ones. Errors are RFC 9457 problem+json."))
public class RenQueueApplication extends Application {

  /** Listed, so that the OpenAI-compatible resources under /v1 are not served here as well. */
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        TasksResource.class,
        QueuesResource.class,
        UsageResource.class,
        SplitsResource.class,
        BackendsResource.class,
        NodesResource.class,
        AdminTokenFilter.class,
        ProblemExceptionMapper.class,
        InvalidSubmissionMapper.class,
        InvalidDependenciesMapper.class,
        WebApplicationExceptionMapper.class,
        UnexpectedFailureMapper.class);
  }
}
