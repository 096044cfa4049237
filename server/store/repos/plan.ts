/** The show's plan: the catalog (商品库) and the run-sheet (排品表). */
import type { Db } from '../db.js';
import type { Product, RunsheetItem, RunsheetItemInput } from '../../protocol/index.js';

export function createPlanRepo(db: Db) {
  const s = {
    catalog: db.prepare('SELECT body FROM catalog ORDER BY sku').pluck(),
    upsertProduct: db.prepare('INSERT INTO catalog (sku, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at'),
    runsheet: db.prepare('SELECT item_id, position, body FROM runsheet ORDER BY position, item_id'),
    insertItem: db.prepare('INSERT INTO runsheet (position, body) VALUES (?, ?)'),
    updateItem: db.prepare('UPDATE runsheet SET body = ? WHERE item_id = ?'),
    moveItem: db.prepare('UPDATE runsheet SET position = ? WHERE item_id = ?'),
    deleteItem: db.prepare('DELETE FROM runsheet WHERE item_id = ?'),
  };

  return {
    catalog(): Product[] {
      return (s.catalog.all() as string[]).map((b) => JSON.parse(b) as Product);
    },
    upsertProduct(p: Product, at: number): void {
      s.upsertProduct.run(p.sku, JSON.stringify(p), at);
    },
    runsheet(): RunsheetItem[] {
      return (s.runsheet.all() as { item_id: number; position: number; body: string }[]).map((r) => ({
        ...(JSON.parse(r.body) as RunsheetItemInput),
        itemId: r.item_id,
        position: r.position,
      }));
    },
    insertItem(item: RunsheetItemInput, position: number): number {
      return Number(s.insertItem.run(position, JSON.stringify(item)).lastInsertRowid);
    },
    updateItem(itemId: number, item: RunsheetItemInput): boolean {
      return s.updateItem.run(JSON.stringify(item), itemId).changes === 1;
    },
    moveItem(itemId: number, position: number): void {
      s.moveItem.run(position, itemId);
    },
    deleteItem(itemId: number): boolean {
      return s.deleteItem.run(itemId).changes === 1;
    },
  };
}
