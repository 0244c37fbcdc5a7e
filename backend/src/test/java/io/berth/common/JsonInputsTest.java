package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

class JsonInputsTest {

    record Batch(String name, Long amountMicro, Integer count, OffsetDateTime expiresAt, List<Line> lines) {
    }

    record Line(String name, Instant at) {
    }

    private final ObjectMapper json = mapper();

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper().registerModule(new JavaTimeModule());
        new JsonInputs().customize(m);
        return m;
    }

    private JsonMappingException refused(String body) {
        try {
            json.readValue(body, Batch.class);
        } catch (JsonMappingException e) {
            return e;
        } catch (JsonProcessingException e) {
            throw new AssertionError("not a mapping error: " + e, e);
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void datesOutsideFourDigitYearsAreRefusedWithTheirPath() throws Exception {
        assertThat(json.readValue("{\"expiresAt\":\"2027-01-01T00:00:00Z\"}", Batch.class).expiresAt()).isNotNull();
        JsonMappingException e = refused("{\"expiresAt\":\"+300000-01-01T00:00:00Z\"}");
        assertThat(e).isInstanceOf(JsonInputs.OutOfRange.class);
        assertThat(ProblemMappers.jsonPath(e)).isEqualTo("expiresAt");
        assertThat(e.getOriginalMessage()).isEqualTo(InputBounds.TIME_RANGE);
        assertThat(ProblemMappers.jsonPath(refused("{\"lines\":[{\"at\":\"2026-01-01T00:00:00Z\"},"
                + "{\"at\":\"-100000-01-01T00:00:00Z\"}]}"))).isEqualTo("lines[1].at");
    }

    @Test
    void nulInAnyStringIsRefusedWithItsPath() {
        assertThat(ProblemMappers.jsonPath(refused("{\"name\":\"a\\u0000b\"}"))).isEqualTo("name");
        assertThat(ProblemMappers.jsonPath(refused("{\"lines\":[{\"name\":\"\\u0000\"}]}"))).isEqualTo("lines[0].name");
    }

    @Test
    void numbersOutOfRangeAndWrongTypesNameTheirField() {
        JsonMappingException big = refused("{\"amountMicro\":99999999999999999999}");
        assertThat(ProblemMappers.jsonPath(big)).isEqualTo("amountMicro");
        assertThat(big.getCause()).isInstanceOf(InputCoercionException.class);
        assertThat(ProblemMappers.jsonPath(refused("{\"count\":3000000000}"))).isEqualTo("count");
        assertThat(ProblemMappers.jsonPath(refused("{\"name\":{\"a\":1}}"))).isEqualTo("name");
        assertThat(ProblemMappers.jsonPath(refused("{\"lines\":\"x\"}"))).isEqualTo("lines");
        assertThat(ProblemMappers.jsonPath(refused("[1]"))).as("the whole body").isEqualTo("body");
    }

    @Test
    void fractionsAreNoIntegersAndEnumsAreNamesNotPositions() {
        assertThat(ProblemMappers.jsonPath(refused("{\"amountMicro\":1.5}"))).isEqualTo("amountMicro");
        assertThat(ProblemMappers.jsonPath(refused("{\"amountMicro\":1e400}"))).isEqualTo("amountMicro");
        assertThatThrownBy(() -> json.readValue("{\"g\":1}", Choice.class)).isInstanceOf(JsonMappingException.class);
    }

    record Choice(java.time.DayOfWeek g) {
    }

    /** Malformed JSON names where the parser stood, or the whole body; the answer is the problem as JSON text. */
    private static String malformed(String body) throws Exception {
        try {
            mapper().readValue(body, Batch.class);
        } catch (JsonProcessingException e) {
            // Inside a nested value Jackson wraps the parser's error with the path it had.
            Object entity = (e instanceof JsonMappingException m
                    ? new ProblemMappers().jsonMapping(m, null)
                    : new ProblemMappers().malformedJson(e, null)).getEntity();
            JsonNode p = new ObjectMapper().readTree((String) entity);
            assertThat(p.at("/errors/0/message").asText()).isEqualTo("is not well-formed JSON");
            assertThat(p.get("status").asInt()).isEqualTo(400);
            return p.at("/errors/0/field").asText();
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void malformedJsonNamesWhereItBroke() throws Exception {
        assertThat(malformed("not json")).isEqualTo("body");
        assertThat(malformed("{\"name\":")).isEqualTo("name");
        assertThat(malformed("{\"name\":\"x\",,}")).isEqualTo("name");
        assertThat(malformed("{\"lines\":[{\"name\":tru}]}")).isEqualTo("lines[0]");
    }
}
