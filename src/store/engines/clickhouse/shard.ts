// Which shard holds a workspace (docs/scale-out.md, "Sharded"). A workspace lives whole on one shard:
// identity resolution may merge any two ids of a workspace, and a derive swaps a workspace's partitions,
// so neither can span shards. The choice is one hash of the workspace id, used twice and held equal:
// here, to route a workspace to its shard, and in the sharding key of the `Distributed` tables
// (schema.ts), so a row inserted through them lands where the router would have put it.
//
// The hash is xxHash64 (seed 0), ClickHouse's `xxHash64`: a published specification with a single
// version, so it is reproduced here exactly (shard.test.ts compares it with ClickHouse's on many ids).
// cityHash64 is not used because ClickHouse's is frozen at CityHash 1.0.2, which later CityHash
// releases changed. ClickHouse picks a shard as `key % total weight` over the shards in their
// `remote_servers` order; with every weight 1, as the guide's configuration has it, that is `shardOf`.

/** The sharding key of a table, as ClickHouse SQL (a row without a workspace hashes the empty id). */
export function shardingKeySql(column: string, nullable: boolean): string {
  return nullable ? `xxHash64(ifNull(${column}, ''))` : `xxHash64(${column})`;
}

/**
 * The shard of a workspace: an index from 0 into the cluster's shards in `remote_servers` order (the
 * `shard_num` of `system.clusters` less one), for `shards` shards of weight 1. A row with no workspace
 * (a dead letter of an unreadable line) goes where `shardOf('')` says.
 */
export function shardOf(workspaceId: string, shards: number): number {
  if (!Number.isSafeInteger(shards) || shards < 1)
    throw new Error(`a cluster has a whole number of shards, at least 1, not ${shards}`);
  return Number(xxHash64(new TextEncoder().encode(workspaceId)) % BigInt(shards));
}

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const mul = (a: bigint, b: bigint) => (a * b) & MASK;
const add = (a: bigint, b: bigint) => (a + b) & MASK;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & MASK;
const round = (acc: bigint, lane: bigint) => mul(rotl(add(acc, mul(lane, P2)), 31n), P1);
const mergeRound = (h: bigint, v: bigint) => add(mul(h ^ round(0n, v), P1), P4);

/** XXH64 of some bytes with seed 0: ClickHouse's `xxHash64` of a String with those bytes. */
export function xxHash64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number) => view.getBigUint64(at, true);
  const n = bytes.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    // four lanes over 32-byte stripes
    let v1 = add(P1, P2);
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(i));
      v2 = round(v2, u64(i + 8));
      v3 = round(v3, u64(i + 16));
      v4 = round(v4, u64(i + 24));
    }
    h = add(add(rotl(v1, 1n), rotl(v2, 7n)), add(rotl(v3, 12n), rotl(v4, 18n)));
    for (const v of [v1, v2, v3, v4]) h = mergeRound(h, v);
  } else {
    h = P5;
  }
  h = add(h, BigInt(n));
  for (; i + 8 <= n; i += 8) h = add(mul(rotl(h ^ round(0n, u64(i)), 27n), P1), P4);
  if (i + 4 <= n) {
    h = add(mul(rotl(h ^ mul(BigInt(view.getUint32(i, true)), P1), 23n), P2), P3);
    i += 4;
  }
  for (; i < n; i++) h = mul(rotl(h ^ mul(BigInt(bytes[i] ?? 0), P5), 11n), P1);
  // avalanche
  h = mul(h ^ (h >> 33n), P2);
  h = mul(h ^ (h >> 29n), P3);
  return h ^ (h >> 32n);
}
