package io.berth.access;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.common.Paged;

/**
 * What other features read of accounts. The accounts handed out are for reading: only this package changes them.
 */
@ApplicationScoped
public class AccountQueries {

    @Transactional
    public Optional<Account> find(UUID id) {
        return id == null ? Optional.empty() : Account.findByIdOptional(id);
    }

    /** The accounts of these ids that exist, by id. */
    @Transactional
    public Map<UUID, Account> find(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return Account.<Account>list("id in ?1", ids).stream()
                .collect(Collectors.toMap(a -> a.id, Function.identity()));
    }

    /**
     * The account an (already lowercased) invitee names: one with an {@code @} is an e-mail address and matches only a
     * verified one; anything else matches a username.
     */
    @Transactional
    public Optional<Account> findInvitee(String lowercased) {
        if (lowercased.contains("@")) {
            return Account.<Account>find("emailVerified = true and lower(email) = ?1", lowercased)
                    .firstResultOptional();
        }
        return Account.<Account>find("lower(username) = ?1", lowercased).firstResultOptional();
    }

    /**
     * Accounts, newest first: {@code query} matches part of the username or e-mail address (ignoring case) or a whole
     * account id; blank matches all.
     */
    @Transactional
    public Paged<Account> search(String query, int page, int pageSize) {
        String q = query == null ? "" : query.strip();
        String where = "?1 = '' or locate(lower(?1), lower(username)) > 0 "
                + "or locate(lower(?1), lower(coalesce(email, ''))) > 0 or str(id) = lower(?1)";
        int p = Paged.page(page);
        List<Account> items = Account.<Account>find(where + " order by createdAt desc, id", q)
                .page(p - 1, pageSize).list();
        return new Paged<>(items, p, pageSize, Account.count(where, q));
    }

    /** Ids of the accounts whose username holds this text, ignoring case. */
    @Transactional
    public List<UUID> withUsernameContaining(String text) {
        return Account.getEntityManager()
                .createQuery("select a.id from Account a where locate(lower(?1), lower(a.username)) > 0", UUID.class)
                .setParameter(1, text == null ? "" : text.strip()).getResultList();
    }

    @Transactional
    public long count() {
        return Account.count();
    }

    @Transactional
    public long countSuspended() {
        return Account.count("status", Account.Status.suspended);
    }
}
