package io.berth.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.berth.workspace.WorkspaceManifests;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** How much of its quota a workspace uses, read from the ResourceQuota's status (the quota controller keeps it). */
@ApplicationScoped
public class QuotaUsage {

    private static final Logger LOG = Logger.getLogger(QuotaUsage.class);

    /** The quota lines people care about, in the order shown, with their names and how to show amounts. */
    private static final List<String[]> SHOWN = List.of(new String[]{"requests.cpu", "CPU requested", "cores"},
            new String[]{"limits.cpu", "CPU limit", "cores"},
            new String[]{"requests.memory", "Memory requested", "GiB"},
            new String[]{"limits.memory", "Memory limit", "GiB"},
            new String[]{"requests.storage", "Volume storage", "GiB"}, new String[]{"pods", "Pods", ""},
            new String[]{"services", "Services", ""},
            new String[]{"persistentvolumeclaims", "Volume claims", ""},
            new String[]{"configmaps", "ConfigMaps", ""}, new String[]{"secrets", "Secrets", ""});

    public record Bar(String key, String label, String used, String hard, String unit, double fraction,
            int percent) {

        public boolean high() {
            return fraction >= 0.8;
        }
    }

    private final KubernetesClient client;

    QuotaUsage(KubernetesClient client) {
        this.client = client;
    }

    /** The bars, or an empty list when the quota cannot be read (the page says so). */
    public List<Bar> of(String namespace) {
        ResourceQuota quota;
        try {
            quota = client.resourceQuotas().inNamespace(namespace).withName(WorkspaceManifests.QUOTA).get();
        } catch (KubernetesClientException e) {
            LOG.warnf("reading the quota of %s failed: %s", namespace, e.getMessage());
            return List.of();
        }
        if (quota == null || quota.getStatus() == null || quota.getStatus().getHard() == null) {
            return List.of();
        }
        Map<String, Quantity> hard = quota.getStatus().getHard();
        Map<String, Quantity> used = quota.getStatus().getUsed() == null ? Map.of() : quota.getStatus().getUsed();
        List<Bar> bars = new ArrayList<>();
        for (String[] s : SHOWN) {
            Quantity h = hard.get(s[0]);
            if (h == null) {
                continue;
            }
            BigDecimal hv = h.getNumericalAmount();
            BigDecimal uv = used.containsKey(s[0]) ? used.get(s[0]).getNumericalAmount() : BigDecimal.ZERO;
            double fraction = hv.signum() == 0
                    ? (uv.signum() > 0 ? 1 : 0)
                    : Math.min(1, uv.divide(hv, 4, RoundingMode.HALF_UP).doubleValue());
            bars.add(new Bar(s[0], s[1], show(uv, s[2]), show(hv, s[2]), s[2], fraction,
                    (int) Math.round(fraction * 100)));
        }
        return bars;
    }

    private static String show(BigDecimal v, String unit) {
        BigDecimal shown = unit.equals("GiB") ? v.divide(BigDecimal.valueOf(1L << 30), 2, RoundingMode.HALF_UP) : v;
        return shown.setScale(Math.min(2, Math.max(0, shown.stripTrailingZeros().scale())), RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }
}
