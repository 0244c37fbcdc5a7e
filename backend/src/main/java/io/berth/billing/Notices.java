package io.berth.billing;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.berth.access.Account;
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

    private final EntityManager em;
    private final Mailer mailer;
    private final boolean email;

    Notices(EntityManager em, Mailer mailer,
            @ConfigProperty(name = "berth.notices.email", defaultValue = "false") boolean email) {
        this.em = em;
        this.mailer = mailer;
        this.email = email;
    }

    /** Records a notice in the caller's transaction; returns its id for {@link #send}. */
    public UUID record(UUID accountId, Kind kind, String subject, String body) {
        UUID id = UUID.randomUUID();
        em.createNativeQuery("INSERT INTO notice (id, account_id, kind, subject, body) VALUES (?1, ?2, ?3, ?4, ?5)")
                .setParameter(1, id).setParameter(2, accountId).setParameter(3, kind.name())
                .setParameter(4, subject).setParameter(5, body).executeUpdate();
        return id;
    }

    /** E-mails a recorded notice, after its transaction committed; the outcome is recorded on the notice. */
    public void send(UUID noticeId) {
        if (!email) {
            return;
        }
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "SELECT n.subject, n.body, a.email FROM notice n JOIN account a ON a.id = n.account_id WHERE n.id = ?1")
                .setParameter(1, noticeId).getSingleResult());
        String error = null;
        if (row[2] == null) {
            error = "the account has no e-mail address";
        } else {
            try {
                mailer.send(Mail.withText((String) row[2], (String) row[0], (String) row[1]));
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warnf("e-mailing notice %s failed: %s", noticeId, error);
            }
        }
        String outcome = error;
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE notice SET emailed_at = CASE WHEN ?1 IS NULL THEN ?2 END, email_error = ?1 WHERE id = ?3")
                .setParameter(1, outcome).setParameter(2, OffsetDateTime.now(ZoneOffset.UTC))
                .setParameter(3, noticeId).executeUpdate());
    }

    static String greeting(Account a) {
        return "Hello " + a.username + ",\n\n";
    }
}
