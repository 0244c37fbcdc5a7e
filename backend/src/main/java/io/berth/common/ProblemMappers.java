package io.berth.common;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Turns every error of the REST layer into RFC 9457 problem+json. Pages are protected by HTTP permissions (which
 * redirect to the login page), so the authentication mappers here only ever answer API calls.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.problem(), uri);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldName(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field));
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return respond(Problem.of(400, "Invalid request", detail).withErrors(errors), uri);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return jsonMapping(e, uri);
    }

    @ServerExceptionMapper
    public Response jsonMapping(JsonMappingException e, UriInfo uri) {
        String field = jsonPath(e);
        String message = e instanceof JsonInputs.OutOfRange
                ? e.getOriginalMessage()
                : e.getCause() instanceof InputCoercionException
                        ? "is a number out of range for this field"
                        : e.getCause() instanceof JsonParseException
                                ? "is not well-formed JSON"
                                : "has a value of the wrong type or format";
        return respond(Problem.of(400, "Invalid request", field + " " + message)
                .withErrors(List.of(new Problem.FieldError(field, message))), uri);
    }

    /** Not JSON, a number no field can hold, a token over the parser's limits: named where the parser stood. */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String field = e.getProcessor() instanceof JsonParser p ? contextPath(p.getParsingContext()) : "";
        field = field.isEmpty() ? "body" : field;
        String message = e instanceof InputCoercionException
                ? "is a number out of range for this field"
                : "is not well-formed JSON";
        return respond(Problem.of(400, "Invalid request", field + " " + message)
                .withErrors(List.of(new Problem.FieldError(field, message))), uri);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class,
            AuthenticationCompletionException.class})
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        Problem problem = Problem.of(401, "Unauthenticated",
                "A valid bearer token is required: an access token from Keycloak or a Berth API token");
        return Response.status(401).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(Problem.MEDIA_TYPE).entity(json(problem.withInstance(path(uri)))).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of(403, "Forbidden", "The caller may not perform this operation"), uri);
    }

    @ServerExceptionMapper
    public Response rateLimited(RateLimitedException e, UriInfo uri) {
        return Response.status(429).header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds()).type(Problem.MEDIA_TYPE)
                .entity(json(e.problem().withInstance(path(uri)))).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        // The JSON reader hands a body it cannot read on as a bare 400; the cause still knows the field.
        if (e.getCause() instanceof JsonMappingException m) {
            return jsonMapping(m, uri);
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return malformedJson(j, uri);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType info = Response.Status.fromStatusCode(status);
        String title = info != null ? info.getReasonPhrase() : "Error";
        String detail = status == 404 ? "No such resource" : e.getMessage();
        return respond(Problem.of(status, title, detail), uri);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s", id, path(uri));
        return respond(Problem.of(500, "Internal error", "An unexpected error occurred; reference " + id), uri);
    }

    private static Response respond(Problem problem, UriInfo uri) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(json(problem.withInstance(path(uri))))
                .build();
    }

    /**
     * The problem as JSON text: the writer the framework picks follows the operation's own media type (a kubeconfig's
     * YAML, a statement's CSV), where a Problem object came out as its toString.
     */
    static String json(Problem problem) {
        try {
            return JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    /** The request-facing name of a violated property: the body field or the parameter, without the method. */
    static String fieldName(Path path) {
        List<String> names = new ArrayList<>();
        Path.Node parameter = null;
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node;
                continue;
            }
            if (node.getName() != null) {
                names.add(node.getIndex() != null ? node.getName() + "[" + node.getIndex() + "]" : node.getName());
            }
        }
        if (names.isEmpty() && parameter != null) {
            return parameter.getName();
        }
        return String.join(".", names);
    }

    /** The field a body error is about, dotted like the validation errors' names; "body" for the whole body. */
    static String jsonPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }

    static String contextPath(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.add(0, c.getCurrentName());
            } else if (c.inArray() && c.getCurrentIndex() >= 0) {
                parts.add(0, "[" + c.getCurrentIndex() + "]");
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (!sb.isEmpty() && !part.startsWith("[")) {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
