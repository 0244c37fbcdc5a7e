package io.berth.admin;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.access.CredentialService;
import io.berth.billing.BillingQueries;
import io.berth.billing.BillingReports;
import io.berth.billing.DebtLifecycle;
import io.berth.common.Paged;
import io.berth.token.ApiTokenService;
import io.berth.workspace.WorkspaceQueries;

/**
 * What the admin area shows: searches with paging and the platform-wide figures, put together from what each feature
 * reports of its own tables. Reads only.
 */
@ApplicationScoped
public class AdminQueries {

    public static final int PAGE_SIZE = 20;

    private final AccountQueries accounts;
    private final CredentialService credentials;
    private final WorkspaceQueries workspaces;
    private final BillingQueries billing;
    private final BillingReports reports;
    private final ApiTokenService tokens;
    private final Clock clock;

    AdminQueries(AccountQueries accounts, CredentialService credentials, WorkspaceQueries workspaces,
            BillingQueries billing, BillingReports reports, ApiTokenService tokens, Clock clock) {
        this.accounts = accounts;
        this.credentials = credentials;
        this.workspaces = workspaces;
        this.billing = billing;
        this.reports = reports;
        this.tokens = tokens;
        this.clock = clock;
    }

    public record AccountRow(UUID id, String username, String email, String status, String plan,
            OffsetDateTime createdAt, long balanceMicro, DebtLifecycle.State billingState, long workspaces) {
    }

    public record WorkspaceRow(UUID id, String displayName, String namespace, String status, String plan,
            boolean suspended, OffsetDateTime createdAt, UUID ownerId, String owner, long members) {
    }

    public record DebtRow(UUID id, String username, DebtLifecycle.State state, long balanceMicro,
            OffsetDateTime since, OffsetDateTime suspendedAt, OffsetDateTime deletionAt) {
    }

    public record Consumer(UUID id, String username, long amountMicro) {
    }

    /** One value per (bucket, series): a day and a line, or a day and "revenue". */
    public record Point(String bucket, String series, BigDecimal quantity, String unit, long amountMicro) {
    }

    public record Totals(long accounts, long workspaces, long readyWorkspaces, long suspendedAccounts,
            long revenue30dMicro, long debtors) {
    }

    public record VoucherBatchRow(UUID id, String name, long amountMicro, OffsetDateTime expiresAt,
            int perAccountLimit, String createdBy, OffsetDateTime createdAt, long codes, long redeemed) {
    }

    /** One account with what the admin page shows beside it. */
    public record AccountDetail(UUID id, String username, String email, String status, String plan,
            String timezone, OffsetDateTime createdAt, long balanceMicro, DebtLifecycle.State billingState,
            OffsetDateTime stateSince, OffsetDateTime suspendedAt, int credentialEpoch,
            OffsetDateTime credentialExpiresAt, long activeTokens) {

        public boolean suspended() {
            return status.equals("suspended");
        }
    }

    public Paged<AccountRow> accounts(String query, int page) {
        Paged<Account> found = accounts.search(query, page, PAGE_SIZE);
        List<UUID> ids = found.items().stream().map(a -> a.id).toList();
        Map<UUID, BillingQueries.Standing> standings = billing.standings(ids);
        Map<UUID, Long> owned = workspaces.ownedCounts(ids);
        return new Paged<>(found.items().stream().map(a -> {
            BillingQueries.Standing s = standings.get(a.id);
            return new AccountRow(a.id, a.username, a.email, a.status.name(), a.planId, a.createdAt,
                    s.balanceMicro(), s.state(), owned.get(a.id));
        }).toList(), found.page(), found.pageSize(), found.total());
    }

