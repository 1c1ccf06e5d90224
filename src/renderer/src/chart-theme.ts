/**
 * ECharts themes that match design.css (ECharts cannot read CSS variables): titles, axis labels, visualMap
 * labels and tooltips in the theme's text colours, so that every chart reads in both themes. ECharts' own
 * `dark` theme drew visualMap labels in a grey too faint on the dark panel; these keep text at ≥ 4.5:1.
 */
import { registerTheme } from 'echarts/core';

interface Palette {
  text: string;
  muted: string;
  line: string;
  split: string;
  tooltip: string;
  tooltipText: string;
}

const LIGHT: Palette = {
  text: '#1b1b1f',
  muted: '#595b66',
  line: '#a4a6b3',
  split: '#e4e5ea',
  tooltip: '#ffffff',
  tooltipText: '#1b1b1f',
};
const DARK: Palette = {
  text: '#e6e6ea',
  muted: '#c3c5cf',
  line: '#5a5e6b',
  split: '#2e3139',
  tooltip: '#23262d',
  tooltipText: '#e6e6ea',
};

function theme(colors: Palette): object {
  const axis = {
    axisLine: { lineStyle: { color: colors.line } },
    axisTick: { lineStyle: { color: colors.line } },
    axisLabel: { color: colors.text },
    splitLine: { lineStyle: { color: colors.split } },
    nameTextStyle: { color: colors.muted },
  };
  return {
    backgroundColor: 'transparent',
    textStyle: { color: colors.text },
    title: { textStyle: { color: colors.text }, subtextStyle: { color: colors.muted } },
    legend: { textStyle: { color: colors.text } },
    visualMap: { textStyle: { color: colors.text } },
    tooltip: {
      backgroundColor: colors.tooltip,
      borderColor: colors.line,
      textStyle: { color: colors.tooltipText },
    },
    categoryAxis: axis,
    valueAxis: axis,
    graph: { label: { color: colors.text } },
    // Value labels beside bars: plain text in the theme's colour (ECharts outlines them, which blurs small text).
    bar: { label: { color: colors.text, textBorderWidth: 0 } },
  };
}

export const CHART_THEMES = { light: 'xai-light', dark: 'xai-dark' } as const;
registerTheme(CHART_THEMES.light, theme(LIGHT));
registerTheme(CHART_THEMES.dark, theme(DARK));
