/** What platform admins do (each action through the feature that owns it) and the audit log of it. */
@OwnsTables("admin_audit")
package io.berth.admin;

import io.berth.common.OwnsTables;
