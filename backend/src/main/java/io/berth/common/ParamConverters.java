package io.berth.common;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The one way a query, path, header or form value becomes a Java value. The framework's own converters answer a value
 * they cannot read with 404 (query and path) or a 400 that names nothing, and they let through what the database
 * cannot store (year 300000, NUL). These answer 400 problem+json naming the parameter instead, for every resource and
 * page. A malformed id in a path stays 404: such a path names no resource.
 */
@Provider
public class ParamConverters implements ParamConverterProvider {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        Source source = source(annotations);
        if (source == null) {
            return null;
        }
        String name = source.name();
        if (rawType == String.class) {
            int max = source.form() ? Integer.MAX_VALUE : InputBounds.MAX_PARAMETER_LENGTH;
            return (ParamConverter<T>) converter(name, s -> text(name, s, max));
        }
        if (rawType == Integer.class || rawType == int.class) {
            return (ParamConverter<T>) converter(name, s -> number(name, s, Integer.MIN_VALUE, Integer.MAX_VALUE)
                    .intValue());
        }
        if (rawType == Long.class || rawType == long.class) {
            return (ParamConverter<T>) converter(name, s -> number(name, s, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        if (rawType == OffsetDateTime.class) {
            return (ParamConverter<T>) converter(name, s -> time(name, s));
        }
        if (rawType == Instant.class) {
            return (ParamConverter<T>) converter(name, s -> time(name, s).toInstant());
        }
        if (rawType == UUID.class && !source.path()) {
            return (ParamConverter<T>) converter(name, s -> uuid(name, s));
        }
        if (rawType.isEnum()) {
            return (ParamConverter<T>) converter(name, s -> constant(name, (Class<? extends Enum>) rawType, s));
        }
        return null;
    }

    /**
     * A 400 naming the parameter. A WebApplicationException, so the framework hands it on unwrapped; one with a body
     * is answered as it is (no mapper sees it), so the body is the whole problem+json already.
     */
    public static WebApplicationException refused(String name, String message) {
        Problem problem = ProblemException.badRequest(name, message).problem();
        return new WebApplicationException(message,
                Response.status(400).type(Problem.MEDIA_TYPE).entity(ProblemMappers.json(problem)).build());
    }

    static String text(String name, String s, int max) {
        if (InputBounds.hasNul(s)) {
            throw refused(name, "must not contain NUL characters");
        }
        if (s.length() > max) {
            throw refused(name, "must be at most " + max + " characters");
        }
        return s;
    }

    static Long number(String name, String s, long min, long max) {
        String range = "must be an integer between " + min + " and " + max;
        long v;
        try {
            v = Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw refused(name, range);
        }
        if (v < min || v > max) {
            throw refused(name, range);
        }
        return v;
    }

    static OffsetDateTime time(String name, String s) {
        OffsetDateTime t;
        try {
            t = OffsetDateTime.parse(s.strip());
        } catch (DateTimeException e) {
            throw refused(name, InputBounds.TIME_RANGE + ", with an offset");
        }
        if (!InputBounds.inRange(t)) {
            throw refused(name, InputBounds.TIME_RANGE);
        }
        return t;
    }

    static UUID uuid(String name, String s) {
        try {
            if (s.length() == 36) {
                return UUID.fromString(s);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw refused(name, "must be a UUID");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object constant(String name, Class<? extends Enum> type, String s) {
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw refused(name, "must be one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum) c).name())
                    .collect(Collectors.joining(", ")));
        }
    }

    private static <T> ParamConverter<T> converter(String name, Function<String, T> parse) {
        return new ParamConverter<>() {
            @Override
            public T fromString(String value) {
                return value == null ? null : parse.apply(value);
            }

            @Override
            public String toString(T value) {
                return value == null ? null : value.toString();
            }
        };
    }

    private record Source(String name, boolean path, boolean form) {
    }

    /** Where the value comes from and the name the client knows it by; null where the name is not written out. */
    private static Source source(Annotation[] annotations) {
        if (annotations == null) {
            return null;
        }
        for (Annotation a : annotations) {
            Source s = sourceOf(a);
            if (s != null) {
                return s.name() == null || s.name().isEmpty() ? null : s;
            }
        }
        return null;
    }

    private static Source sourceOf(Annotation a) {
        if (a instanceof QueryParam q) {
            return new Source(q.value(), false, false);
        } else if (a instanceof PathParam p) {
            return new Source(p.value(), true, false);
        } else if (a instanceof HeaderParam h) {
            return new Source(h.value(), false, false);
        } else if (a instanceof CookieParam c) {
            return new Source(c.value(), false, false);
        } else if (a instanceof FormParam f) {
            return new Source(f.value(), false, true);
        } else if (a instanceof RestQuery q) {
            return new Source(q.value(), false, false);
        } else if (a instanceof RestPath p) {
            return new Source(p.value(), true, false);
        } else if (a instanceof RestHeader h) {
            return new Source(h.value(), false, false);
        } else if (a instanceof RestForm f) {
            return new Source(f.value(), false, true);
        }
        return null;
    }
}
