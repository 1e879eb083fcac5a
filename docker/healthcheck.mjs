// Docker HEALTHCHECK (see Dockerfile): nginx answers and hands /healthz to a web process.
// Deliberately not /readyz: a database outage is no reason to mark this container unhealthy
// (the load balancer's /readyz check takes the instance out of service instead).
const port = process.env.NGINX_PORT || '80';
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
