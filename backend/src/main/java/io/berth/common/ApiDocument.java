package io.berth.common;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Gives every error response of the OpenAPI document its body: the {@link Problem} schema as
 * {@code application/problem+json}, which is what {@link ProblemMappers} answers with. Resources declare only the
 * status and why; the framework's own 401 and 403 entries get it too, and every operation that takes input says it
 * may answer 400. Success bodies carry their schema on their {@code @APIResponse} (checked by {@code OpenApiIT}).
 */
public class ApiDocument implements OASFilter {

    static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(OASFactory.createComponents());
        }
        api.getComponents().addSchema("Problem", problemSchema());
        if (api.getPaths() == null || api.getPaths().getPathItems() == null) {
            return;
        }
        api.getPaths().getPathItems().values().forEach(item -> {
            Map<?, Operation> operations = item.getOperations();
            if (operations != null) {
                operations.values().forEach(ApiDocument::describeErrors);
            }
        });
    }

    private static void describeErrors(Operation op) {
        if (op.getResponses() == null) {
            op.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = op.getResponses();
        boolean takesInput = op.getRequestBody() != null
                || op.getParameters() != null && !op.getParameters().isEmpty();
        if (takesInput && !responses.hasAPIResponse("400")) {
            responses.addAPIResponse("400", OASFactory.createAPIResponse()
                    .description("A parameter or field is invalid (named in errors[].field)"));
        }
        responses.getAPIResponses().forEach((code, response) -> {
            if (!code.startsWith("2") && !code.startsWith("3")) {
                withProblem(response);
            }
        });
    }

    private static void withProblem(APIResponse response) {
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
        response.setContent(content);
        if (response.getDescription() == null) {
            response.setDescription("An RFC 9457 problem");
        }
    }

    private static Schema problemSchema() {
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", string("The body field (dotted path) or parameter at fault"))
                .addProperty("message", string("What is wrong with it"));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem detail; the body of every error")
                .addProperty("type", string("A URI naming the kind of problem").format("uri"))
                .addProperty("title", string("A short summary of the kind of problem"))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32"))
                .addProperty("detail", string("What went wrong with this request"))
                .addProperty("instance", string("The path of the request"))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .addRequired("title").addRequired("status");
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }
}
