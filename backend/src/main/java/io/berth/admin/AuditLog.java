package io.berth.admin;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.berth.access.Account;
import io.berth.common.Paged;
import io.berth.common.Sql;

/**
 * Every admin action, who did it, to what, and how (console or API). Written in the action's transaction where the
 * action has one, right after it otherwise; the table refuses updates and deletes.
 */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    public enum Via {
        console, api
    }

    public record Entry(long id, OffsetDateTime at, UUID adminId, String adminName, String action, String targetType,
            String targetId, String targetName, String detail, String via) {
    }

    private final Sql sql;

    AuditLog(Sql sql) {
        this.sql = sql;
    }

    @Transactional
    public void record(Account admin, Via via, String action, String targetType, Object targetId, String targetName,
            String detail) {
        sql.update("""
                INSERT INTO admin_audit (admin_id, admin_name, action, target_type, target_id, target_name, detail, via)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)""", admin.id, admin.username, action, targetType,
                targetId == null ? null : targetId.toString(), targetName, detail == null ? "" : detail, via.name());
        LOG.infof("admin %s (%s) %s %s %s via %s", admin.username, admin.id, action, targetType, targetId, via);
    }

    /** Newest first; {@code targetId} narrows to one account, workspace, plan or batch. */
    @Transactional
    public Paged<Entry> list(String targetId, int page, int pageSize) {
        int p = Paged.page(page);
        boolean all = targetId == null || targetId.isBlank();
        String where = all ? "" : " WHERE target_id = ?1";
        Object[] params = all ? new Object[0] : new Object[]{targetId};
        long total = sql.number("SELECT count(*) FROM admin_audit" + where, params);
        List<Entry> items = sql.rows("""
                SELECT id, extract(epoch FROM at)::bigint, admin_id, admin_name, action, target_type, target_id,
                       target_name, detail, via
                FROM admin_audit""" + where + " ORDER BY id DESC LIMIT " + pageSize + " OFFSET "
                + Paged.offset(p, pageSize), params).stream()
                .map(r -> new Entry(r.number(0), r.time(1), r.uuid(2), r.string(3), r.string(4), r.string(5),
                        r.string(6), r.string(7), r.string(8), r.string(9)))
                .toList();
        return new Paged<>(items, p, pageSize, total);
    }
}
