package io.berth.workspace;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.common.Hashes;
import io.berth.common.PrintableText;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.common.RateLimiter;

/**
 * Invitations by e-mail or username. The link carries a random token that is stored only as its SHA-256; it is
 * single-use, expires, and works only for the invited identity (so a leaked link lets nobody else in). An invitee
 * with an {@code @} is an e-mail address and names only an account whose identity provider verified that address;
 * anything else is a username. (Anyone can type any address into their own Keycloak account, and usernames may hold
 * an {@code @}: before, either let a stranger take an invitation meant for an address that had no account yet.)
 */
@ApplicationScoped
public class InvitationService {

    private final SecureRandom random = new SecureRandom();
    private final WorkspaceAccess access;
    private final WorkspaceConfig config;
    private final WorkspaceStates states;
    private final AccountQueries accounts;
    private final RateLimiter limiter;
    private final Clock clock;
    private final AppsConfig apps;

    InvitationService(WorkspaceAccess access, WorkspaceConfig config, WorkspaceStates states, AccountQueries accounts,
            RateLimiter limiter, Clock clock, AppsConfig apps) {
        this.apps = apps;
        this.access = access;
        this.config = config;
        this.states = states;
        this.accounts = accounts;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** What the invited person sees before answering. */
    public record Preview(String workspaceName, String role, String invitedBy, OffsetDateTime expiresAt,
            String status, boolean answerable) {
    }

    @Transactional
    public InvitationView invite(Account caller, UUID workspaceId, String invitee, WorkspaceRole role) {
        limiter.check(RateLimiter.Limit.INVITATION_CREATE, caller.id);
        String who = normalizeInvitee(invitee);
        if (role == null || role == WorkspaceRole.owner) {
            throw ProblemException.badRequest("role", "must be one of admin, developer, viewer");
        }
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        Account existing = accounts.findInvitee(who).orElse(null);
        if (existing != null && WorkspaceMember.findById(new WorkspaceMember.Key(workspaceId, existing.id)) != null) {
            throw ProblemException.conflict(who + " is already a member of this workspace");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Invitation i = new Invitation();
        i.id = UUID.randomUUID();
        i.workspaceId = workspaceId;
        i.invitee = who;
        i.role = role;
        i.tokenSha256 = Hashes.sha256(token);
        i.invitedBy = caller.id;
        i.createdAt = now();
        i.expiresAt = i.createdAt.plus(config.invitationTtl());
        i.persist();
        String url = config.publicUrl().replaceFirst("/$", "") + "/console/invitations/" + token;
        return InvitationView.of(i, ws.displayName).withSecret(token, url);
    }

    @Transactional
    public List<InvitationView> pendingFor(Account caller, UUID workspaceId) {
        Workspace ws = access.require(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        return Invitation.<Invitation>list("workspaceId = ?1 and status = ?2 order by createdAt", workspaceId,
                Invitation.Status.pending).stream().map(i -> InvitationView.of(i, ws.displayName)).toList();
    }

    @Transactional
    public void revoke(Account caller, UUID workspaceId, UUID invitationId) {
        access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin);
        Invitation i = Invitation.findById(invitationId);
        if (i == null || !i.workspaceId.equals(workspaceId)) {
            throw ProblemException.notFound("No invitation " + invitationId + " in this workspace");
        }
        if (i.status == Invitation.Status.pending) {
            settle(i, Invitation.Status.revoked, caller);
        }
    }

    /** Invitations waiting for the caller (matched by username or verified e-mail), so the console can show them. */
    @Transactional
    public List<InvitationView> mine(Account caller) {
        return Invitation.<Invitation>list("status = ?1 and expiresAt > ?2 and (invitee = ?3 or invitee = ?4)",
                Invitation.Status.pending, now(), asInvitee(nameKey(caller)), asInvitee(emailKey(caller)))
                .stream().map(i -> InvitationView.of(i, Workspace.<Workspace>findById(i.workspaceId).displayName))
                .toList();
    }

    @Transactional
    public WorkspaceView accept(Account caller, String token) {
        limiter.check(RateLimiter.Limit.INVITATION_ANSWER, caller.id);
        Invitation i = answerable(caller, token);
        settle(i, Invitation.Status.accepted, caller);
        Workspace ws = Workspace.findById(i.workspaceId, LockModeType.PESSIMISTIC_WRITE);
        if (ws == null || !ws.isLive()) {
            throw new ProblemException(Problem.of(410, "Invitation no longer valid", "The workspace was deleted"));
        }
        WorkspaceMember existing = WorkspaceMember.findById(new WorkspaceMember.Key(ws.id, caller.id));
        if (existing != null) {
            return WorkspaceView.of(ws, existing.role, apps);
        }
        WorkspaceMember m = new WorkspaceMember();
        m.workspaceId = ws.id;
        m.accountId = caller.id;
        m.role = i.role;
        m.updatedAt = now();
        m.persist();
        states.membersChanged(ws);
        return WorkspaceView.of(ws, m.role, apps);
    }

    @Transactional
    public void decline(Account caller, String token) {
        limiter.check(RateLimiter.Limit.INVITATION_ANSWER, caller.id);
        settle(answerable(caller, token), Invitation.Status.declined, caller);
    }

    /** An invitation's answer (or revocation), who gave it and when; it is pending no more. */
    private void settle(Invitation i, Invitation.Status answer, Account by) {
        i.status = answer;
        i.respondedAt = now();
        i.respondedBy = by.id;
    }

    /** The invitation this link names, if it is for the caller; null otherwise, so nobody else learns anything. */
    @Transactional
    public Preview preview(Account caller, String token) {
        if (token == null || token.length() > 100) {
            return null;
        }
        Invitation i = Invitation.find("tokenSha256", Hashes.sha256(token.strip())).firstResult();
        if (i == null || !isFor(i, caller)) {
            return null;
        }
        Workspace ws = Workspace.findById(i.workspaceId);
        Account inviter = accounts.find(i.invitedBy).orElse(null);
        boolean open = i.status == Invitation.Status.pending && i.expiresAt.isAfter(now()) && ws != null
                && ws.isLive();
        return new Preview(ws == null ? "" : ws.displayName, i.role.name(), inviter == null ? "" : inviter.username,
                i.expiresAt, i.status.name(), open);
    }

    static boolean isFor(Invitation i, Account caller) {
        return i.invitee.equals(nameKey(caller)) || i.invitee.equals(emailKey(caller));
    }

    /** The caller's username as an invitee, unless it holds an {@code @} (then it could pose as an address). */
    static String nameKey(Account a) {
        String name = lower(a.username);
        return name == null || name.contains("@") ? null : name;
    }

    /** The caller's e-mail address as an invitee, only if it is verified. */
    static String emailKey(Account a) {
        return a.emailVerified ? lower(a.email) : null;
    }

    /** A key that matches no invitee, for a caller without one (invitees are never blank). */
    private static String asInvitee(String key) {
        return key == null ? "" : key;
    }

    private Invitation answerable(Account caller, String token) {
        if (token == null || token.isBlank()) {
            throw ProblemException.badRequest("token", "must be the token of the invitation link");
        }
        Invitation i = Invitation.find("tokenSha256", Hashes.sha256(token.strip()))
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
        if (i == null) {
            throw ProblemException.notFound("No such invitation");
        }
        if (!isFor(i, caller)) {
            throw ProblemException.forbidden("This invitation is for another person");
        }
        if (i.status != Invitation.Status.pending) {
            throw new ProblemException(Problem.of(410, "Invitation no longer valid", "This invitation was already "
                    + i.status));
        }
        if (!i.expiresAt.isAfter(now())) {
            throw new ProblemException(Problem.of(410, "Invitation no longer valid", "This invitation expired at "
                    + i.expiresAt));
        }
        return i;
    }

    /** An e-mail address or username as invitations store it: trimmed, lowercase; 400 for blanks and controls. */
    static String normalizeInvitee(String invitee) {
        if (invitee == null || invitee.isBlank()) {
            throw ProblemException.badRequest("invitee", "must be an e-mail address or a username");
        }
        String who = invitee.strip().toLowerCase(Locale.ROOT);
        if (who.length() > 254
                || who.codePoints().anyMatch(c -> PrintableText.nonPrinting(c) || Character.isWhitespace(c))) {
            throw ProblemException.badRequest("invitee", "must be an e-mail address or a username");
        }
        return who;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
