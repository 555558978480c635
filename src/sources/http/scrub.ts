// Secret scrubbing for everything a vendor client shows: error messages, log entries, the reasons of
// retries. Every configured secret is replaced wherever it appears (a server may echo a token back),
// and so is anything shaped like a credential in the usual places (an Authorization value, a
// `…_token=` parameter, a JSON token field, an API-key header line), whether or not we know it.
//
//   const scrubber = createScrubber('[api token]', [[/\bpat-\w+/g, '[api token]']]);
//   scrubber.add(token);
//   scrubber.scrub(`bad token ${token}`); // 'bad token [api token]'

export interface Scrubber {
  /** Scrub this secret too from now on (a refreshed token, a rotated refresh token). */
  add(secret: string | null | undefined): void;
  /** The text with every secret masked. Scrubbing twice changes nothing. */
  scrub(text: string): string;
}

/** A vendor's own credential shapes, each with its replacement (`$1` and the like allowed). */
export type ScrubPattern = readonly [RegExp, string];

// shorter "secrets" would mask ordinary words; no real credential is this short
const MIN_SECRET = 4;

/** The credential shapes every vendor shares; `(?!\[)` leaves what is already masked alone. */
function sharedPatterns(mask: string): ScrubPattern[] {
  return [
    [/\b(Bearer|Basic)\s+(?!\[)[^\s"',;<]{8,}/gi, `$1 ${mask}`],
    [
      /\b(api_token|access_token|refresh_token|client_secret|password)=(?!\[)[^&\s"'<>]+/gi,
      `$1=${mask}`,
    ],
    [
      /"(api_token|access_token|refresh_token|client_secret|password)"\s*:\s*"[^"]*"/gi,
      `"$1":"${mask}"`,
    ],
    [/\b(x-api-token|x-api-key):\s*(?!\[)\S+/gi, `$1: ${mask}`],
  ];
}

export function createScrubber(mask: string, patterns: readonly ScrubPattern[] = []): Scrubber {
  // held in this closure only: nothing on the returned object shows a secret to inspect()
  const secrets = new Set<string>();
  const all = [...patterns, ...sharedPatterns(mask)];
  return {
    add(secret) {
      if (secret && secret.length >= MIN_SECRET) secrets.add(secret);
    },
    scrub(text) {
      let out = text;
      // longest first: a secret that contains another is masked whole
      for (const s of [...secrets].sort((a, b) => b.length - a.length))
        out = out.split(s).join(mask);
      for (const [pattern, replacement] of all) out = out.replace(pattern, replacement);
      return out;
    },
  };
}
