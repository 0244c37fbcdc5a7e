package io.berth.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;

/** The OpenAPI document describes every API operation, with an example of every body it answers with. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class OpenApiIT {

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationHasASummaryAndExamplesOfItsBodies() {
        Map<String, Object> doc = given().baseUri(TestHTTPResourceManager.getUri()).accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath().getMap("$");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (var path : paths.entrySet()) {
            assertThat(path.getKey()).as("pages are not part of the API").startsWith("/api/v1/");
            for (var op : path.getValue().entrySet()) {
                if (!List.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                    continue;
                }
                operations++;
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                Map<String, Object> operation = (Map<String, Object>) op.getValue();
                if (operation.get("summary") == null) {
                    missing.add(name + ": summary");
                }
                Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
                if (body != null && !hasExamples((Map<String, Object>) body.get("content"))) {
                    missing.add(name + ": request example");
                }
                Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation
                        .get("responses");
                boolean documented = false;
                for (var r : responses.entrySet()) {
                    if (r.getKey().startsWith("2")) {
                        Map<String, Object> content = (Map<String, Object>) r.getValue().get("content");
                        boolean bodiless = r.getKey().equals("204") || r.getKey().equals("202");
                        documented |= bodiless || hasExamples(content);
                    }
                }
                if (!documented) {
                    missing.add(name + ": response example");
                }
            }
        }
        assertThat(operations).isGreaterThan(30);
        assertThat(missing).isEmpty();
        assertThat(doc.toString()).contains("berth_pat_");
    }

    /**
     * Clients are generated and answers checked from the schemas, so every answer with a body has one: success bodies
     * their type, errors the Problem schema as application/problem+json. Only 202 and 204 may go without a body.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyResponseHasASchemaAndEveryErrorIsAProblem() {
        Map<String, Object> doc = given().baseUri(TestHTTPResourceManager.getUri()).accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath().getMap("$");
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) doc.get("components"))
                .get("schemas");
        assertThat(schemas).containsKey("Problem");
        assertThat((Map<String, Object>) ((Map<String, Object>) schemas.get("Problem")).get("properties"))
                .containsKeys("type", "title", "status", "detail", "instance", "errors");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        List<String> missing = new ArrayList<>();
        int responses = 0;
        int errors = 0;
        for (var path : paths.entrySet()) {
            for (var op : path.getValue().entrySet()) {
                if (!List.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                var rs = (Map<String, Map<String, Object>>) ((Map<String, Object>) op.getValue()).get("responses");
                for (var r : rs.entrySet()) {
                    responses++;
                    String code = r.getKey();
                    Map<String, Object> content = (Map<String, Object>) r.getValue().get("content");
                    if (content == null || content.isEmpty()) {
                        if (!code.equals("204") && !code.equals("202")) {
                            missing.add(name + " " + code + ": no content");
                        }
                        continue;
                    }
                    boolean error = code.startsWith("4") || code.startsWith("5");
                    if (error) {
                        errors++;
                        if (!content.keySet().equals(java.util.Set.of("application/problem+json"))) {
                            missing.add(name + " " + code + ": not application/problem+json but " + content.keySet());
                        }
                    }
                    for (var media : content.entrySet()) {
                        Map<String, Object> schema = (Map<String, Object>) ((Map<String, Object>) media.getValue())
                                .get("schema");
                        if (schema == null || schema.isEmpty()) {
                            missing.add(name + " " + code + " " + media.getKey() + ": no schema");
                        } else if (error && !"#/components/schemas/Problem".equals(schema.get("$ref"))) {
                            missing.add(name + " " + code + ": not the Problem schema");
                        }
                    }
                }
            }
        }
        // Every $ref names a schema the document has.
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("#/components/schemas/([A-Za-z0-9_.-]+)")
                .matcher(doc.toString());
        while (refs.find()) {
            if (!schemas.containsKey(refs.group(1))) {
                missing.add("dangling $ref " + refs.group(1));
            }
        }
        assertThat(responses).isGreaterThan(80);
        assertThat(errors).as("401, 403 and 400 at least are documented").isGreaterThan(40);
        assertThat(missing).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static boolean hasExamples(Map<String, Object> content) {
        if (content == null || content.isEmpty()) {
            return false;
        }
        for (Object media : content.values()) {
            Map<String, Object> m = (Map<String, Object>) media;
            if (m.get("examples") == null && m.get("example") == null) {
                return false;
            }
        }
        return true;
    }
}
