/**
 * Money: usage samples (written by the metering agent: pods, objects, and bytes through the gateway) rated into the
 * ledger, balances, the debt lifecycle, money in, statements, notices. {@link io.berth.billing.BillingQueries} is what
 * others read of an account's billing.
 */
@OwnsTables({"pod_usage_sample", "object_usage_sample", "edge_usage_sample", "rating_usage", "rating_line",
        "billing_cursor", "ledger_transaction", "ledger_entry", "account_balance", "account_billing_state",
        "account_standing", "voucher_batch", "voucher", "topup_event", "notice", "statement_counter", "statement",
        "statement_credit", "statement_line", "rating_price", "allowance_credit", "workspace_owner_history"})
package io.berth.billing;

import io.berth.common.OwnsTables;
