import { BlockList, isIP } from 'node:net';

// Named ranges, as proxy configurations usually name them (the same names Fastify's proxy-addr knows).
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Why an entry of an address list is not an IP address, a CIDR range or a range name; undefined when it is. */
export function addressEntryProblem(entry: string): string | undefined {
  if (entry in NAMED) return undefined;
  const [ip = '', prefix, extra] = entry.split('/');
  const v = isIP(ip);
  if (v === 0 || extra !== undefined)
    return `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of ${Object.keys(NAMED).join(', ')}`;
  if (prefix === undefined) return undefined;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  if (!(bits >= 0 && bits <= (v === 4 ? 32 : 128)))
    return `"${entry}": the prefix length must be 0 to ${v === 4 ? 32 : 128}`;
  return undefined;
}

/**
 * A matcher for a list of addresses, CIDR ranges and range names (checked with addressEntryProblem first).
 * IPv4-mapped IPv6 addresses (::ffff:10.0.0.1, as a dual-stack socket reports them) match their IPv4 entries.
 */
export function addressMatcher(
  entries: readonly string[],
): (address: string | undefined) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => NAMED[e] ?? [e])) {
    const [ip = '', prefix] = entry.split('/');
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(prefix), type);
  }
  return (address) => {
    if (!address) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const ip = mapped ? mapped[1]! : address;
    const v = isIP(ip);
    return v !== 0 && list.check(ip, v === 6 ? 'ipv6' : 'ipv4');
  };
}
