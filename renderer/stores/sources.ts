/**
 * The studio's shops and live rooms (DESIGN §11): their lights come with every push (the live store's
 * `sources`); for the 数据源 panel's forms, their settings (secrets only as “set”), the kinds this hub
 * takes and what each needs. Changes go through the control actions `source.add|update|remove|replay`.
 */
import { acceptHMRUpdate, defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ControlPayload, LiveState, SourceKindInfo, SourceSettings, SourceStatus } from '@protocol';
import { listen, send } from '../api/feed';

/** Worst first: the top bar's one light is the worst of all sources'. */
const severity: Record<SourceStatus['state'], number> = { error: 3, waiting: 2, connected: 1, disabled: 0 };

export const useSourcesStore = defineStore('sources', () => {
  /** Each source's light and counters, from the hub's snapshot and ticks. */
  const statuses = ref<SourceStatus[]>([]);
  let lastStatusesJson = '';
  const take = (s: LiveState) => {
    const json = JSON.stringify(s.sources ?? []);
    if (json === lastStatusesJson) return;
    lastStatusesJson = json;
    statuses.value = s.sources ?? [];
  };
  listen('snapshot', take);
  listen('tick', take);
  /** Settings of each source (no secret values), loaded when the panel opens. */
  const settings = ref<SourceSettings[]>([]);
  /** Kinds this hub has adapters for, with the fields each needs. */
  const kinds = ref<SourceKindInfo[]>([]);
  /** Loading the settings. */
  const loading = ref(false);

  /** The worst light among enabled sources, or null with none. */
  const overall = computed<SourceStatus['state'] | null>(() => {
    if (statuses.value.length === 0) return null;
    return statuses.value.reduce((worst, s) => (severity[s.state] > severity[worst] ? s.state : worst), 'disabled' as SourceStatus['state']);
  });

  /** Reads the settings and kinds from the hub. */
  async function load(): Promise<void> {
    loading.value = true;
    try {
      const ack = await send('source.list', {}, { quiet: true });
      if (ack.ok) {
        settings.value = ack.sources;
        kinds.value = ack.kinds;
      }
    } finally {
      loading.value = false;
    }
  }

  async function add(payload: ControlPayload<'source.add'>) {
    const ack = await send('source.add', payload);
    if (ack.ok) await load();
    return ack;
  }

  async function update(payload: ControlPayload<'source.update'>) {
    const ack = await send('source.update', payload);
    if (ack.ok) await load();
    return ack;
  }

  async function remove(id: string) {
    const ack = await send('source.remove', { id });
    if (ack.ok) await load();
    return ack;
  }

  async function replay(id: string) {
    return send('source.replay', { id });
  }

  return { statuses, settings, kinds, loading, overall, load, add, update, remove, replay };
});

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSourcesStore, import.meta.hot));
