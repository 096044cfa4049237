/**
 * The adapter for each source kind. Each adapter lives in its own file under `hooks/` (shops that
 * push) or `rooms/` (live rooms LiveDeck connects to); add one line here per kind.
 */
import { bilibiliAdapter } from './rooms/bilibili.js';
import { obaAdapter } from './rooms/oba.js';
import type { HookAdapter, HookKind, RoomAdapter, RoomKind } from './types.js';
import { doudian } from './hooks/doudian.js';
import { shopify } from './hooks/shopify.js';
import { woocommerce } from './hooks/woocommerce.js';
import { wxshop } from './hooks/wxshop.js';
import { youzan } from './hooks/youzan.js';

export const hookAdapters: Partial<Record<HookKind, HookAdapter>> = {
  shopify,
  woocommerce,
  doudian,
  youzan,
  wxshop,
};

export const roomAdapters: Partial<Record<RoomKind, RoomAdapter>> = {
  bilibili: bilibiliAdapter,
  oba: obaAdapter,
};
