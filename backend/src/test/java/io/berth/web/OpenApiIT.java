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
