/**
 * Whether `hostname` (as `URL.hostname` gives it) is on the allowlist: an exact name or address, or
 * `*.example.com` for any subdomain of example.com (not example.com itself). Case, IPv6 brackets and a
 * trailing dot do not matter.
 */
export function isHostAllowed(hostname: string, allowHosts: readonly string[]): boolean {
  const host = normalizeHost(hostname);
  if (host === '') return false;
  return allowHosts.some((entry) => {
    const allowed = normalizeHost(entry);
    if (allowed.startsWith('*.')) {
      const suffix = allowed.slice(1); // ".example.com"
      return host.length > suffix.length && host.endsWith(suffix);
    }
    return host === allowed;
  });
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
