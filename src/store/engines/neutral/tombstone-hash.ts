// The key of a tombstone of an erased identifier: sha256 of the install's privacy key, the kind, ':' and
// the normalised value. Without the key nobody can test a guessed e-mail against a tombstone. One
// spelling for every check made in JavaScript: an engine's event load (ClickHouse) and CRM intake.
import { createHash } from 'node:crypto';

export function keyHash(privacyKey: string, kind: string, value: string): string {
  return createHash('sha256').update(`${privacyKey}${kind}:${value}`).digest('hex');
}
