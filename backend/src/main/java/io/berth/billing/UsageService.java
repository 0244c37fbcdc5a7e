package io.berth.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.common.ProblemException;
import io.berth.workspace.WorkspaceAccess;
import io.berth.workspace.WorkspaceRole;

/** Usage and cost per hour or per day (days of the account's time zone), from the rating lines. */
@ApplicationScoped
public class UsageService {

    private final EntityManager em;
    private final WorkspaceAccess access;

    UsageService(EntityManager em, WorkspaceAccess access) {
        this.em = em;
        this.access = access;
    }

    public enum Granularity {
        hour, day
    }

    public record Point(String bucket, UUID workspaceId, String line, BigDecimal quantity, String unit,
            long amountMicro) {
    }

    public record Usage(String granularity, String timezone, OffsetDateTime from, OffsetDateTime to,
            List<Point> points, long totalMicro) {
    }

    /** The display unit of each line and how many base units it holds. */
    static String displayUnit(String line) {
        return switch (line) {
            case "cpu" -> "core-hours";
            case "memory", "storage" -> "GiB-hours";
            case "nodeport", "loadbalancer" -> "hours";
            default -> "GiB";
        };
    }

    static BigDecimal toDisplay(String line, BigDecimal base) {
        BigDecimal divisor = switch (line) {
            case "cpu" -> BigDecimal.valueOf(3_600_000_000L);
            case "memory", "storage" -> BigDecimal.valueOf(3_865_470_566_400L);
            case "nodeport", "loadbalancer" -> BigDecimal.valueOf(3600);
            default -> BigDecimal.valueOf(1_073_741_824L);
        };
        return base.divide(divisor, 6, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /** Usage of one workspace (any member may look) or, without one, of everything billed to the caller. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Usage usage(Account caller, UUID workspaceId, Granularity granularity, OffsetDateTime from,
            OffsetDateTime to) {
        Granularity g = granularity == null ? Granularity.hour : granularity;
        OffsetDateTime end = to == null ? OffsetDateTime.now(ZoneOffset.UTC) : to;
        OffsetDateTime start = from == null
                ? end.minus(g == Granularity.hour ? Duration.ofDays(2) : Duration.ofDays(30))
                : from;
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("from", "must be before to");
        }
        if (Duration.between(start, end)
                .compareTo(g == Granularity.hour ? Duration.ofDays(31) : Duration.ofDays(400)) > 0) {
            throw ProblemException.badRequest("from", g == Granularity.hour
                    ? "hourly usage spans at most 31 days"
                    : "daily usage spans at most 400 days");
        }
        if (workspaceId != null) {
            access.require(workspaceId, caller.id, WorkspaceRole.viewer);
        }
        String bucket = g == Granularity.hour
                ? "to_char(r.hour_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:00\"Z\"')"
                : "to_char(r.hour_start AT TIME ZONE ?4, 'YYYY-MM-DD')";
        String filter = workspaceId != null ? "r.workspace_id = ?3" : "r.account_id = ?3";
        var q = em.createNativeQuery("SELECT " + bucket + " AS bucket, r.workspace_id, r.line, sum(r.quantity), "
                + "sum(r.amount_micro) FROM rating_line r WHERE " + filter
                + " AND r.hour_start >= ?1 AND r.hour_start < ?2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
                .setParameter(1, start).setParameter(2, end)
                .setParameter(3, workspaceId != null ? workspaceId : caller.id);
        if (g == Granularity.day) {
            q.setParameter(4, caller.timezone);
        }
        List<Point> points = new ArrayList<>();
        long total = 0;
        for (Object[] r : (List<Object[]>) q.getResultList()) {
            String line = (String) r[2];
            long amount = ((Number) r[4]).longValue();
            points.add(new Point((String) r[0], (UUID) r[1], line, toDisplay(line, (BigDecimal) r[3]),
                    displayUnit(line), amount));
            total += amount;
        }
        return new Usage(g.name(), g == Granularity.day ? caller.timezone : "UTC", start, end, points, total);
    }
}
