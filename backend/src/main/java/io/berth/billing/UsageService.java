package io.berth.billing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.common.ProblemException;
import io.berth.common.Sql;
import io.berth.workspace.WorkspaceAccess;
import io.berth.workspace.WorkspaceRole;

/** Usage and cost per hour or per day (days of the account's time zone), from the rating lines. */
@ApplicationScoped
public class UsageService {

    private final Sql sql;
    private final WorkspaceAccess access;
    private final Clock clock;

    UsageService(Sql sql, WorkspaceAccess access, Clock clock) {
        this.sql = sql;
        this.access = access;
        this.clock = clock;
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

    /** Usage of one workspace (any member may look) or, without one, of everything billed to the caller. */
    @Transactional
    public Usage usage(Account caller, UUID workspaceId, Granularity granularity, OffsetDateTime from,
            OffsetDateTime to) {
        Granularity g = granularity == null ? Granularity.hour : granularity;
        OffsetDateTime end = to == null ? OffsetDateTime.now(clock) : to;
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
        String query = "SELECT " + bucket + " AS bucket, r.workspace_id, r.line, sum(r.quantity), "
                + "sum(r.amount_micro) FROM rating_line r WHERE " + filter
                + " AND r.hour_start >= ?1 AND r.hour_start < ?2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
        UUID subject = workspaceId != null ? workspaceId : caller.id;
        List<Sql.Row> rows = g == Granularity.day
                ? sql.rows(query, start, end, subject, caller.timezone)
                : sql.rows(query, start, end, subject);
        List<Point> points = new ArrayList<>();
        long total = 0;
        for (Sql.Row r : rows) {
            UsageLine line = UsageLine.of(r.string(2));
            points.add(new Point(r.string(0), r.uuid(1), line.name(), line.display(r.decimal(3)), line.displayUnit,
                    r.number(4)));
            total += r.number(4);
        }
        return new Usage(g.name(), g == Granularity.day ? caller.timezone : "UTC", start, end, points, total);
    }
}
