package io.berth.billing;

import java.time.Clock;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.common.ApiExamples;
import io.berth.common.InputBounds;
import io.berth.common.PrintableText;
import io.berth.common.Problem;
import io.berth.common.ProblemException;

/**
 * The payment provider's top-up notification. Signed (HMAC-SHA256 over timestamp and body, with a tolerance window);
 * an event id is credited once: a replay, an expired or a tampered event answers 400 and changes nothing.
 */
@Path("/api/v1/billing/topups/webhook")
@Tag(name = "Billing")
@PermitAll
public class TopupWebhookResource {

    private static final Logger LOG = Logger.getLogger(TopupWebhookResource.class);
    public static final String SIGNATURE = "Berth-Signature";

    private final BillingConfig config;
    private final BillingService billing;
    private final ObjectMapper json;
    private final Clock clock;

    TopupWebhookResource(BillingConfig config, BillingService billing, ObjectMapper json, Clock clock) {
        this.config = config;
        this.billing = billing;
        this.json = json;
        this.clock = clock;
    }

    public record Outcome(String eventId, String result, long amountMicro) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Top-up notification from the payment provider", description = "Body: {\"id\": event id, "
            + "\"type\": \"topup.succeeded\", \"data\": {\"account_id\", \"amount_micro\", \"currency\"}}; header "
            + "Berth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">.")
    @APIResponse(responseCode = "200", description = "Credited (result credited)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Outcome.class), examples = @ExampleObject(name = "outcome", value = ApiExamples.TOPUP_OUTCOME)))
    @APIResponse(responseCode = "400", description = "Bad or missing signature, stale timestamp, other currency, or an event already processed")
    public Outcome receive(@HeaderParam(SIGNATURE) String signature,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "event", value = ApiExamples.TOPUP_EVENT))) String body) {
        String secret = config.webhookSecret().orElseThrow(() -> new ProblemException(Problem.of(503,
                "Top-ups not configured", "This platform has no payment provider configured")));
        String refused = TopupSignature.check(signature, body == null ? "" : body, secret, clock.instant(),
                config.webhookTolerance());
        if (refused != null) {
            LOG.warnf("top-up webhook refused: %s", refused);
            throw ProblemException.badRequest(SIGNATURE, refused);
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (Exception e) {
            throw ProblemException.badRequest("body", "is not JSON");
        }
        String id = text(event, "id");
        if (id == null || id.isBlank() || id.length() > 200 || InputBounds.hasNul(id)) {
            throw ProblemException.badRequest("id", "is required");
        }
        if (!PrintableText.printable(id, false)) {
            // The provider's id is stored and echoed back; it is held to the rule of every name.
            throw ProblemException.badRequest("id", PrintableText.NON_PRINTING);
        }
        if (!"topup.succeeded".equals(text(event, "type"))) {
            return new Outcome(id, "ignored", 0);
        }
        JsonNode data = event.path("data");
        UUID account;
        try {
            account = UUID.fromString(text(data, "account_id"));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("data.account_id", "must be a Berth account id");
        }
        if (!data.path("amount_micro").canConvertToLong() || data.path("amount_micro").asLong() <= 0
                || data.path("amount_micro").asLong() > Money.MAX_AMOUNT_MICRO) {
            throw ProblemException.badRequest("data.amount_micro", "must be a positive integer");
        }
        if (!config.currency().equals(text(data, "currency"))) {
            throw ProblemException.badRequest("data.currency", "must be " + config.currency());
        }
        BillingService.TopUp t = billing.topUp(id, account, data.path("amount_micro").asLong());
        if (!t.credited()) {
            throw ProblemException.badRequest("id", "event " + id + " was already processed");
        }
        return new Outcome(id, "credited", t.amountMicro());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
