package io.berth.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.berth.access.Account;

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

    private final EntityManager em;

    AuditLog(EntityManager em) {
        this.em = em;
    }

    @Transactional
    public void record(Account admin, Via via, String action, String targetType, Object targetId, String targetName,
            String detail) {
        em.createNativeQuery("""
                INSERT INTO admin_audit (admin_id, admin_name, action, target_type, target_id, target_name, detail, via)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)""").setParameter(1, admin.id).setParameter(2, admin.username)
                .setParameter(3, action).setParameter(4, targetType)
                .setParameter(5, targetId == null ? null : targetId.toString()).setParameter(6, targetName)
                .setParameter(7, detail == null ? "" : detail).setParameter(8, via.name()).executeUpdate();
        LOG.infof("admin %s (%s) %s %s %s via %s", admin.username, admin.id, action, targetType, targetId, via);
    }

    /** Newest first; {@code targetId} narrows to one account, workspace, plan or batch. */
    @Transactional
    @SuppressWarnings("unchecked")
    public AdminQueries.Paged<Entry> list(String targetId, int page, int pageSize) {
        int p = Math.max(1, page);
        String where = targetId == null || targetId.isBlank() ? "" : " WHERE target_id = ?1";
        var count = em.createNativeQuery("SELECT count(*) FROM admin_audit" + where);
        var rows = em.createNativeQuery("""
                SELECT id, extract(epoch FROM at)::bigint, admin_id, admin_name, action, target_type, target_id,
                       target_name, detail, via
                FROM admin_audit""" + where + " ORDER BY id DESC LIMIT " + pageSize + " OFFSET "
                + (long) (p - 1) * pageSize);
        if (!where.isEmpty()) {
            count.setParameter(1, targetId);
            rows.setParameter(1, targetId);
        }
        List<Entry> out = new ArrayList<>();
        for (Object[] r : (List<Object[]>) rows.getResultList()) {
            out.add(new Entry(((Number) r[0]).longValue(),
                    OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(((Number) r[1]).longValue()),
                            ZoneOffset.UTC),
                    (UUID) r[2], (String) r[3], (String) r[4], (String) r[5], (String) r[6], (String) r[7],
                    (String) r[8], (String) r[9]));
        }
        return new AdminQueries.Paged<>(out, p, pageSize, ((Number) count.getSingleResult()).longValue());
    }
}
