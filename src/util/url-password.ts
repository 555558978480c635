// A connection URL fit to show (errors, logs): its password removed, from the user part and from a
// `password` query parameter (PostgreSQL clients accept both).

/** The URL without its password; a string that is not a URL is not shown at all (it may be one). */
export function withoutPassword(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(not a URL)';
  }
  u.password = '';
  u.searchParams.delete('password');
  return u.toString();
}

/** The password the URL carries (user part or query), to scrub from text a client produced; '' when none. */
export function passwordOf(url: string): string {
  try {
    const u = new URL(url);
    return decodeURIComponent(u.password) || (u.searchParams.get('password') ?? '');
  } catch {
    return '';
  }
}
