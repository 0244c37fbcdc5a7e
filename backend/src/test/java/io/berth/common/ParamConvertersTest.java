package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.ParamConverter;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ParamConvertersTest {

    enum Granularity {
        hour, day
    }

    @SuppressWarnings("unused")
    void endpoint(@QueryParam("from") OffsetDateTime from, @QueryParam("page") int page,
            @QueryParam("ttlSeconds") Long ttl, @QueryParam("workspaceId") UUID workspaceId,
            @PathParam("id") UUID id, @QueryParam("granularity") Granularity granularity,
            @QueryParam("q") String q, @HeaderParam("Idempotency-Key") String key, @FormParam("description") String d,
            String body) {
    }

    private final ParamConverters converters = new ParamConverters();

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T> ParamConverter<T> converter(int index) throws Exception {
        Method m = getClass().getDeclaredMethod("endpoint", OffsetDateTime.class, int.class, Long.class, UUID.class,
                UUID.class, Granularity.class, String.class, String.class, String.class, String.class);
        Parameter p = m.getParameters()[index];
        return (ParamConverter<T>) converters.getConverter(p.getType(), p.getParameterizedType(), p.getAnnotations());
    }

    private static void refusedNaming(ParamConverter<?> c, String value, String field) {
        assertThatThrownBy(() -> c.fromString(value)).isInstanceOfSatisfying(WebApplicationException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(400);
            assertThat(e.getResponse().getMediaType()).hasToString(Problem.MEDIA_TYPE);
            JsonNode p = read((String) e.getResponse().getEntity());
            assertThat(p.get("status").asInt()).isEqualTo(400);
            assertThat(p.get("errors")).hasSize(1);
            assertThat(p.at("/errors/0/field").asText()).isEqualTo(field);
        });
    }

    @Test
    void timesOutsideFourDigitYearsAreRefusedNamingTheParameter() throws Exception {
        ParamConverter<OffsetDateTime> from = converter(0);
        assertThat(from.fromString("2026-11-20T10:00:00Z")).isEqualTo(OffsetDateTime.parse("2026-11-20T10:00:00Z"));
        assertThat(from.fromString("9999-12-31T23:59:59Z")).isNotNull();
        refusedNaming(from, "+300000-01-01T00:00:00Z", "from");
        refusedNaming(from, "+10000-01-01T00:00:00Z", "from");
        refusedNaming(from, "-0001-01-01T00:00:00Z", "from");
        refusedNaming(from, "-infinity", "from");
        refusedNaming(from, "2026-11-20T10:00:00", "from");
    }

    @Test
    void numbersThatDoNotFitAreRefusedNamingTheParameter() throws Exception {
        ParamConverter<Integer> page = converter(1);
        assertThat(page.fromString("2")).isEqualTo(2);
        assertThat(page.fromString("2147483646")).as("in range for an int; Paged bounds the page").isNotNull();
        refusedNaming(page, "2147483648", "page");
        refusedNaming(page, "1e3", "page");
        refusedNaming(page, "", "page");
        ParamConverter<Long> ttl = converter(2);
        assertThat(ttl.fromString("3600")).isEqualTo(3600L);
        refusedNaming(ttl, "99999999999999999999", "ttlSeconds");
        refusedNaming(ttl, "NaN", "ttlSeconds");
    }

    @Test
    void idsAndConstantsInTheQueryAreRefusedNamingTheParameterButAPathIdStaysTheFrameworks() throws Exception {
        ParamConverter<UUID> workspace = converter(3);
        UUID id = UUID.randomUUID();
        assertThat(workspace.fromString(id.toString())).isEqualTo(id);
        refusedNaming(workspace, "not-a-uuid", "workspaceId");
        refusedNaming(workspace, "1-1-1-1-1", "workspaceId");
        assertThat((Object) converter(4)).as("a malformed id in a path names no resource: 404").isNull();
        ParamConverter<Granularity> g = converter(5);
        assertThat(g.fromString("day")).isEqualTo(Granularity.day);
        refusedNaming(g, "week", "granularity");
    }

    @Test
    void textWithNulOrBeyondTheBoundIsRefusedNamingTheParameter() throws Exception {
        ParamConverter<String> q = converter(6);
        assertThat(q.fromString("ana")).isEqualTo("ana");
        refusedNaming(q, "a\0b", "q");
        refusedNaming(q, "x".repeat(InputBounds.MAX_PARAMETER_LENGTH + 1), "q");
        refusedNaming(converter(7), "k".repeat(InputBounds.MAX_PARAMETER_LENGTH + 1), "Idempotency-Key");
        ParamConverter<String> form = converter(8);
        assertThat(form.fromString("d".repeat(5000))).as("form fields have their own limits").hasSize(5000);
        refusedNaming(form, "\0", "description");
        assertThat((Object) converter(9)).as("a body is not a parameter").isNull();
    }
}
