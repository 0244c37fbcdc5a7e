package io.berth.workspace;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.common.Problem;
import io.berth.common.ProblemException;

/**
 * A workspace's custom domains. Adding one gives it a challenge token; verifying looks for the TXT record
 * {@code _berth-challenge.<domain>} = {@code berth-verify=<token>} in DNS, which only who controls the domain's DNS can
 * publish. A verified domain goes into the namespace's annotation {@code berth.io/verified-domains}, which the route
 * and Ingress guards read, and gets listeners on the workspace's Gateway. One workspace at most has a domain
 * verified; members read the list, admins and the owner change it.
 */
@ApplicationScoped
public class DomainService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final WorkspaceAccess access;
    private final WorkspaceStates states;
    private final DnsChallenges dns;
    private final DomainsConfig config;
    private final AppsConfig apps;
    private final WorkspaceConfig workspaces;
    private final Clock clock;

    DomainService(WorkspaceAccess access, WorkspaceStates states, DnsChallenges dns, DomainsConfig config,
            AppsConfig apps, WorkspaceConfig workspaces, Clock clock) {
        this.access = access;
        this.states = states;
        this.dns = dns;
        this.config = config;
        this.apps = apps;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    @Transactional
    public List<DomainView> list(Account caller, UUID workspaceId) {
        access.require(workspaceId, caller.id, WorkspaceRole.viewer);
        return of(workspaceId).stream().map(DomainView::of).toList();
    }

    @Transactional
    public DomainView add(Account caller, UUID workspaceId, String rawDomain, String rawSecret) {
        String domain = DomainNames.domain(rawDomain, apps.domain(), workspaces.publicUrl());
        String secret = DomainNames.tlsSecretName(rawSecret);
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        if (find(ws.id, domain) != null) {
            throw ProblemException.conflict("The domain " + domain + " is already added to this workspace");
        }
        refuseIfVerifiedElsewhere(ws.id, domain);
        if (WorkspaceDomain.count("workspaceId", ws.id) >= config.maxPerWorkspace()) {
            throw ProblemException.conflict("A workspace has at most " + config.maxPerWorkspace()
                    + " custom domains; delete one first");
        }
        WorkspaceDomain d = new WorkspaceDomain();
        d.id = UUID.randomUUID();
        d.workspaceId = ws.id;
        d.domain = domain;
        d.token = token();
        d.tlsSecretName = secret;
        d.createdAt = OffsetDateTime.now(clock);
        d.persist();
        return DomainView.of(d);
    }

    /**
     * Looks the challenge up in DNS; found, the domain is verified and the workspace is applied again (its namespace's
     * annotation and its Gateway's listeners). A verified domain stays verified: the record may be removed after.
     */
    @Transactional
    public DomainView verify(Account caller, UUID workspaceId, String rawDomain) {
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        WorkspaceDomain d = require(ws.id, rawDomain);
        if (d.verified()) {
            return DomainView.of(d);
        }
        refuseIfVerifiedElsewhere(ws.id, d.domain);
        String name = DomainNames.challengeName(d.domain);
        String expected = DomainNames.challengeValue(d.token);
        DnsChallenges.Found found;
        try {
            found = dns.txt(name);
        } catch (DnsChallenges.Unreachable e) {
            throw new ProblemException(Problem.of(503, "DNS unavailable", "Could not look up the TXT record " + name
                    + ": " + e.getMessage() + "; try again later"));
        }
        if (found.values().stream().noneMatch(v -> DnsChallenges.matches(v, expected))) {
            throw notVerified(d.domain, name, expected, found);
        }
        d.verifiedAt = OffsetDateTime.now(clock);
        try {
            WorkspaceDomain.flush();
        } catch (PersistenceException e) {
            // Another workspace verified it between the check and now: the unique index decided.
            throw verifiedElsewhere(d.domain);
        }
        states.domainsChanged(ws);
        return DomainView.of(d);
    }

    /** The domain goes; if it was verified, its routes stop being admitted and its listeners go. */
    @Transactional
    public void delete(Account caller, UUID workspaceId, String rawDomain) {
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        WorkspaceDomain d = require(ws.id, rawDomain);
        boolean wasVerified = d.verified();
        d.delete();
        if (wasVerified) {
            states.domainsChanged(ws);
        }
    }

    /** The workspace's domains, by name. */
    static List<WorkspaceDomain> of(UUID workspaceId) {
        return WorkspaceDomain.list("workspaceId = ?1 order by domain", workspaceId);
    }

    /** The workspace's verified domains, by name: what its namespace's annotation and Gateway carry. */
    static List<WorkspaceDomain> verified(UUID workspaceId) {
        return WorkspaceDomain.list("workspaceId = ?1 and verifiedAt is not null order by domain", workspaceId);
    }

    private static WorkspaceDomain find(UUID workspaceId, String domain) {
        return WorkspaceDomain.find("workspaceId = ?1 and domain = ?2", workspaceId, domain).firstResult();
    }

    private static WorkspaceDomain require(UUID workspaceId, String rawDomain) {
        String domain = rawDomain == null ? "" : rawDomain.strip().toLowerCase(java.util.Locale.ROOT);
        WorkspaceDomain d = domain.length() > 253 ? null : find(workspaceId, domain);
        if (d == null) {
            throw ProblemException.notFound("No domain " + domain + " in this workspace");
        }
        return d;
    }

    private static void refuseIfVerifiedElsewhere(UUID workspaceId, String domain) {
        if (WorkspaceDomain.count("domain = ?1 and verifiedAt is not null and workspaceId <> ?2", domain,
                workspaceId) > 0) {
            throw verifiedElsewhere(domain);
        }
    }

    private static ProblemException verifiedElsewhere(String domain) {
        return new ProblemException(Problem.of(409, "Conflict", "The domain " + domain
                + " is verified for another workspace; it can be verified again only after that workspace "
                + "deletes it").withErrors(List.of(
                        new Problem.FieldError("domain", "is verified for another "
                                + "workspace"))));
    }

    private ProblemException notVerified(String domain, String name, String expected, DnsChallenges.Found found) {
        String detail;
        if (found.values().isEmpty()) {
            detail = "No TXT record " + name + " was found (asked " + dns.server() + "). Create the TXT record "
                    + name + " with the value " + expected + " at the DNS provider of " + domain
                    + ", then verify again";
        } else {
            detail = "The TXT record " + name + " holds " + found.values().stream().limit(5)
                    .map(DomainService::shown).collect(Collectors.joining(", ")) + ", not " + expected
                    + " (asked " + dns.server() + "). Set it to " + expected + ", then verify again";
        }
        return new ProblemException(Problem.of(409, "Domain not verified", detail)
                .withErrors(List.of(new Problem.FieldError("domain", "its TXT record " + name + " does not hold "
                        + expected))));
    }

    /** A value from someone's DNS, quoted, printable and bounded. */
    private static String shown(String value) {
        String v = value.replaceAll("[^\\x20-\\x7e]", "?");
        return "\"" + (v.length() > 100 ? v.substring(0, 100) + "..." : v) + "\"";
    }

    private static String token() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