    /** Workspaces matching {@code query} by name, namespace, id or owner; {@code memberId} narrows to one account's. */
    public Paged<WorkspaceRow> workspaces(String query, UUID memberId, int page) {
        List<UUID> owners = query == null || query.isBlank() ? List.of() : accounts.withUsernameContaining(query);
        Paged<WorkspaceQueries.Summary> found = workspaces.search(query, owners, memberId, page, PAGE_SIZE);
        Map<UUID, Account> people = accounts.find(found.items().stream().map(WorkspaceQueries.Summary::ownerId)
                .toList());
        return new Paged<>(found.items().stream().map(w -> new WorkspaceRow(w.id(), w.displayName(), w.namespace(),
                w.status(), w.plan(), w.suspended(), w.createdAt(), w.ownerId(), username(people, w.ownerId()),
                w.members())).toList(), found.page(), found.pageSize(), found.total());
    }

    public List<DebtRow> debtors(int limit) {
        List<BillingReports.Debtor> debtors = reports.debtors(limit);
        Map<UUID, Account> people = accounts.find(debtors.stream().map(BillingReports.Debtor::accountId).toList());
        return debtors.stream().map(d -> new DebtRow(d.accountId(), username(people, d.accountId()), d.state(),
                d.balanceMicro(), d.since(), d.suspendedAt(), d.deletionAt())).toList();
    }

    /** Accounts by what they were charged in the last {@code days} days; equal amounts by name. */
    public List<Consumer> topConsumers(int days, int limit) {
        List<BillingReports.Consumer> top = reports.topConsumers(daysAgo(days), limit);
        Map<UUID, Account> people = accounts.find(top.stream().map(BillingReports.Consumer::accountId).toList());
        return top.stream().filter(c -> people.containsKey(c.accountId()))
                .map(c -> new Consumer(c.accountId(), username(people, c.accountId()), c.amountMicro()))
                .sorted(Comparator.comparingLong(Consumer::amountMicro).reversed()
                        .thenComparing(Consumer::username))
                .limit(limit).toList();
    }

    public List<Point> revenuePerDay(int days) {
        return reports.revenuePerDay(daysAgo(days)).stream().map(AdminQueries::point).toList();
    }

    public List<Point> clusterUsagePerDay(int days) {
        return reports.usagePerDay(daysAgo(days)).stream().map(AdminQueries::point).toList();
    }

    public List<VoucherBatchRow> voucherBatches(int limit) {
        List<BillingReports.VoucherBatch> batches = reports.voucherBatches(limit);
        Map<UUID, Account> people = accounts.find(batches.stream().map(BillingReports.VoucherBatch::createdBy)
                .toList());
        return batches.stream().map(b -> new VoucherBatchRow(b.id(), b.name(), b.amountMicro(), b.expiresAt(),
                b.perAccountLimit(), username(people, b.createdBy()), b.createdAt(), b.codes(), b.redeemed()))
                .toList();
    }

    /** The account and its money, credential and tokens; null when there is no such account. */
    public AccountDetail account(UUID id) {
        Account a = accounts.find(id).orElse(null);
        if (a == null) {
            return null;
        }
        BillingQueries.Standing s = billing.standing(id);
        CredentialService.CredentialStatus c = credentials.current(id);
        return new AccountDetail(a.id, a.username, a.email, a.status.name(), a.planId, a.timezone, a.createdAt,
                s.balanceMicro(), s.state(), s.since(), s.suspendedAt(), c.epoch(), c.lastExpiresAt(),
                tokens.activeCount(id));
    }

    public Totals totals() {
        WorkspaceQueries.Counts counts = workspaces.counts();
        return new Totals(accounts.count(), counts.live(), counts.ready(), accounts.countSuspended(),
                reports.revenueSince(daysAgo(30)), reports.debtorCount());
    }

    private static Point point(BillingReports.Daily d) {
        return new Point(d.day(), d.line(), d.quantity(), d.unit(), d.amountMicro());
    }

    private static String username(Map<UUID, Account> people, UUID id) {
        Account a = people.get(id);
        return a == null ? "" : a.username;
    }

    /** The start of the UTC day {@code days - 1} days ago: "the last 30 days" includes today. */
    private OffsetDateTime daysAgo(int days) {
        return LocalDate.now(clock).minusDays(days - 1L).atStartOfDay().atOffset(ZoneOffset.UTC);
    }
}
