package io.berth.admin;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.common.InputBounds;
import io.berth.common.Paged;

@Path("/api/v1/admin/audit")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminAuditResource {

    private final AuditLog audit;

    AdminAuditResource(AuditLog audit) {
        this.audit = audit;
    }

    /** The shape of {@code Paged<AuditLog.Entry>} for the OpenAPI document, which cannot name a generic type. */
    @Schema(name = "AuditPage")
    static final class AuditPage {
        public List<AuditLog.Entry> items;
        public int page;
        public int pageSize;
        public long total;
    }

    @GET
    @Operation(summary = "The admin audit log, newest first, 50 per page")
    @APIResponse(responseCode = "200", description = "One page", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditPage.class), examples = @ExampleObject(name = "page", value = "{\"items\":[{\"id\":17,\"at\":\"2026-11-20T10:00:00Z\",\"adminId\":\"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",\"adminName\":\"admin\",\"action\":\"balance.credit\",\"targetType\":\"account\",\"targetId\":\"7c1e1d3a-2f4b-4f7e-9a0e-3b8d2c1f0a11\",\"targetName\":\"ana\",\"detail\":\"5.000000: Refund for the outage of 3 March\",\"via\":\"console\"}],\"page\":1,\"pageSize\":50,\"total\":1}")))
    public Paged<AuditLog.Entry> list(
            @QueryParam("target") @Parameter(description = "An account, workspace, plan or batch id", schema = @Schema(type = SchemaType.STRING, maxLength = InputBounds.MAX_PARAMETER_LENGTH)) String target,
            @QueryParam("page") @DefaultValue("1") @Parameter(description = "1-based page", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = Paged.MAX_PAGE_TEXT)) int page) {
        return audit.list(target, page, 50);
    }
}
