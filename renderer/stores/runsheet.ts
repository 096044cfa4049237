/**
 * The run-sheet (排品/流程单) and the catalog it draws on: the items in show order, which row the
 * producer has selected, and every change to them (add, edit, delete, reorder, go, next).
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ControlAction, ControlPayload, Product, RunsheetItem } from '@protocol';
import { linkNosMentioned } from '@rules';
import { useConnectionStore } from './connection';
import { useLiveStore } from './live';

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

  const rows = computed<RunsheetRow[]>(() =>
    items.value.map((item, index) => ({ item, product: productsBySku.value.get(item.sku) ?? null, index })),
  );

  /** The item on air, as a run-sheet row. */
  const currentRow = computed<RunsheetRow | null>(() => {
    const current = useLiveStore().current;
    if (!current) return null;
    return rows.value.find((r) => r.item.itemId === current.itemId) ?? null;
  });

  /** The row after the one on air (or the first when nothing is on air). */
  const nextRow = computed<RunsheetRow | null>(() => {
    const at = currentRow.value ? currentRow.value.index + 1 : 0;
    return rows.value[at] ?? null;
  });

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

  /** Moves the selection by `delta` rows (clamped); starts from the item on air. */
  function moveSelection(delta: number): void {
    if (!items.value.length) return;
    const from = selectedIndex.value >= 0 ? selectedIndex.value : (currentRow.value?.index ?? (delta > 0 ? -1 : items.value.length));
    const to = Math.min(items.value.length - 1, Math.max(0, from + delta));
    selectedItemId.value = items.value[to].itemId;
  }

  function select(itemId: number | null): void {
    selectedItemId.value = itemId;
  }

  const send = <A extends ControlAction>(action: A, payload: ControlPayload<A>) => useConnectionStore().send(action, payload);

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
    currentRow,
    nextRow,
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
    reorder,
    move,
    setFloor,
    go,
    next,
  };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRunsheetStore, import.meta.hot));
