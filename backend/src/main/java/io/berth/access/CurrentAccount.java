package io.berth.access;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.berth.common.Problem;
import io.berth.common.ProblemException;

/** The account of the authenticated caller, resolved (and created on first use) once per request. */
@RequestScoped
public class CurrentAccount {

    private final AccountService accounts;
    private final JsonWebToken token;
    private Account account;

    CurrentAccount(AccountService accounts, JsonWebToken token) {
        this.accounts = accounts;
        this.token = token;
    }

    public Account get() {
        if (account == null) {
            Account a = accounts.ensure(token);
            if (a.status == Account.Status.deleted) {
                throw new ProblemException(Problem.of(403, "Account deleted", "This account has been deleted"));
            }
            account = a;
        }
        return account;
    }
}
