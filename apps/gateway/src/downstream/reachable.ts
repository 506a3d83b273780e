/** Readiness of a downstream: its process answers. Its own readiness covers its database. */
export async function reachable(name: string, baseUrl: string): Promise<void> {
  const res = await fetch(new URL('/health/live', baseUrl), { signal: AbortSignal.timeout(1000) });
  if (!res.ok) throw new Error(`${name} answered ${res.status}`);
}
