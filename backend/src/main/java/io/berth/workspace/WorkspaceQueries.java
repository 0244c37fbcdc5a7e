package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.common.Paged;
import io.berth.common.Sql;

/** What other features read of workspaces: names for statements, the platform's workspaces for the admin area. */
@ApplicationScoped
public class WorkspaceQueries {

    private final Sql sql;

    WorkspaceQueries(Sql sql) {
        this.sql = sql;
    }

    /** How a workspace is named, also after it was deleted. */
    public record Label(String displayName, String namespace) {
    }

    public record Summary(UUID id, String displayName, String namespace, String status, String plan,
            boolean suspended, OffsetDateTime createdAt, UUID ownerId, long members) {
    }

    public record Counts(long live, long ready) {
    }

    @Transactional
    public Map<UUID, Label> labels(Collection<UUID> ids) {
        Map<UUID, Label> labels = new HashMap<>();
        if (!ids.isEmpty()) {
            Workspace.<Workspace>list("id in ?1", ids)
                    .forEach(w -> labels.put(w.id, new Label(w.displayName, w.namespace)));
        }
        return labels;
    }

    /**
     * Workspaces not yet deleted, newest first: {@code query} matches part of the name or namespace, a whole id, or
     * (through {@code ownersMatching}) the owner; {@code memberId} narrows to one account's workspaces.
     */
    @Transactional
    public Paged<Summary> search(String query, List<UUID> ownersMatching, UUID memberId, int page, int pageSize) {
        String q = query == null ? "" : query.strip();
        int p = Paged.page(page);
        String owners = Sql.uuidArray(ownersMatching);
        String member = memberId == null ? null : memberId.toString();
        String from = """
                FROM workspace w
                JOIN workspace_member om ON om.workspace_id = w.id AND om.role = 'owner'
                WHERE w.status <> 'deleted'
                  AND (?1 = '' OR position(lower(?1) IN lower(w.display_name)) > 0
                       OR position(lower(?1) IN w.namespace) > 0 OR om.account_id = ANY (CAST(?2 AS uuid[]))
                       OR w.id::text = lower(?1))
                  AND (CAST(?3 AS uuid) IS NULL OR EXISTS (SELECT 1 FROM workspace_member x
                       WHERE x.workspace_id = w.id AND x.account_id = CAST(?3 AS uuid)))""";
        long total = sql.number("SELECT count(*) " + from, q, owners, member);
        List<Summary> items = sql.rows("""
                SELECT w.id, w.display_name, w.namespace, w.status, w.plan_id, w.suspended,
                       extract(epoch FROM w.created_at)::bigint, om.account_id,
                       (SELECT count(*) FROM workspace_member m WHERE m.workspace_id = w.id) """ + from
                + " ORDER BY w.created_at DESC, w.id LIMIT " + pageSize + " OFFSET " + Paged.offset(p, pageSize),
                q, owners, member).stream()
                .map(r -> new Summary(r.uuid(0), r.string(1), r.string(2), r.string(3), r.string(4), r.bool(5),
                        r.time(6), r.uuid(7), r.number(8)))
                .toList();
        return new Paged<>(items, p, pageSize, total);
    }

    /** How many live workspaces each of these accounts owns (a page of accounts: one count each). */
    @Transactional
    public Map<UUID, Long> ownedCounts(Collection<UUID> ownerIds) {
        Map<UUID, Long> counts = new HashMap<>();
        ownerIds.forEach(id -> counts.put(id, Workspace.ownedLiveBy(id).count()));
        return counts;
    }

    @Transactional
    public Counts counts() {
        return new Counts(Workspace.count("status not in (?1, ?2)", Workspace.Status.deleting,
                Workspace.Status.deleted), Workspace.count("status", Workspace.Status.ready));
    }
}
