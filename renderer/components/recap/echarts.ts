/**
 * ECharts for the recap: what the live charts register, plus shaded areas for platform gaps. Canvas
 * at twice the screen's density, so the charts stay sharp in a printed or PDF report.
 */
import { use } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, MarkLineComponent, MarkAreaComponent, TooltipComponent, CanvasRenderer]);

export const RECAP_CHART_INIT = { devicePixelRatio: Math.max(2, typeof window === 'undefined' ? 1 : window.devicePixelRatio) };
