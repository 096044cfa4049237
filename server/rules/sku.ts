/**
 * 商品编码 as one form wherever a person types or a sheet carries one: the import, the item form and
 * `catalog.upsert` all compare codes after this, so "ＬＸ－０１ " from a full-width keyboard and "LX-01"
 * are one product, not two.
 */

/** Full-width to half-width (NFKC), zero-width marks removed, outer spaces trimmed, inner runs of spaces made one. Case is kept: some shops' codes are case-sensitive. */
export function normaliseSku(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .trim()
    .replace(/\s+/g, ' ');
}

/**
 * A stable code for a row the sheet left without one, from its title: the same title always gets the
 * same code, so importing the sheet again updates that product instead of adding another.
 */
export function generatedSku(title: string): string {
  // FNV-1a over the normalised title's UTF-16 units: short, stable, no dependency.
  let h = 0x811c9dc5;
  for (const ch of title.normalize('NFKC').trim()) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `AUTO-${h.toString(36).toUpperCase().padStart(7, '0')}`;
}
