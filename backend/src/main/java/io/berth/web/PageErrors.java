package io.berth.web;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.common.ProblemMappers;
import io.berth.common.RateLimitedException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;

/**
 * Errors on pages are pages: a friendly HTML answer with the same status the API would give. Everything else (the
 * API) keeps its problem+json from {@link ProblemMappers}. These mappers take precedence for the exception types
 * they name and hand API paths back unchanged.
 */
public class PageErrors {

    private static final Logger LOG = Logger.getLogger(PageErrors.class);
    private static final int FIRST = Priorities.USER - 500;
    private final ProblemMappers api = new ProblemMappers();

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(int status, String title, String detail, boolean signedIn);
    }

    static boolean isPage(UriInfo uri) {
        String p = "/" + uri.getPath().replaceFirst("^/", "");
        return p.equals("/") || p.equals("/signup") || p.equals("/console") || p.startsWith("/console/")
                || p.equals("/admin") || p.startsWith("/admin/");
    }

    @ServerExceptionMapper(priority = FIRST)
    public Response problem(ProblemException e, UriInfo uri) {
        if (!isPage(uri)) {
            return api.problem(e, uri);
        }
        Problem p = e.problem();
        return page(p.status(), p.title(), p.detail(), p.status() != 403 || !p.title().startsWith("Account"));
    }

    @ServerExceptionMapper(priority = FIRST)
    public Response rateLimited(RateLimitedException e, UriInfo uri) {
        if (!isPage(uri)) {
            return api.rateLimited(e, uri);
        }
        return Response.fromResponse(page(429, "Slow down a little",
                "You did this many times in a short while. Try again in " + e.retryAfterSeconds() + " seconds.", true))
                .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper(priority = FIRST)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        if (!isPage(uri)) {
            return api.forbidden(e, uri);
        }
        return page(403, "Not for you", "This page is for platform admins only.", true);
    }

    @ServerExceptionMapper(priority = FIRST)
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (!isPage(uri)) {
            return api.webApplication(e, uri);
        }
        int status = e.getResponse().getStatus();
        if (status == 404) {
            return page(404, "Page not found", "There is nothing here. It may have been moved or deleted.", true);
        }
        if (status == 405) {
            return page(405, "Not like this", "This page cannot be used that way.", true);
        }
        return page(status, "Something went wrong", "The request could not be completed.", true);
    }

    @ServerExceptionMapper(priority = FIRST)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (!isPage(uri)) {
            return api.unexpected(e, uri);
        }
        String id = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on page %s", id, uri.getPath());
        return page(500, "Something went wrong on our side",
                "Please try again in a moment. If it keeps happening, tell us this reference: " + id, true);
    }

    private static Response page(int status, String title, String detail, boolean signedIn) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(Templates.error(status, title, detail, signedIn).render()).build();
    }
}
