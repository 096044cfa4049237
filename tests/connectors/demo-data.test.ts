import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { floorFen } from '../../server/rules/index.js';
import { productSchema, runsheetItemInput } from '../../server/protocol/index.js';

const demoDir = path.join(import.meta.dirname, '../../resources/demo');
const read = (name: string): unknown[] => JSON.parse(fs.readFileSync(path.join(demoDir, name), 'utf8'));

describe('the demo catalog and run-sheet', () => {
  const catalog = read('catalog.json').map((p) => productSchema.parse(p));
  const runsheet = read('runsheet.json').map((item) => runsheetItemInput.parse(item));

  it('is a catalog of about eight products in integer fen, sold live under list price, with Chinese selling points', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(6);
    expect(new Set(catalog.map((p) => p.sku)).size).toBe(catalog.length);
    for (const p of catalog) {
      expect(Number.isInteger(p.listPriceFen) && Number.isInteger(p.livePriceFen!)).toBe(true);
      expect(p.livePriceFen!).toBeLessThan(p.listPriceFen);
      expect(p.title).toMatch(/[\u4e00-\u9fff]/);
      expect(p.sellingPoints!.length).toBeGreaterThan(20);
    }
  });

  it('has a run-sheet row per product with a 5–10 minute slot and a script a host can read: hook, points, price, call to action', () => {
    expect(runsheet.map((r) => r.sku).sort()).toEqual(catalog.map((p) => p.sku).sort());
    for (const item of runsheet) {
      const product = catalog.find((p) => p.sku === item.sku)!;
      expect(item.plannedSec).toBeGreaterThanOrEqual(300);
      expect(item.plannedSec).toBeLessThanOrEqual(600);
      expect(item.sellingPoints.length).toBeGreaterThan(10);
      expect(item.script.split('\n\n').length).toBeGreaterThanOrEqual(3);
      expect(item.script).toMatch(/链接/);
      // The script quotes the live price the catalog sells at (¥89.9 is written 89块9 or 89.9).
      const yuan = Math.floor(product.livePriceFen! / 100);
      expect(item.script).toContain(String(yuan));
    }
  });

  it('has deal presets that the hub would fire: above the brand floor, under the live price, stock and limits set', () => {
    const presets = runsheet.filter((r) => r.dealPreset);
    expect(presets.length).toBeGreaterThanOrEqual(4);
    expect(runsheet.some((r) => r.dealPreset === null)).toBe(true);
    for (const item of presets) {
      const product = catalog.find((p) => p.sku === item.sku)!;
      const deal = item.dealPreset!;
      expect(deal.priceFen).toBeGreaterThanOrEqual(floorFen(product) ?? 0);
      expect(deal.priceFen).toBeLessThan(product.livePriceFen!);
      expect(deal.stock).toBeGreaterThan(0);
      expect(deal.perUserLimit).toBeGreaterThanOrEqual(1);
      // The script announces the deal price too.
      expect(item.script).toContain(String(Math.floor(deal.priceFen / 100)));
    }
  });
});
