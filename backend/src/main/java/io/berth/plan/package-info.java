/** Plans: the quotas and prices on offer. Announces a replaced plan ({@link io.berth.plan.PlanChanged}). */
@OwnsTables("plan")
package io.berth.plan;

import io.berth.common.OwnsTables;
