/** Secrets as people may see them in a log: enough to tell which one, never enough to use. */

/** The first characters of a token and an ellipsis (`a1b2c3…`); short tokens show less. */
export function maskToken(token: string): string {
  const shown = Math.min(6, Math.floor(token.length / 4));
  return `${token.slice(0, shown)}…`;
}

/** A URL with its `?token=` value masked (see {@link maskToken}). */
export function maskTokenInUrl(url: string): string {
  return url.replace(/([?&]token=)([^&#]*)/g, (_, key: string, value: string) => `${key}${maskToken(decodeURIComponent(value))}`);
}
