package io.berth.billing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.berth.access.Account;
import io.berth.access.AccountCreated;
import io.berth.access.AccountQueries;
import io.berth.access.AccountService;
import io.berth.common.Hashes;
import io.berth.common.PrintableText;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.common.RateLimiter;
import io.berth.common.Sql;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Money in and out of accounts other than usage charges: the sign-up credit, admin credits and debits (with a
 * reason), vouchers, and top-ups. Each is one ledger transaction with an idempotency key, so a retried request or a
 * replayed event posts nothing twice. After money comes in the debt lifecycle is evaluated at once, so a suspended
 * account resumes within seconds.
 */
@ApplicationScoped
public class BillingService {

    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private final SecureRandom random = new SecureRandom();
    private final AgroalDataSource dataSource;
    private final Sql sql;
    private final BillingConfig config;
    private final DebtLifecycle lifecycle;
    private final AccountQueries accountQueries;
    private final AccountService accounts;
    private final RateLimiter limiter;
    private final Clock clock;

    BillingService(AgroalDataSource dataSource, Sql sql, BillingConfig config, DebtLifecycle lifecycle,
            AccountQueries accountQueries, AccountService accounts, RateLimiter limiter, Clock clock) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.config = config;
        this.lifecycle = lifecycle;
        this.accountQueries = accountQueries;
        this.accounts = accounts;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** In the account-creating transaction: the configured sign-up credit, once per account. */
    void signupCredit(@Observes AccountCreated account) {
        if (config.signupCreditMicro() <= 0) {
            return;
        }
        post(Posting.toCustomer(Posting.Kind.signup_credit, account.accountId(), config.signupCreditMicro(),
                Posting.SystemAccount.promotions, "signup:" + account.accountId(), "Sign-up credit", null, null));
    }

    public record Adjusted(UUID transactionId, boolean created, long balanceMicro) {
    }

    /**
     * An admin credits (positive) or debits (negative) an account. The reason is mandatory; the key makes a retried
     * request change nothing.
     */
    public Adjusted adjust(UUID accountId, long amountMicro, String reason, String idemKey, Account admin) {
        if (amountMicro == 0 || Math.abs(amountMicro) > Money.MAX_AMOUNT_MICRO
                || amountMicro == Long.MIN_VALUE) {
            throw ProblemException.badRequest("amountMicro",
                    "must not be zero, and at most " + Money.MAX_AMOUNT_MICRO + " either way");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.badRequest("reason", "is required (at most 500 characters)");
        }
        if (!PrintableText.printable(reason, true)) {
            throw ProblemException.badRequest("reason", PrintableText.NON_PRINTING);
        }
        String key = "adjustment:" + (idemKey == null || idemKey.isBlank() ? UUID.randomUUID() : idemKey.strip());
        Adjusted a = QuarkusTransaction.requiringNew().call(() -> adjustInTx(accountId, amountMicro, reason.strip(),
                key, admin));
        lifecycle.evaluate(accountId);
        return a;
    }

    private Adjusted adjustInTx(UUID accountId, long amountMicro, String reason, String key, Account admin) {
        if (accountQueries.find(accountId).isEmpty()) {
            throw ProblemException.notFound("No account " + accountId);
        }
        Posting p = amountMicro > 0
                ? Posting.toCustomer(Posting.Kind.credit, accountId, amountMicro, Posting.SystemAccount.adjustments,
                        key, "Credit by an administrator", reason, admin.id)
                : Posting.fromCustomer(Posting.Kind.adjustment, accountId, -amountMicro,
                        Posting.SystemAccount.adjustments, key, "Debit by an administrator", reason, admin.id);
        Ledger.Posted posted = post(p);
        return new Adjusted(posted.transactionId(), posted.created(), balance(accountId));
    }

    // --- vouchers

    public record VoucherBatch(UUID id, String name, long amountMicro, OffsetDateTime expiresAt, int perAccountLimit,
            List<String> codes) {
    }

