package io.berth.billing;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.common.Sql;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Notices to account owners: always recorded in the database (the console shows them), and e-mailed through SMTP when
 * a mail server is configured ({@code berth.notices.email=true} and {@code quarkus.mailer.*}).
 */
@ApplicationScoped
public class Notices {

    private static final Logger LOG = Logger.getLogger(Notices.class);

    public enum Kind {
        low_balance, suspended, deletion_warning, terminated, resumed
    }

    public record Notice(String kind, String subject, String body, OffsetDateTime at) {
    }

    private final Sql sql;
    private final Mailer mailer;
    private final AccountQueries accounts;
    private final Clock clock;
    private final boolean email;

    Notices(Sql sql, Mailer mailer, AccountQueries accounts, Clock clock,
            @ConfigProperty(name = "berth.notices.email", defaultValue = "false") boolean email) {
        this.sql = sql;
        this.mailer = mailer;
        this.accounts = accounts;
        this.clock = clock;
        this.email = email;
    }

    /** Records a notice in the caller's transaction; returns its id for {@link #send}. */
    public UUID record(UUID accountId, Kind kind, String subject, String body) {
        UUID id = UUID.randomUUID();
        sql.update("INSERT INTO notice (id, account_id, kind, subject, body) VALUES (?1, ?2, ?3, ?4, ?5)", id,
                accountId, kind.name(), subject, body);
        return id;
    }

    /** E-mails a recorded notice, after its transaction committed; the outcome is recorded on the notice. */
    public void send(UUID noticeId) {
        if (!email) {
            return;
        }
        Sql.Row n = QuarkusTransaction.requiringNew()
                .call(() -> sql.one("SELECT subject, body, account_id FROM notice WHERE id = ?1", noticeId));
        // Only to a verified address: an unverified one may be anybody's (a user can type any address into Keycloak).
        String to = accounts.find(n.uuid(2)).filter(a -> a.emailVerified).map(a -> a.email).orElse(null);
        String error = null;
        if (to == null) {
            error = "the account has no verified e-mail address";
        } else {
            try {
                mailer.send(Mail.withText(to, n.string(0), n.string(1)));
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warnf("e-mailing notice %s failed: %s", noticeId, error);
            }
        }
        // Two statements rather than one CASE on the error: PostgreSQL typed that CASE as text (the null parameter),
        // so recording a mail that went out failed; it never ran before the dev stack and the tests mailed notices.
        String outcome = error;
        QuarkusTransaction.requiringNew().run(() -> {
            if (outcome == null) {
                sql.update("UPDATE notice SET emailed_at = ?1, email_error = NULL WHERE id = ?2",
                        OffsetDateTime.now(clock), noticeId);
            } else {
                sql.update("UPDATE notice SET emailed_at = NULL, email_error = ?1 WHERE id = ?2", outcome, noticeId);
            }
        });
    }

    /** Whether the account was sent a notice of this kind at or after {@code since}. */
    boolean sentSince(UUID accountId, Kind kind, OffsetDateTime since) {
        return sql.number("SELECT count(*) FROM notice WHERE account_id = ?1 AND kind = ?2 AND created_at >= ?3",
                accountId, kind.name(), since) > 0;
    }

    /** The account's latest notices, newest first. */
    @Transactional
    public List<Notice> latest(UUID accountId, int limit) {
        return sql.rows("""
                SELECT kind, subject, body, extract(epoch FROM created_at)::bigint FROM notice
                WHERE account_id = ?1 ORDER BY created_at DESC LIMIT ?2""", accountId, limit).stream()
                .map(r -> new Notice(r.string(0), r.string(1), r.string(2), r.time(3))).toList();
    }

    static String greeting(Account a) {
        return "Hello " + a.username + ",\n\n";
    }
}
