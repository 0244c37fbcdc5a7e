package io.berth.agent.pods;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * A pod's reservation the way the scheduler counts it: regular containers and restartable init containers (sidecars)
 * add up, each ordinary init container may set a higher peak, and the runtime overhead comes on top. A limit of 0 means
 * none: one container without a limit leaves the pod unbounded.
 */
public record PodResources(long cpuRequestMillis, long cpuLimitMillis, long memoryRequestBytes,
        long memoryLimitBytes) {

    public static final PodResources NONE = new PodResources(0, 0, 0, 0);

    public static PodResources of(PodSpec spec) {
        if (spec == null) {
            return NONE;
        }
        return new PodResources(
                effective(spec, "cpu", true, true), effective(spec, "cpu", false, true),
                effective(spec, "memory", true, false), effective(spec, "memory", false, false));
    }

    private static long effective(PodSpec spec, String resource, boolean request, boolean milli) {
        long running = 0;
        for (Container c : list(spec.getContainers())) {
            Long v = amount(c, resource, request, milli);
            if (v == null) {
                if (!request) {
                    return 0;
                }
                continue;
            }
            running += v;
        }
        long sidecars = 0;
        long initPeak = 0;
        for (Container c : list(spec.getInitContainers())) {
            Long v = amount(c, resource, request, milli);
            boolean sidecar = "Always".equals(c.getRestartPolicy());
            if (v == null) {
                if (!request && sidecar) {
                    return 0;
                }
                continue;
            }
            if (sidecar) {
                sidecars += v;
                initPeak = Math.max(initPeak, sidecars);
            } else {
                initPeak = Math.max(initPeak, sidecars + v);
            }
        }
        long total = Math.max(running + sidecars, initPeak);
        Map<String, Quantity> overhead = spec.getOverhead();
        if (overhead != null && overhead.get(resource) != null) {
            total += scale(overhead.get(resource), milli);
        }
        return total;
    }

    /** The container's request (falling back to its limit, as the API server defaults it) or limit; null if none. */
    private static Long amount(Container c, String resource, boolean request, boolean milli) {
        ResourceRequirements r = c.getResources();
        if (r == null) {
            return null;
        }
        Quantity q = null;
        if (request && r.getRequests() != null) {
            q = r.getRequests().get(resource);
        }
        if (q == null && r.getLimits() != null) {
            q = r.getLimits().get(resource);
        }
        if (!request) {
            q = r.getLimits() == null ? null : r.getLimits().get(resource);
        }
        return q == null ? null : scale(q, milli);
    }

    /** Kubernetes rounds fractional quantities up (MilliValue, Value). */
    private static long scale(Quantity q, boolean milli) {
        BigDecimal base = q.getNumericalAmount();
        if (milli) {
            base = base.multiply(BigDecimal.valueOf(1000));
        }
        return base.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
