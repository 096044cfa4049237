/** Types of scripts/hub-bundle.mjs, for the tests that drive it. */
export function sourcesHash(root?: string): string;
export function hubBundle(options?: { root?: string; cacheDir?: string; build?: boolean }): Promise<string | null>;
