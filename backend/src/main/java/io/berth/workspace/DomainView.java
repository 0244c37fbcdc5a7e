package io.berth.workspace;

import java.time.OffsetDateTime;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A custom domain of a workspace and the exact DNS record that verifies it. */
public record DomainView(String domain, @Schema(description = "pending or verified") String status,
        @Schema(description = "The TXT record to create at the domain's DNS provider") Challenge record,
        String tlsSecretName, OffsetDateTime createdAt, OffsetDateTime verifiedAt) {

    public record Challenge(String name, String type, String value) {
    }

    static DomainView of(WorkspaceDomain d) {
        return new DomainView(d.domain, d.verified() ? "verified" : "pending",
                new Challenge(DomainNames.challengeName(d.domain), "TXT", DomainNames.challengeValue(d.token)),
                d.tlsSecretName, d.createdAt, d.verifiedAt);
    }
}
