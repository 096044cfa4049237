/**
 * The control room's look: Naive UI's dark theme, calm blue accent, CJK-friendly fonts.
 *
 * `palette` is the one place a colour is written. Every entry is a CSS custom property on `:root`
 * (`--ld-<kebab-name>`, set by `installPalette()` at start), so a component's `<style>` says
 * `var(--ld-text-strong)`, never a hex literal (tests/guardrails/palette.test.ts holds that);
 * Naive UI's overrides, `chartColors` and `platformColors` take the same entries where they are the same colour.
 * Translucent tints and shadows stay `rgba()` where they are used.
 */
import type { GlobalThemeOverrides } from 'naive-ui';

export const fontFamily =
  '"Inter", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", system-ui, sans-serif, "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"';

const colors = {
  // Text on the dark surfaces, brightest first.
  white: '#fff',
  textBright: '#f1f4f8',
  textStrong: '#e6ebf2',
  textPale: '#dbe3ee',
  text: '#c9d1dc',
  textSoft: '#aeb7c4',
  textLabel: '#9aa4b5',
  textMuted: '#8a94a6',
  /** The grey Naive UI's own third text level would be, where its variable is missing. */
  textPast: '#8a8f98',
  textHint: '#7d8796',
  /** A struck-through list price beside the deal price. */
  textStruck: '#6b7586',
  textDim: '#5f6a7b',
  textFaint: '#5b6475',
  /** Drag grips and separators between facts. */
  textGhost: '#4a5262',

  // Surfaces, darkest first.
  black: '#000',
  prompterFoot: '#07090c',
  surfaceDeep: '#0b0e14',
  surfaceBody: '#0f1218',
  surfaceBar: '#12161d',
  surfaceKey: '#141922',
  screenGlow: '#141a26',
  surfaceCard: '#161a22',
  surfaceRaised: '#1a1f29',
  surfaceTile: '#1b2029',
  surfacePopover: '#1d2330',

  // Borders and tracks.
  borderRow: '#1d222c',
  borderBar: '#1f2632',
  border: '#222833',
  borderStrong: '#262c38',
  borderControl: '#2a303c',
  borderTouch: '#2c3442',
  borderKey: '#3a4252',
  borderFocus: '#3a4456',

  // The accent (blue): selection, links, on-air markers.
  accent: '#4fa3f7',
  accentHover: '#6cb4fa',
  accentPressed: '#3a8de0',
  accentSoft: '#8cc4ff',
  accentPale: '#b8d9fb',
  accentButton: '#1f4d80',
  /** The prompter's "preview, not on air" banner. */
  preview: '#3b82f6',

  // Run-sheet items (violet): item markers, selection outline, returning buyers.
  item: '#7c8cff',
  itemSoft: '#aab4ff',
  itemPale: '#b8c0ff',

  // Gold: GMV, prices, things that want a look.
  gold: '#f5b74f',
  goldSoft: '#f5c46f',
  goldLight: '#f5c77a',
  estimated: '#f0b35a',
  notice: '#ffc46b',
  prompterTitle: '#ffd27a',
  noteText: '#f5d9a8',
  prompterNote: '#ffe2b0',
  blocked: '#e5a04d',
  /** The yellow a viewer's question, a countdown and coupons left catch the eye with. */
  highlight: '#ffd23f',
  prompterQuestion: '#1d1a08',

  // Warnings.
  warning: '#f5a524',
  warningButton: '#4d3a12',
  waiting: '#e2b93b',
  linkNoInk: '#1a1405',

  // Flash deals (orange).
  deal: '#ff7a45',
  dealSoft: '#ff9a6b',
  dealLight: '#ffb38f',
  dealEnded: '#ffcfb8',
  dealInk: '#1a0d06',
  prompterDeal: '#ff7a00',
  prompterDealInk: '#120800',
  prompterDealTag: '#ff9d3b',
  /** The prompter's reading line. */
  readingLine: '#ff8a00',

  // Coupons: magenta in charts and recap, blue on the panels and screens.
  coupon: '#e86bd0',
  couponFaded: '#f0a6e3',
  couponDeep: '#2f7fd8',
  couponLight: '#9ccbff',
  couponPale: '#e6f0ff',
  couponTagInk: '#061427',
  couponPanelTagInk: '#06121f',
  prompterCoupon: '#1a2c4a',
  prompterCouponMuted: '#9fb4d0',

  // Danger and lateness (red).
  danger: '#e5484d',
  dangerText: '#ff8a8d',
  late: '#ff6b6f',
  overTime: '#ff3b3b',
  alarmText: '#ff9a9d',
  sourceError: '#f08a8d',
  errorPale: '#ffb3b5',
  readOnlyWarn: '#ff9592',
  remoteOver: '#ff6369',

  // Success (green).
  success: '#3ecf8e',
  successLight: '#63e2b7',
  successText: '#4cc38a',
  successDeep: '#30a46c',
  goButton: '#1d4d36',
  connected: '#2fbf71',
  delta: '#3ccf7e',
  mint: '#6fd3a8',
  // The recap's clicks series and the keyword cloud's sixth colour.
  violet: '#c58af9',
  paceUp: '#5ee0a4',
  modeText: '#9fd6b2',

  // Source lights that are off or not yet known.
  lightOff: '#555',
  lightIdle: '#666',

  // The OBS overlays (deal lower third, coupon card) over the stream.
  overlayRed: '#ff3d3d',
  overlayOrange: '#ff6a2a',
  overlayAmber: '#ff9a3c',
  overlayTagText: '#fff6d6',
  overlayStrike: '#ff6a4a',
  overlayUrgent: '#ff5a5a',
  overlayLowStock: '#ff8a7a',
  overlayLabel: '#b9c0cc',
  overlayCouponTop: '#ffcf4a',
  overlayCoupon: '#ff9f1c',
  overlayCouponInk: '#5a1600',
  overlayCouponTagInk: '#2a0d00',

  // The recap's print stylesheet (black on white paper).
  printLate: '#b42318',
  printEarly: '#067647',
  printCardBorder: '#d0d5dd',
  printRowBorder: '#e4e7ec',
} as const;

