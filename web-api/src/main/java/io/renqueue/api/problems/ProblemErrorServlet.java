package io.renqueue.api.problems;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The servlet container's error page (see web.xml): errors outside the JAX-RS application, such as
 * a path no resource serves, are problem documents too, not Liberty's HTML page.
 */
@WebServlet("/problem-error")
public class ProblemErrorServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : HttpServletResponse.SC_NOT_FOUND;
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    ProblemType type = ProblemType.forStatus(status);
    String detail =
        switch (type) {
          case NOT_FOUND -> "There is no resource at this path.";
          case METHOD_NOT_ALLOWED -> "This resource does not support that HTTP method.";
          default -> "The request could not be processed (HTTP " + status + ").";
        };
    byte[] body =
        new Problem(type, detail)
            .toJson(uri == null ? null : uri.toString())
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType(ProblemType.MEDIA_TYPE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
