/** The control room's look: Naive UI's dark theme, calm blue accent, CJK-friendly fonts. */
import type { GlobalThemeOverrides } from 'naive-ui';

export const fontFamily =
  '"Inter", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", system-ui, sans-serif, "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"';

/** Platform tag colors, shared by the inbox and charts. */
export const platformColors: Record<string, string> = {
  douyin: '#fe2c55',
  channels: '#07c160',
  taobao: '#ff6a00',
  mall: '#7c8cff',
  studio: '#8a94a6',
  bilibili: '#fb7299',
  xiaohongshu: '#ff2442',
  kuaishou: '#ffb020',
};

export const chartColors = {
  gmv: '#f5b74f',
  online: '#4fa3f7',
  comments: '#6fd3a8',
  item: '#7c8cff',
  deal: '#ff7a45',
  coupon: '#e86bd0',
  gap: '#e5484d',
  axis: '#5b6475',
  split: 'rgba(255,255,255,0.06)',
  text: '#9aa4b5',
};

export const themeOverrides: GlobalThemeOverrides = {
  common: {
    fontFamily,
    primaryColor: '#4fa3f7',
    primaryColorHover: '#6cb4fa',
    primaryColorPressed: '#3a8de0',
    primaryColorSuppl: '#4fa3f7',
    bodyColor: '#0f1218',
    cardColor: '#161a22',
    modalColor: '#1a1f29',
    popoverColor: '#1d2330',
    borderRadius: '6px',
  },
  Card: { paddingSmall: '10px 12px' },
};
