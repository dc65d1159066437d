package io.renqueue.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
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
public class RenQueueApplication extends Application {}
