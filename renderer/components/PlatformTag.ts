/**
 * A platform's short name in its color: 抖音 / 视频号 / 淘宝 / 商城. A functional component (no
 * instance of its own): the comment inbox draws dozens of these every second under a busy show.
 * Styled by `.platform-tag` in App.vue.
 */
import { h, type FunctionalComponent } from 'vue';
import { i18n } from '../i18n';
import { knownPlatform } from '../lib/platform';
import { palette, platformColors } from '../ui/theme';

const PlatformTag: FunctionalComponent<{ platform: string }> = ({ platform }) => {
  const known = knownPlatform(platform);
  const color = known ? platformColors[known] : palette.textMuted;
  const text = known ? i18n.global.t(`platform.${known}`) : platform;
  return h('span', { class: 'platform-tag', style: { color, borderColor: color }, 'data-platform': platform }, text);
};
PlatformTag.props = ['platform'];

export default PlatformTag;
