package io.berth.workspace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.cluster.ReconcileRequests;
import io.berth.common.Problem;
import io.berth.common.ProblemException;

/**
 * Invitations by e-mail or username. The link carries a random token that is stored only as its SHA-256; it is
 * single-use, expires, and works only for the invited identity (so a leaked link lets nobody else in).
 */
@ApplicationScoped
public class InvitationService {

    private final SecureRandom random = new SecureRandom();
    private final WorkspaceAccess access;
    private final WorkspaceConfig config;
    private final ReconcileRequests reconcile;

    InvitationService(WorkspaceAccess access, WorkspaceConfig config, ReconcileRequests reconcile) {
        this.access = access;
        this.config = config;
        this.reconcile = reconcile;
    }

    @Transactional
    public InvitationView invite(Account caller, UUID workspaceId, String invitee, WorkspaceRole role) {
        String who = normalizeInvitee(invitee);
        if (role == null || role == WorkspaceRole.owner) {
            throw ProblemException.badRequest("role", "must be one of admin, developer, viewer");
        }
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        Account existing = Account.find("lower(username) = ?1 or lower(email) = ?1", who).firstResult();
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
        i.tokenSha256 = sha256(token);
        i.invitedBy = caller.id;
        i.createdAt = WorkspaceService.now();
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
            i.status = Invitation.Status.revoked;
            i.respondedAt = WorkspaceService.now();
            i.respondedBy = caller.id;
        }
    }

    /** Invitations waiting for the caller (matched by username or e-mail), so the console can show them. */
    @Transactional
    public List<InvitationView> mine(Account caller) {
        return Invitation.<Invitation>list("status = ?1 and expiresAt > ?2 and (invitee = ?3 or invitee = ?4)",
                Invitation.Status.pending, WorkspaceService.now(), lower(caller.username), lower(caller.email))
                .stream().map(i -> InvitationView.of(i, Workspace.<Workspace>findById(i.workspaceId).displayName))
                .toList();
    }

    @Transactional
    public WorkspaceView accept(Account caller, String token) {
        Invitation i = answerable(caller, token);
        i.status = Invitation.Status.accepted;
        i.respondedAt = WorkspaceService.now();
        i.respondedBy = caller.id;
        Workspace ws = Workspace.findById(i.workspaceId, LockModeType.PESSIMISTIC_WRITE);
        if (ws == null || !ws.isLive()) {
            throw new ProblemException(Problem.of(410, "Invitation no longer valid", "The workspace was deleted"));
        }
        WorkspaceMember existing = WorkspaceMember.findById(new WorkspaceMember.Key(ws.id, caller.id));
        if (existing != null) {
            return WorkspaceView.of(ws, existing.role);
        }
        WorkspaceMember m = new WorkspaceMember();
        m.workspaceId = ws.id;
        m.accountId = caller.id;
        m.role = i.role;
        m.updatedAt = WorkspaceService.now();
        m.persist();
        ws.generation++;
        ws.updatedAt = WorkspaceService.now();
        reconcile.workspace(ws.id);
        return WorkspaceView.of(ws, m.role);
    }

    @Transactional
    public void decline(Account caller, String token) {
        Invitation i = answerable(caller, token);
        i.status = Invitation.Status.declined;
        i.respondedAt = WorkspaceService.now();
        i.respondedBy = caller.id;
    }

    private Invitation answerable(Account caller, String token) {
        if (token == null || token.isBlank()) {
            throw ProblemException.badRequest("token", "must be the token of the invitation link");
        }
        Invitation i = Invitation.find("tokenSha256", sha256(token.strip())).withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
        if (i == null) {
            throw ProblemException.notFound("No such invitation");
        }
        if (!i.invitee.equals(lower(caller.username)) && !i.invitee.equals(lower(caller.email))) {
            throw ProblemException.forbidden("This invitation is for another person");
        }
        if (i.status != Invitation.Status.pending) {
            throw new ProblemException(Problem.of(410, "Invitation no longer valid", "This invitation was already "
                    + i.status));
        }
        if (!i.expiresAt.isAfter(WorkspaceService.now())) {
            throw new ProblemException(Problem.of(410, "Invitation no longer valid", "This invitation expired at "
                    + i.expiresAt));
        }
        return i;
    }

    private static String normalizeInvitee(String invitee) {
        if (invitee == null || invitee.isBlank()) {
            throw ProblemException.badRequest("invitee", "must be an e-mail address or a username");
        }
        String who = invitee.strip().toLowerCase(Locale.ROOT);
        if (who.length() > 254
                || who.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw ProblemException.badRequest("invitee", "must be an e-mail address or a username");
        }
        return who;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
