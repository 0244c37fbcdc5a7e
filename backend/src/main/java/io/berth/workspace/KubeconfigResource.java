package io.berth.workspace;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.Account;
import io.berth.access.CurrentAccount;
import io.quarkus.security.Authenticated;

@Path("/api/v1/me/kubeconfig")
@Tag(name = "Kubeconfig and credentials")
@Authenticated
public class KubeconfigResource {

    public static final String YAML = "application/yaml";

    private final KubeconfigService kubeconfigs;
    private final CurrentAccount caller;

    KubeconfigResource(KubeconfigService kubeconfigs, CurrentAccount caller) {
        this.kubeconfigs = kubeconfigs;
        this.caller = caller;
    }

    @GET
    @Produces(YAML)
    @Operation(summary = "Download a kubeconfig with one context per workspace", description = "Made on demand "
            + "with a new token of your Kubernetes identity, valid in your workspaces only; never stored by Berth. "
            + "The token's expiry is in the X-Berth-Token-Expires-At header and in the file's header comment.")
    @APIResponse(responseCode = "200", description = "The kubeconfig", content = @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING, description = "A kubeconfig (YAML)"), examples = @ExampleObject(name = "kubeconfig", value = "apiVersion: v1\nkind: Config\nclusters:\n- name: berth\n  cluster:\n    server: https://api.berth.example:6443\n    certificate-authority-data: LS0t...\ncontexts:\n- name: berth-ws-k3j9x2ab1q\n  context: {cluster: berth, namespace: ws-k3j9x2ab1q, user: berth-ana}\ncurrent-context: berth-ws-k3j9x2ab1q\nusers:\n- name: berth-ana\n  user: {token: eyJhbGciOi...}\n")))
    public Response kubeconfig(
            @Parameter(description = "Token lifetime in seconds (default 7 days)") @QueryParam("ttlSeconds") Long ttlSeconds) {
        Account account = caller.get();
        return download(account, kubeconfigs.kubeconfig(account, ttlSeconds));
    }

    /** The file as a download: named after the account, its token's expiry in a header, never cached. */
    public static Response download(Account account, KubeconfigService.Kubeconfig k) {
        return Response.ok(k.yaml(), YAML)
                .header("Content-Disposition", "attachment; filename=\"berth-"
                        + account.username.replaceAll("[^A-Za-z0-9._-]", "_") + ".kubeconfig\"")
                .header("X-Berth-Token-Expires-At", k.expiresAt().toString())
                .header("Cache-Control", "no-store").build();
    }
}
