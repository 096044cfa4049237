/**
 * The platforms a studio streams to, by the names people use for them, in each UI language: one table
 * for every screen (the renderer's i18n reads it) and every export (the recap workbook). Connectors
 * send their own ids; a few spellings fold to the same platform.
 */

export type PlatformLang = 'zh-CN' | 'en';

export const PLATFORM_NAMES = {
  douyin: { 'zh-CN': '抖音', en: 'Douyin' },
  channels: { 'zh-CN': '视频号', en: 'Channels' },
  taobao: { 'zh-CN': '淘宝', en: 'Taobao' },
  mall: { 'zh-CN': '商城', en: 'Mall' },
  studio: { 'zh-CN': '场控', en: 'Studio' },
  bilibili: { 'zh-CN': '哔哩哔哩', en: 'Bilibili' },
  xiaohongshu: { 'zh-CN': '小红书', en: 'Xiaohongshu' },
  kuaishou: { 'zh-CN': '快手', en: 'Kuaishou' },
} as const satisfies Record<string, Record<PlatformLang, string>>;

/** Platform ids as connectors send them, folded to the ones the studio streams to. */
export type KnownPlatform = keyof typeof PLATFORM_NAMES;

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

/** The studio's platform for a connector's id, or null when it is not one of ours. */
export function knownPlatform(id: string): KnownPlatform | null {
  const key = id.toLowerCase().replace(/[^a-z]/g, '');
  // Own keys only: a connector's platform called `constructor` is not Object's.
  return Object.hasOwn(aliases, key) ? aliases[key] : null;
}

/** Every platform's name in one language (the i18n `platform` messages). */
export function platformNamesIn(lang: PlatformLang): Record<KnownPlatform, string> {
  return Object.fromEntries(Object.entries(PLATFORM_NAMES).map(([p, names]) => [p, names[lang]])) as Record<KnownPlatform, string>;
}

/** A platform id by its name in `lang`; an id that is not one of ours, as sent. */
export function platformName(id: string, lang: PlatformLang): string {
  const known = knownPlatform(id);
  return known ? PLATFORM_NAMES[known][lang] : id;
}
