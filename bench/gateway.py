#!/usr/bin/env python3
"""The shared gateway at scale (issue 15), against a running stack (bench/gateway.sh starts one).

  bench/gateway.py <stack.env> [routes=10000] [live-samples=100] [churn=1000]

1. N HTTPRoutes in place (one namespace, one Gateway, one web Deployment behind all of them).
2. Route live: for each sample a new HTTPRoute is created through the API, and its host is polled through the gateway
   (every 10 ms) until the first 200; the time from sending the create to that 200, p50/p99/max.
3. Churn: wrk keeps a steady load on existing routes while `churn` routes are created and then deleted; wrk's failed
   requests (non-2xx and socket errors) are the count that must stay 0.
4. Throughput, in the same run: wrk through the gateway against wrk straight to the pod, alternating, three rounds.
Prints one result line per measurement (also as JSON at the end).
"""
import concurrent.futures
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

NS = "bench-gw"


def env(path):
    out = {}
    for line in open(path):
        if "=" in line and not line.startswith("#"):
            k, v = line.rstrip("\n").split("=", 1)
            out[k] = v
    return out


E = env(sys.argv[1])
ROUTES = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
LIVE = int(sys.argv[3]) if len(sys.argv) > 3 else 100
CHURN = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
DOMAIN = E["APPS_DOMAIN"]
NODE = E["GATEWAY_ADDRS"].split(",")[0]
KUBECTL = [E["KUBECTL"], "--kubeconfig", E["ADMIN_KUBECONFIG"]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PROXY_PORT = free_port()


def kubectl(*args, stdin=None):
    r = subprocess.run(KUBECTL + list(args), input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: kubectl {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout


def api(method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{PROXY_PORT}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


def host(name):
    return f"{name}.{NS}.{DOMAIN}"


def route(name):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": NS},
            "spec": {"parentRefs": [{"name": "bench"}], "hostnames": [host(name)],
                     "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}


ROUTES_PATH = f"/apis/gateway.networking.k8s.io/v1/namespaces/{NS}/httproutes"


def create(name):
    return api("POST", ROUTES_PATH, route(name))


def delete(name):
    return api("DELETE", f"{ROUTES_PATH}/{name}")


def status_through_gateway(name, conn_box):
    try:
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection(NODE, 80, timeout=5)
        c = conn_box[0]
        c.request("GET", "/healthz", headers={"Host": host(name)})
        r = c.getresponse()
        r.read()
        return r.status
    except (OSError, http.client.HTTPException):
        if conn_box[0] is not None:
            conn_box[0].close()
        conn_box[0] = None
        return 0


def await_live(name, timeout=60.0):
    box = [None]
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        if status_through_gateway(name, box) == 200:
            return True
        time.sleep(0.01)
    return False


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))]


def wrk(url, seconds, conns, threads, host_header=None, script=None):
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s"]
    if host_header:
        cmd += ["-H", f"Host: {host_header}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    sock = sum(int(x) for x in m.groups()) if (
        m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)) else 0
    return {"requests": total, "rps": rps, "non2xx": non2xx, "socket_errors": sock}


def setup():
    kubectl("apply", "--server-side", "-f", "-", stdin=f"""
apiVersion: v1
kind: Namespace
metadata: {{name: {NS}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {NS}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: berth/web:0.1.0
          ports: [{{containerPort: 8080}}]
          resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: {NS}}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: bench, namespace: {NS}}}
spec:
  gatewayClassName: berth
  listeners:
    - {{name: http, protocol: HTTP, port: 8000, hostname: "*.{NS}.{DOMAIN}", allowedRoutes: {{namespaces: {{from: Same}}}}}}
""")
    kubectl("-n", NS, "rollout", "status", "deployment/web", "--timeout=120s")
    return kubectl("-n", NS, "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].status.podIP}")


def main():
    results = {"routes": ROUTES}
    proxy = subprocess.Popen(KUBECTL + ["proxy", f"--port={PROXY_PORT}"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        pod_ip = setup()
        existing = [f"r-{i:05d}" for i in range(ROUTES)]
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(create, existing))
        created_s = time.monotonic() - t0
        if not await_live(existing[-1], timeout=300):
            sys.exit(f"bench: the last of {ROUTES} routes never served a 200")
        results["create_all_s"] = round(created_s, 1)
        results["all_live_s"] = round(time.monotonic() - t0, 1)
        print(f"{ROUTES} routes created in {created_s:.1f} s, all live after {results['all_live_s']} s", flush=True)

        lat = []
        for i in range(LIVE):
            name = f"live-{i:04d}"
            t = time.monotonic()
            create(name)
            if not await_live(name):
                sys.exit(f"bench: route {name} never served a 200 within 60 s")
            lat.append(time.monotonic() - t)
        results["route_live_p50_ms"] = round(pct(lat, 50) * 1000)
        results["route_live_p99_ms"] = round(pct(lat, 99) * 1000)
        results["route_live_max_ms"] = round(max(lat) * 1000)
        print(f"route live with {ROUTES} in place ({LIVE} samples): p50 {results['route_live_p50_ms']} ms, "
              f"p99 {results['route_live_p99_ms']} ms, max {results['route_live_max_ms']} ms", flush=True)

        # Churn under a steady load on existing routes: wrk spreads its requests over 50 of them.
        script = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"berth-gw-hosts-{os.getpid()}.lua")
        hosts = [host(existing[i * (ROUTES // 50)]) for i in range(50)]
        with open(script, "w") as f:
            f.write("local hosts = {" + ",".join(f'"{h}"' for h in hosts) + "}\nlocal i = 0\n"
                    "request = function()\n  i = i % #hosts + 1\n  wrk.headers[\"Host\"] = hosts[i]\n"
                    "  return wrk.format(\"GET\", \"/healthz\")\nend\n")
        churn_names = [f"churn-{i:04d}" for i in range(CHURN)]
        with concurrent.futures.ThreadPoolExecutor(1) as bg:
            t = time.monotonic()
            load = bg.submit(wrk, f"http://{NODE}/healthz", 120, 4, 1, None, script)
            time.sleep(2)
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                list(pool.map(create, churn_names))
                list(pool.map(delete, churn_names))
            churn_s = time.monotonic() - t - 2
            w = load.result()
        os.unlink(script)
        results["churn_s"] = round(churn_s, 1)
        results["churn_load"] = w
        print(f"churn: {CHURN} routes created and deleted in {churn_s:.1f} s under load; wrk {w['requests']} requests, "
              f"{w['non2xx']} non-2xx, {w['socket_errors']} socket errors", flush=True)

        # Two responses: a tiny one (the proxy's own cost per request dominates) and a 64 KiB one.
        for path in ("/healthz", "/bytes/65536"):
            rounds = []
            for _ in range(3):
                direct = wrk(f"http://{pod_ip}:8080{path}", 10, 16, 2)
                gateway = wrk(f"http://{NODE}{path}", 10, 16, 2, host(existing[0]))
                rounds.append((direct["rps"], gateway["rps"], direct["non2xx"] + direct["socket_errors"],
                               gateway["non2xx"] + gateway["socket_errors"]))
            d = statistics.median(r[0] for r in rounds)
            g = statistics.median(r[1] for r in rounds)
            results[f"throughput {path}"] = {"direct_rps": round(d), "gateway_rps": round(g),
                                             "ratio": round(g / d, 2), "rounds": rounds}
            print(f"throughput GET {path} (median of 3, wrk -t2 -c16 10 s): direct to the pod {d:.0f} req/s, "
                  f"through the gateway {g:.0f} req/s, ratio {g / d:.2f}", flush=True)
        print(json.dumps(results))
    finally:
        proxy.terminate()


if __name__ == "__main__":
    main()
