package io.berth.common;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

/**
 * The one way Berth runs SQL that is not a Panache query of an entity (docs/development.md, "Data access"):
 * positional parameters bound in order, rows read through {@link Row}. In a transaction it runs on the transaction's
 * EntityManager, so pending entity changes are flushed before the statement and the statement sees them (parameters
 * {@code ?1, ?2, ...}). The billing runs, which hold session-level advisory locks on connections of their own, use
 * {@link #update(Connection, String, Object...)} (parameters {@code ?}).
 */
@ApplicationScoped
public class Sql {

    private final EntityManager em;

    Sql(EntityManager em) {
        this.em = em;
    }

    /** Executes an INSERT, UPDATE, DELETE (or DDL) in the current transaction; returns the row count. */
    public int update(String sql, Object... params) {
        return query(sql, params).executeUpdate();
    }

    public List<Row> rows(String sql, Object... params) {
        return query(sql, params).getResultList().stream().map(Row::of).toList();
    }

    /** The first row, for a statement that finds at most one (by a key) or says its own order and LIMIT. */
    public Optional<Row> first(String sql, Object... params) {
        return query(sql, params).getResultList().stream().findFirst().map(Row::of);
    }

    /** The single row a statement returns (an aggregate, a RETURNING clause). */
    public Row one(String sql, Object... params) {
        return Row.of(query(sql, params).getSingleResult());
    }

    /** The first column of the single row, as a number: counts and sums. */
    public long number(String sql, Object... params) {
        return one(sql, params).number(0);
    }

    private Query query(String sql, Object... params) {
        Query q = em.createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        return q;
    }

    /** Ids as one parameter, for {@code = ANY (CAST(?n AS uuid[]))}: a set of any size, one statement. */
    public static String uuidArray(Collection<UUID> ids) {
        return "{" + String.join(",", ids.stream().map(UUID::toString).toList()) + "}";
    }

    /** Executes an update (or DDL) on a connection of the caller's; returns the row count. */
    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** One result row, its columns by position, each read as the type the caller knows it has. */
    public record Row(List<Object> values) {

        static Row of(Object result) {
            return new Row(Arrays.asList(result instanceof Object[] columns ? columns : new Object[]{result}));
        }

        public Object get(int column) {
            return values.get(column);
        }

        public String string(int column) {
            Object v = get(column);
            return v == null ? null : v.toString();
        }

        public UUID uuid(int column) {
            Object v = get(column);
            return v == null ? null : v instanceof UUID u ? u : UUID.fromString(v.toString());
        }

        /** A count, a sum or another integer; SQL NULL (a sum of nothing) is zero. */
        public long number(int column) {
            Object v = get(column);
            return v == null ? 0 : ((Number) v).longValue();
        }

        public boolean bool(int column) {
            return Boolean.TRUE.equals(get(column));
        }

        public BigDecimal decimal(int column) {
            Object v = get(column);
            return v == null ? null : v instanceof BigDecimal d ? d : new BigDecimal(v.toString());
        }

        /**
         * A point in time in UTC, from a timestamp column or from whole epoch seconds (what
         * {@code extract(epoch FROM ...)::bigint} selects); SQL NULL stays null.
         */
        public OffsetDateTime time(int column) {
            Object v = get(column);
            if (v == null) {
                return null;
            }
            Instant instant;
            if (v instanceof OffsetDateTime o) {
                instant = o.toInstant();
            } else if (v instanceof Instant i) {
                instant = i;
            } else if (v instanceof Timestamp t) {
                instant = t.toInstant();
            } else if (v instanceof Number n) {
                instant = Instant.ofEpochSecond(n.longValue());
            } else {
                throw new IllegalStateException("not a point in time: " + v.getClass());
            }
            return instant.atOffset(ZoneOffset.UTC);
        }
    }
}
