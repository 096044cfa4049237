/**
 * The adapter for each source kind. Each adapter lives in its own file under `hooks/` (shops that
 * push) or `rooms/` (live rooms LiveDeck connects to); add one line here per kind.
 */
import type { HookAdapter, HookKind, RoomAdapter, RoomKind } from './types.js';
import { shopify } from './hooks/shopify.js';
import { woocommerce } from './hooks/woocommerce.js';
import { youzan } from './hooks/youzan.js';

export const hookAdapters: Partial<Record<HookKind, HookAdapter>> = {
  shopify,
  woocommerce,
  youzan,
};

export const roomAdapters: Partial<Record<RoomKind, RoomAdapter>> = {
};