/** Every colour of the UI by its role; `--ld-<kebab-name>` in CSS. */
export const palette = {
  ...colors,
  /** Text on the white recap page when printed: the raised surface's near-black. */
  printInk: colors.surfaceRaised,
} as const;

export type PaletteName = keyof typeof palette;

/** `textStrong` → `--ld-text-strong`. */
export function cssVarName(name: string): string {
  return `--ld-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The palette as one `:root { --ld-…: … }` rule. */
export function paletteCss(): string {
  const lines = Object.entries(palette).map(([name, value]) => `  ${cssVarName(name)}: ${value};`);
  return `:root {\n${lines.join('\n')}\n}\n`;
}

/** Puts the palette's custom properties on `:root`, once, before the app mounts. */
export function installPalette(doc: Document = document): void {
  if (doc.getElementById('ld-palette')) return;
  const style = doc.createElement('style');
  style.id = 'ld-palette';
  style.textContent = paletteCss();
  doc.head.prepend(style);
}

/** Platform tag colors, shared by the inbox and charts. */
export const platformColors: Record<string, string> = {
  douyin: '#fe2c55',
  channels: '#07c160',
  taobao: '#ff6a00',
  mall: palette.item,
  studio: palette.textMuted,
  bilibili: '#fb7299',
  xiaohongshu: '#ff2442',
  kuaishou: '#ffb020',
};

export const chartColors = {
  gmv: palette.gold,
  online: palette.accent,
  comments: palette.mint,
  item: palette.item,
  deal: palette.deal,
  coupon: palette.coupon,
  gap: palette.danger,
  axis: palette.textFaint,
  split: 'rgba(255,255,255,0.06)',
  text: palette.textLabel,
  /** Axis labels readable on the dark card and on the white printed page. */
  axisText: palette.textHint,
  clicks: palette.violet,
};

/** The keyword cloud's word colours, in turn. */
export const keywordColors = [palette.gold, palette.accent, palette.mint, palette.violet, palette.deal, palette.item];

/** Progress bars on the item card: on time, over time, and the rail. */
export const progressColors = { onTime: palette.accent, over: palette.danger, rail: palette.borderStrong };

export const themeOverrides: GlobalThemeOverrides = {
  common: {
    fontFamily,
    primaryColor: palette.accent,
    primaryColorHover: palette.accentHover,
    primaryColorPressed: palette.accentPressed,
    primaryColorSuppl: palette.accent,
    bodyColor: palette.surfaceBody,
    cardColor: palette.surfaceCard,
    modalColor: palette.surfaceRaised,
    popoverColor: palette.surfacePopover,
    borderRadius: '6px',
  },
  Card: { paddingSmall: '10px 12px' },
};
