/** Platform ids as connectors send them, folded to the ones the studio streams to (and the live rooms it reads). */
export type KnownPlatform = 'douyin' | 'channels' | 'taobao' | 'mall' | 'studio' | 'bilibili' | 'xiaohongshu' | 'kuaishou';

const aliases: Record<string, KnownPlatform> = {
  douyin: 'douyin',
  tiktok: 'douyin',
  channels: 'channels',
  wechat: 'channels',
  weixin: 'channels',
  shipinhao: 'channels',
  sph: 'channels',
  taobao: 'taobao',
  tmall: 'taobao',
  mall: 'mall',
  miniprogram: 'mall',
  private: 'mall',
  studio: 'studio',
  bilibili: 'bilibili',
  xiaohongshu: 'xiaohongshu',
  xhs: 'xiaohongshu',
  kuaishou: 'kuaishou',
};

/** The studio's name for a platform id, or null when it is not one of ours. */
export function knownPlatform(id: string): KnownPlatform | null {
  const key = id.toLowerCase().replace(/[^a-z]/g, '');
  // Own keys only: a connector's platform called `constructor` is not Object's.
  return Object.hasOwn(aliases, key) ? aliases[key] : null;
}