    /** Creates a batch of single-use codes; the codes are returned once and stored only as hashes. */
    @Transactional
    public VoucherBatch createVouchers(String name, long amountMicro, int count, OffsetDateTime expiresAt,
            int perAccountLimit, Account admin) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw ProblemException.badRequest("name", "is required (at most 100 characters)");
        }
        if (!PrintableText.printable(name, false)) {
            throw ProblemException.badRequest("name", PrintableText.NON_PRINTING);
        }
        if (amountMicro <= 0 || amountMicro > Money.MAX_AMOUNT_MICRO) {
            throw ProblemException.badRequest("amountMicro", "must be positive, at most " + Money.MAX_AMOUNT_MICRO);
        }
        if (count < 1 || count > 10_000) {
            throw ProblemException.badRequest("count", "must be between 1 and 10000");
        }
        if (expiresAt == null || !expiresAt.isAfter(OffsetDateTime.now(clock))) {
            throw ProblemException.badRequest("expiresAt", "must be in the future");
        }
        if (perAccountLimit < 1) {
            throw ProblemException.badRequest("perAccountLimit", "must be at least 1");
        }
        UUID batch = UUID.randomUUID();
        sql.update("""
                INSERT INTO voucher_batch (id, name, amount_micro, expires_at, per_account_limit, created_by)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)""", batch, name.strip(), amountMicro, expiresAt, perAccountLimit,
                admin.id);
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String code = newCode();
            codes.add(code);
            sql.update("INSERT INTO voucher (id, batch_id, code_sha256) VALUES (?1, ?2, ?3)", UUID.randomUUID(),
                    batch, Hashes.sha256(code));
        }
        return new VoucherBatch(batch, name.strip(), amountMicro, expiresAt, perAccountLimit, codes);
    }

    public record Redeemed(long amountMicro, long balanceMicro) {
    }

    /** Redeems a voucher code; each try, found or not, spends the account's limit (codes cannot be guessed). */
    public Redeemed redeem(Account account, String code) {
        limiter.check(RateLimiter.Limit.VOUCHER_REDEEM, account.id);
        Redeemed r = QuarkusTransaction.requiringNew().call(() -> redeemInTx(account, code));
        lifecycle.evaluate(account.id);
        return r;
    }

    private Redeemed redeemInTx(Account account, String code) {
        if (code == null || code.isBlank()) {
            throw ProblemException.badRequest("code", "is required");
        }
        String normalized = code.strip().toUpperCase(Locale.ROOT).replace("-", "");
        Sql.Row v = sql.first("""
                SELECT v.id, v.redeemed_by, b.amount_micro, b.expires_at < now(), b.per_account_limit, b.id
                FROM voucher v JOIN voucher_batch b ON b.id = v.batch_id
                WHERE v.code_sha256 = ?1 FOR UPDATE OF v""", Hashes.sha256(normalized))
                .orElseThrow(() -> ProblemException.notFound("No such voucher code"));
        if (v.get(1) != null) {
            throw new ProblemException(
                    Problem.of(409, "Voucher already used", "This voucher code was already redeemed"));
        }
        if (v.bool(3)) {
            throw new ProblemException(Problem.of(410, "Voucher expired", "This voucher code has expired"));
        }
        // Serialise this account's redemptions so the per-account limit holds under concurrent requests.
        accounts.lock(account.id);
        long used = sql.number("SELECT count(*) FROM voucher WHERE batch_id = ?1 AND redeemed_by = ?2", v.uuid(5),
                account.id);
        if (used >= v.number(4)) {
            throw new ProblemException(Problem.of(409, "Voucher limit reached",
                    "This campaign allows " + v.number(4) + " voucher(s) per account"));
        }
        sql.update("UPDATE voucher SET redeemed_by = ?1, redeemed_at = now() WHERE id = ?2", account.id, v.uuid(0));
        long amount = v.number(2);
        post(Posting.toCustomer(Posting.Kind.voucher, account.id, amount, Posting.SystemAccount.promotions,
                "voucher:" + v.uuid(0), "Voucher redeemed", null, null));
        return new Redeemed(amount, balance(account.id));
    }

    // --- top-ups

    public record TopUp(String eventId, UUID accountId, long amountMicro, boolean credited) {
    }

    /** Credits a verified top-up event exactly once (by event id). */
    public TopUp topUp(String eventId, UUID accountId, long amountMicro) {
        TopUp t = QuarkusTransaction.requiringNew().call(() -> topUpInTx(eventId, accountId, amountMicro));
        lifecycle.evaluate(accountId);
        return t;
    }

    private TopUp topUpInTx(String eventId, UUID accountId, long amountMicro) {
        if (accountQueries.find(accountId).isEmpty()) {
            throw ProblemException.badRequest("data.account_id", "names no Berth account");
        }
        Ledger.Posted posted = post(Posting.toCustomer(Posting.Kind.topup, accountId, amountMicro,
                Posting.SystemAccount.payments, "topup:" + eventId, "Top-up " + eventId, null, null));
        if (posted.created()) {
            sql.update("""
                    INSERT INTO topup_event (event_id, account_id, amount_micro, transaction_id)
                    VALUES (?1, ?2, ?3, ?4)""", eventId, accountId, amountMicro, posted.transactionId());
        }
        return new TopUp(eventId, accountId, amountMicro, posted.created());
    }

    public long balance(UUID accountId) {
        try (Connection c = dataSource.getConnection()) {
            return Ledger.balance(c, accountId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Ledger.Posted post(Posting p) {
        try (Connection c = dataSource.getConnection()) {
            return Ledger.post(c, p);
        } catch (SQLException e) {
            throw new IllegalStateException("posting " + p.idemKey() + " failed", e);
        }
    }

    private String newCode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(CODE_ALPHABET[random.nextInt(CODE_ALPHABET.length)]);
        }
        return sb.toString();
    }
}
