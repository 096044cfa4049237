/**
 * The run-sheet (排品/流程单) and the catalog it draws on: the items in show order, which row the
 * producer has selected, and every change to them (add, edit, delete, reorder, go, next).
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ControlPayload, Product, RunsheetItem } from '@protocol';
import { linkNosMentioned } from '@rules';
import { listen, send } from '../api/feed';
import { i18n } from '../i18n';
import { confirm } from '../ui/feedback';

export interface RunsheetRow {
  item: RunsheetItem;
  /** The catalog entry for the item's sku, if the catalog has it. */
  product: Product | null;
  index: number;
}

export const useRunsheetStore = defineStore('runsheet', () => {
  /** Every product the studio can sell, by sku order. */
  const catalog = ref<Product[]>([]);
  /** Items in show order. Reordering shows the new order at once and rolls back if the hub refuses. */
  const items = ref<RunsheetItem[]>([]);
  /** The row the producer is pointing at (↑/↓), or null. */
  const selectedItemId = ref<number | null>(null);

  const productsBySku = computed(() => new Map(catalog.value.map((p) => [p.sku, p])));

  const rows = computed<RunsheetRow[]>(() => items.value.map((item, index) => ({ item, product: productsBySku.value.get(item.sku) ?? null, index })));

  /** Rows by 链接号; the first row wins when two share a number (a product's second slot, 返场). */
  const rowsByLinkNo = computed(() => {
    const map = new Map<number, RunsheetRow>();
    for (const r of rows.value) if (r.item.linkNo != null && !map.has(r.item.linkNo)) map.set(r.item.linkNo, r);
    return map;
  });

  /** The run-sheet rows a viewer's comment asks about by link number ("7号链接", "#7", "七号"): those the sheet has. */
  function rowsMentionedIn(text: string): RunsheetRow[] {
    return linkNosMentioned(text).flatMap((n) => rowsByLinkNo.value.get(n) ?? []);
  }

  const selectedIndex = computed(() => items.value.findIndex((i) => i.itemId === selectedItemId.value));

  function applyCatalog(next: Product[]): void {
    catalog.value = next;
  }

  function applyRunsheet(next: RunsheetItem[]): void {
    items.value = next;
    if (selectedItemId.value !== null && !next.some((i) => i.itemId === selectedItemId.value)) selectedItemId.value = null;
  }

  // The catalog and the sheet come whole in a snapshot, and in a tick only when they changed.
  listen('snapshot', (s) => {
    applyCatalog(s.catalog);
    applyRunsheet(s.runsheet);
  });
  listen('tick', (t) => {
    if (t.catalog) applyCatalog(t.catalog);
    if (t.runsheet) applyRunsheet(t.runsheet);
  });

  /**
   * Moves the selection by `delta` rows (clamped); with nothing selected it starts from `onAirIndex`
   * (the row on air, see `useOnAir`), else from an end.
   */
  function moveSelection(delta: number, onAirIndex: number | null = null): void {
    if (!items.value.length) return;
    const from = selectedIndex.value >= 0 ? selectedIndex.value : (onAirIndex ?? (delta > 0 ? -1 : items.value.length));
    const to = Math.min(items.value.length - 1, Math.max(0, from + delta));
    selectedItemId.value = items.value[to].itemId;
  }

  function select(itemId: number | null): void {
    selectedItemId.value = itemId;
  }

  /** Adds an item at the end (or after `afterItemId`); resolves its id, or null. */
  async function add(input: ControlPayload<'runsheet.add'>): Promise<number | null> {
    const ack = await send('runsheet.add', input);
    return ack.ok ? ack.itemId : null;
  }

  async function update(input: ControlPayload<'runsheet.update'>): Promise<boolean> {
    return (await send('runsheet.update', input)).ok;
  }

  async function remove(itemId: number): Promise<boolean> {
    return (await send('runsheet.remove', { itemId })).ok;
  }

  /** Asks the operator first (the Delete key and the row's button), then removes the row. */
  async function confirmRemove(row: RunsheetRow): Promise<boolean> {
    const t = i18n.global.t;
    const yes = await confirm({
      title: t('runsheet.deleteTitle'),
      content: t('runsheet.deleteBody', { title: row.product?.title ?? row.item.sku }),
      positiveText: t('runsheet.delete'),
      negativeText: t('common.cancel'),
      danger: true,
    });
    return yes ? remove(row.item.itemId) : false;
  }

  /** Puts the items in this order: shown at once, rolled back if the hub refuses. */
  async function reorder(itemIds: number[]): Promise<boolean> {
    const before = items.value;
    const byId = new Map(before.map((i) => [i.itemId, i]));
    items.value = itemIds.map((id, position) => ({ ...byId.get(id)!, position }));
    const ack = await send('runsheet.reorder', { itemIds });
    if (!ack.ok) items.value = before;
    return ack.ok;
  }

  /** Moves one item from one index to another (drag and drop, Alt+↑/↓). */
  function move(itemId: number, toIndex: number): Promise<boolean> {
    const ids = items.value.map((i) => i.itemId);
    const from = ids.indexOf(itemId);
    const to = Math.min(ids.length - 1, Math.max(0, toIndex));
    if (from < 0 || from === to) return Promise.resolve(false);
    ids.splice(from, 1);
    ids.splice(to, 0, itemId);
    return reorder(ids);
  }

  /** Sets a product's brand floor (品牌底价) in fen, or clears it with null. */
  async function setFloor(sku: string, floorFen: number | null): Promise<boolean> {
    const product = productsBySku.value.get(sku);
    if (!product) return false;
    const { floorFen: _old, ...rest } = product;
    return (await send('catalog.upsert', floorFen === null ? rest : { ...rest, floorFen })).ok;
  }

  /** Puts an item on air (Go): prompter, pin, deal preset and slot clock follow. */
  async function go(itemId: number): Promise<boolean> {
    return (await send('item.go', { itemId })).ok;
  }

  /** Puts the next item on air. */
  async function next(): Promise<boolean> {
    const ack = await send('item.next', {});
    if (ack.ok) selectedItemId.value = null;
    return ack.ok;
  }

  return {
    catalog,
    items,
    selectedItemId,
    productsBySku,
    rows,
    rowsByLinkNo,
    rowsMentionedIn,
    selectedIndex,
    applyCatalog,
    applyRunsheet,
    moveSelection,
    select,
    add,
    update,
    remove,
    confirmRemove,
    reorder,
    move,
    setFloor,
    go,
    next,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRunsheetStore, import.meta.hot));
